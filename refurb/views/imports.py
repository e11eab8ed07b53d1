"""The import screen: the reports an offline bench agent left on its USB stick, in one job.

A bench worker, coach or manager reaches it from the erasure bench and the coach view,
uploads the files of the stick's folder (or one .zip of it) and follows the job: its progress
(n of N files) and what became of each file (imported, already imported, refused and why).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refurb.imports import (
    KIND,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    report_import_counts,
    report_import_start,
    report_upload_read,
)
from workshop.exceptions import DomainError
from workshop.jobs import job_line, jobs_visible_to
from workshop.roles import BENCH_ROLES
from workshop.views.common import bench_view, done, render_bench, show_error

RECENT = 10


def _imports(request):
    return jobs_visible_to(request.user).filter(kind=KIND, site_id=request.workstation.site_id)


@require_http_methods(["GET", "POST"])
@bench_view(roles=BENCH_ROLES)
def report_imports(request):
    """``bench:imports``: the upload form and this site's recent imports."""
    if request.method == "POST":
        try:
            reports = report_upload_read(request.FILES.getlist("files"))
            job = report_import_start(
                reports=reports,
                actor=request.user,
                workstation=request.workstation,
                language=request.LANGUAGE_CODE,
            )
        except DomainError as error:
            show_error(request, error)
            return done(request, reverse("bench:imports"))
        messages.success(
            request,
            _("%(n)s files received: the import runs in the background (job #%(id)s).")
            % {"n": job.total, "id": job.pk},
        )
        return done(request, reverse("bench:import", args=[job.pk]))
    recent = list(_imports(request).order_by("-created_at", "-id")[:RECENT])
    for job in recent:
        job.line = job_line(job)
    return render_bench(
        request,
        "refurb/bench/imports.html",
        {
            "recent": recent,
            "max_files": MAX_FILES,
            "max_file_mib": MAX_FILE_BYTES // (1024 * 1024),
            "max_total_mib": MAX_TOTAL_BYTES // (1024 * 1024),
        },
    )


@bench_view(roles=BENCH_ROLES)
def report_import(request, pk: int):
    """``bench:import``: one import job, its progress and each file's result."""
    job = get_object_or_404(_imports(request), pk=pk)
    files = list((job.result or {}).get("files") or [])
    pending = [entry["name"] for entry in (job.payload or {}).get("files", [])[len(files) :]]
    return render_bench(
        request,
        "refurb/bench/import.html",
        {
            "job": job,
            "files": files,
            "pending": pending,
            "counts": report_import_counts(files),
            "line": job_line(job),
            "running": job.status in ("queued", "running"),
        },
    )
