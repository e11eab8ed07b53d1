"""Exports prepared in the background: the audit archive, a report's CSV, the ORDS CSV.

A manager asks from the screen (``export_start``); the request checks who may export what
and records an ``export`` job (workshop/jobs.py); the worker builds the file, keeps it in
the media storage (``job_file_save``: the local folder, or S3 on a network) and the jobs page
and the screen link to it. The worker checks again, with the person who asked, that they may
still read it: a manager moved to another site in between gets a failed job, not the file.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.audit_export import AuditScope, audit_archive
from reports.figures.common import Period
from reports.ords import ords_csv, ords_tickets
from reports.tables import TABLES, table_csv
from workshop.access import access_check
from workshop.exceptions import DomainError
from workshop.jobs import (
    JobFailed,
    job_create,
    job_file_save,
    job_file_url,
    job_line,
    job_message,
    message_render,
)
from workshop.models import Job, Site
from workshop.selectors import sees_every_site, user_site

KIND = "export"
AUDIT = "audit"
REPORT = "report"
ORDS = "ords"

# The steps of the audit archive (reports.audit_export calls progress with their names).
AUDIT_STEPS = [
    "events",
    "signed heads",
    "chains",
    "certificates",
    "sampling checks",
    "shipments",
    "waste register",
]

WHAT = {
    AUDIT: gettext_lazy("audit archive"),
    REPORT: gettext_lazy("report"),
    ORDS: gettext_lazy("repairs (ORDS)"),
}


def _check(what: str, *, actor, site, name: str = "") -> None:
    """Refuse (DomainError) an export ``actor`` may not have; nothing is recorded."""
    if what not in WHAT:
        raise DomainError("invalid", _("Unknown kind of export."), fields={"what": [what]})
    if what == REPORT and name not in TABLES:
        raise DomainError("invalid", _("Unknown report."), fields={"name": [name]})
    if what == AUDIT and site is None:
        raise DomainError(
            "invalid",
            _("Choose the site of the audit archive."),
            fields={"site": [_("This field is required.")]},
        )
    # The role (managers) and, for one site, that it is the actor's (workshop/access.py).
    access_check("report", "read", site=site.pk if site else None, actor=actor)
    if site is None and not sees_every_site(actor):
        raise DomainError(
            "other_site", _("Only a network manager exports every site at once."), status=403
        )


def export_start(
    what: str,
    *,
    actor,
    site: Site | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    name: str = "",
) -> Job:
    """Record the export job of ``what`` for ``site`` (None: every site) and the period."""
    _check(what, actor=actor, site=site, name=name)
    payload = {
        "what": what,
        "site": site.pk if site else None,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "name": name,
    }
    total = len(AUDIT_STEPS) if what == AUDIT else 1
    return job_create(KIND, payload, actor=actor, site=site or user_site(actor), total=total)


def _date(value):
    return date.fromisoformat(value) if value else None


def export_run(job, progress) -> dict:
    """The worker's side: check again, build the file, keep it in the media storage."""
    payload = job.payload or {}
    what = payload.get("what", "")
    site = Site.objects.filter(pk=payload.get("site")).first() if payload.get("site") else None
    if payload.get("site") and site is None:
        raise JobFailed(gettext_lazy("The site of this export no longer exists."))
    if job.actor is None:
        raise JobFailed(gettext_lazy("The person who asked for this export no longer exists."))
    try:
        _check(what, actor=job.actor, site=site, name=payload.get("name", ""))
    except DomainError as error:
        raise JobFailed(
            gettext_lazy("%(who)s may no longer read this export: %(reason)s"),
            who=job.actor.username,
            reason=error.message,
        ) from error
    date_from, date_to = _date(payload.get("date_from")), _date(payload.get("date_to"))
    if what == AUDIT:
        scope = AuditScope(site=site, date_from=date_from, date_to=date_to)
        steps = {name: index for index, name in enumerate(AUDIT_STEPS)}

        def step(name: str) -> None:
            progress(steps.get(name, 0), len(AUDIT_STEPS))

        handle = audit_archive(scope, progress=step)
        saved = job_file_save(job, f"{scope.name}.zip", handle, "application/zip")
        progress(len(AUDIT_STEPS), len(AUDIT_STEPS))
    elif what == REPORT:
        name = payload["name"]
        table = TABLES[name](Period(site=site, date_from=date_from, date_to=date_to))
        body = table_csv(table).encode("utf-8")
        saved = job_file_save(job, f"{name}.csv", body, "text/csv; charset=utf-8")
        progress(1, 1)
    else:
        tickets = ords_tickets(site=site, date_from=date_from, date_to=date_to)
        body = ords_csv(tickets)
        body = body.encode("utf-8") if isinstance(body, str) else body
        saved = job_file_save(job, "repairs-ords.csv", body, "text/csv; charset=utf-8")
        progress(1, 1)
    summary = job_message(
        gettext_lazy("File ready: %(file)s (%(what)s)"), what=WHAT[what], file=saved["file_name"]
    )
    return {**saved, "summary_message": summary, "summary": message_render(summary)}


def export_jobs_of(user, what: str, *, limit: int = 5) -> list[Job]:
    """The last export jobs of ``what`` that ``user`` asked for (the screen's panel)."""

    rows = list(
        Job.objects.filter(kind=KIND, actor=user, payload__what=what).order_by(
            "-created_at", "-id"
        )[:limit]
    )
    for row in rows:
        row.line = job_line(row)
        row.file_url = job_file_url(row)
    return rows
