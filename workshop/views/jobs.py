"""The jobs page for managers: what runs in the background, what failed and why, and retry."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshop.exceptions import DomainError
from workshop.jobs import (
    heartbeats,
    job_file_open,
    job_file_url,
    job_kinds,
    job_line,
    job_retry_by,
    jobs_visible_to,
    periodic_tasks,
    queue_problem,
)
from workshop.models import Job
from workshop.roles import MANAGER
from workshop.views.common import roles_required

PAGE = 50


@roles_required(MANAGER)
def job_list(request):
    """``bench:jobs``: running and queued jobs, the recent ones, the failures with their message."""
    wanted = request.GET.get("status", "")
    jobs = jobs_visible_to(request.user)
    if wanted in Job.Status.values:
        jobs = jobs.filter(status=wanted)
    kinds = {name: kind.label for name, kind in job_kinds().items()}
    rows = list(jobs.order_by("-created_at", "-id")[:PAGE])
    # A scheduled command is named by its schedule's label (« calcul des synthèses »), not
    # by its code; its own output is the command line's, in English: the page says it is
    # done in the reader's language and keeps that output folded, marked as English.
    commands = {
        (task.payload or {}).get("command"): task.label
        for task in periodic_tasks()
        if task.kind == "command"
    }
    for job in rows:
        job.kind_label = kinds.get(job.kind, job.kind)
        name = (job.payload or {}).get("command", "")
        job.command = commands.get(name, name) if name else ""
        job.output = ""
        result = job.result or {}
        if job.kind == "command" and not job.message_data and not result.get("summary_message"):
            job.output = result.get("summary", "")
            job.line = job.message or (
                _("Done: the command's report is below.") if job.status == Job.Status.DONE else ""
            )
        else:
            job.line = job_line(job)  # in the reader's language, whoever wrote it
        job.file_url = job_file_url(job)
    context = {
        "jobs": rows,
        "wanted": wanted,
        "filters": [
            (
                value,
                label,
                jobs_visible_to(request.user).filter(status=value).count()
                if value != Job.Status.DONE
                else None,
            )
            for value, label in Job.Status.choices
        ],
        "queue_problem": queue_problem(),
        # While a job runs, the page fetches itself again (bench.js, data-refresh).
        "running": any(job.status in (Job.Status.QUEUED, Job.Status.RUNNING) for job in rows),
        "beats": heartbeats(),
    }
    return render(request, "workshop/jobs.html", context)


@roles_required(MANAGER)
@require_POST
def job_retry_view(request, pk: int):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    try:
        job_retry_by(job, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Job #%(id)d is queued again.") % {"id": job.pk})
    return redirect("bench:jobs")


@roles_required(MANAGER)
def job_file(request, pk: int):
    """``bench:job-file``: the file a done job made (an export), from the media storage."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    if job_file_url(job) is None:
        raise Http404(_("This job has no file (yet)."))
    handle, name, content_type = job_file_open(job)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
