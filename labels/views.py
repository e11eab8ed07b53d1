"""Print screens: the print form (also the target of bench "print" links) and the job page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from labels import services
from labels.bench import job_notice
from labels.forms import PrintForm
from labels.models import PrintJob
from refurb.models import Device
from workshop.exceptions import DomainError
from workshop.labelprint import bench_print, form_token, notices_add
from workshop.models import Job
from workshop.views.common import bench_view, current_workstation, done, safe_next


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@permission_required("labels.add_printjob", raise_exception=True)
def print_labels(request):
    """``labels:print``: GET pre-fills from the query (?template=&codes=&stock=…), POST prints."""
    workstation = current_workstation(request)
    site = workstation.site if workstation is not None else None
    if request.method == "POST":
        form = PrintForm(request.POST, site=site)
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
        if workstation is not None:
            initial.setdefault("workstation", workstation.pk)
        form = PrintForm(initial=initial, site=site)
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
    task = Job.objects.filter(pk=job.job_id).first() if job.job_id else None
    return render(request, "labels/job.html", {"job": job, "advice": advice, "task": task})


@login_required
@permission_required("labels.add_printjob", raise_exception=True)
@require_POST
def job_retry(request, pk: int):
    job = get_object_or_404(PrintJob.objects.select_related("printer"), pk=pk)
    code = ", ".join(job.codes)
    try:
        job = services.print_job_retry(job=job, actor=request.user, base_url=_base_url(request))
        notice = job_notice(job, code)
    except DomainError as error:
        # the job page shows the recorded failure and its advice
        notice = job_notice(getattr(error, "job", None) or job, code, error=error)
    if request.POST.get("next"):  # retried from a bench notice: back to the bench
        notices_add(request, notice)
        return done(request, safe_next(request, reverse("bench:home")))
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


REPRINTABLE = ("device_tag", "shop_label", "erasure_sticker")


@bench_view
def device_tag(request, tag: str):
    """``labels:device-tag``: reprint a device's label at this workstation's printer.

    GET opens the print screen filled in; POST prints (once per click: the form's one-time
    token is the action) and goes back to the card, the outcome shown as a notice there.
    """
    device = get_object_or_404(Device, asset_tag=tag)
    template = request.POST.get("template") or request.GET.get("template") or "device_tag"
    if template not in REPRINTABLE:
        template = "device_tag"
    if request.method != "POST":
        return redirect(f"{reverse('labels:print')}?template={template}&codes={device.asset_tag}")
    token = form_token(request)
    bench_print(
        request,
        template=template,
        obj=device,
        action_key=f"reprint:{template}:{device.pk}:{token}" if token else "",
    )
    return done(request, safe_next(request, reverse("bench:device", args=[device.asset_tag])))
