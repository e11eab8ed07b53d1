"""Print screens: the print form (also the target of bench "print" links) and the job page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from labels import services
from labels.forms import PrintForm
from labels.models import PrintJob
from workshop.exceptions import DomainError


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@permission_required("labels.add_printjob", raise_exception=True)
def print_labels(request):
    """``labels:print``: GET pre-fills from the query (?template=&codes=&stock=…), POST prints."""
    if request.method == "POST":
        form = PrintForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.print_job_create(
                    template=data["template"],
                    codes=data["codes"],
                    stock=data["stock"] or None,
                    printer=data["printer"],
                    workstation=data["workstation"],
                    copies=data["copies"],
                    start_at=data["start_at"],
                    actor=request.user,
                    base_url=_base_url(request),
                )
            except DomainError as error:
                job = getattr(error, "job", None)
                if job is not None:
                    return redirect("labels:job", pk=job.pk)
                form.add_error(None, error.message)
                for field, messages in error.fields.items():
                    if field in form.fields:
                        for message in messages:
                            form.add_error(field, message)
            else:
                return redirect("labels:job", pk=job.pk)
    else:
        initial = {key: value for key, value in request.GET.items() if key in PrintForm.base_fields}
        if "codes" in request.GET:
            initial["codes"] = "\n".join(request.GET.getlist("codes"))
        form = PrintForm(initial=initial)
    return render(request, "labels/print.html", {"form": form})


@login_required
@permission_required("labels.view_printjob", raise_exception=True)
def job_detail(request, pk: int):
    job = get_object_or_404(
        PrintJob.objects.select_related("printer", "actor", "workstation"), pk=pk
    )
    advice = (
        services.print_error_message(job.error_code, job.printer.name) if job.error_code else ""
    )
    return render(request, "labels/job.html", {"job": job, "advice": advice})


@login_required
@permission_required("labels.add_printjob", raise_exception=True)
@require_POST
def job_retry(request, pk: int):
    job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
    try:
        services.print_job_retry(job=job, actor=request.user, base_url=_base_url(request))
    except DomainError:
        pass  # the job page shows the recorded failure and its advice
    return redirect("labels:job", pk=job.pk)


@login_required
@permission_required("labels.view_printjob", raise_exception=True)
def job_document(request, pk: int):
    job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
    try:
        data, content_type, name = services.print_job_document(job, base_url=_base_url(request))
    except DomainError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
