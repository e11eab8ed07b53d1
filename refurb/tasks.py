"""The refurb app's jobs: bench reports imported in bulk from an offline agent's USB stick."""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refurb.imports import (
    KIND,
    REFUSED,
    report_file_import,
    report_file_read,
    report_files_discard,
    report_import_counts,
)
from workshop.jobs import job_kind, job_message, message_render
from workshop.models import Workstation

logger = logging.getLogger("atelier.jobs")


@job_kind(KIND, label=gettext_lazy("report import"), lease_seconds=1800)
def run_report_import(job, progress) -> dict:
    """Import each file of the job; a retried job goes on after the last file it finished."""
    files = (job.payload or {}).get("files", [])
    workstation = Workstation.objects.select_related("site").get(pk=job.payload["workstation"])
    results = list((job.result or {}).get("files") or [])[: len(files)]
    with translation.override(job.payload.get("language") or "fr"):
        progress(len(results), len(files))
        for entry in files[len(results) :]:
            if entry.get("refused"):
                result = {"name": entry["name"], "status": REFUSED, "message": entry["refused"]}
            else:
                try:
                    result = report_file_import(
                        name=entry["name"],
                        raw=report_file_read(entry),
                        actor=job.actor,
                        workstation=workstation,
                        job_id=job.pk,
                    )
                except Exception as exc:  # a bug on one odd file must not stop the others
                    logger.exception("report import %s: %s failed", job.pk, entry["name"])
                    result = {
                        "name": entry["name"],
                        "status": REFUSED,
                        "message": _(
                            "This file stopped on an unexpected error (nothing of it was "
                            "recorded): %(error)s"
                        )
                        % {"error": exc},
                    }
            results.append(result)
            progress(
                len(results),
                result={"files": results, "counts": report_import_counts(results)},
            )
        counts = report_import_counts(results)
        summary = job_message(
            gettext_lazy(
                "%(imported)s files imported, %(duplicate)s already imported, %(refused)s refused."
            ),
            **counts,
        )
        rendered = message_render(summary)
    report_files_discard(job)
    return {
        "files": results,
        "counts": counts,
        "summary_message": summary,
        "summary": rendered,
    }
