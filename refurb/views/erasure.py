"""The erasure bench: a device's drives, their erasures or destructions, then `wiped`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refurb import services as refurb_services
from refurb.forms import DestructionForm, DriveAddForm, ErasureForm
from refurb.models import Drive
from refurb.views.common import device_context, device_get
from workshop.exceptions import DomainError
from workshop.forms import form_errors
from workshop.labelprint import bench_print
from workshop.views.common import bench_view, done, render_bench, show_error


def _back(request, device) -> str:
    return reverse("bench:erasure-device", args=[device.asset_tag])


@bench_view
def erasure(request):
    return render_bench(request, "refurb/bench/erasure.html")


@bench_view
def erasure_device(request, tag):
    device = device_get(tag)
    context = device_context(request, device)
    context.update(
        {
            "drive_form": DriveAddForm(),
            "erasure_form": ErasureForm(),
            "destruction_form": DestructionForm(),
        }
    )
    return render_bench(request, "refurb/bench/erasure.html", context)


def _run(request, device, action, success: str, *, then=None):
    try:
        result = action()
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, success)
        if then is not None:
            then(result)
    return done(request, _back(request, device))


@require_POST
@bench_view
def drive_add(request, tag):
    device = device_get(tag)
    form = DriveAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, _back(request, device))
    data = form.cleaned_data
    capacity = data["capacity_gb"] * 10**9 if data["capacity_gb"] else None
    return _run(
        request,
        device,
        lambda: refurb_services.drive_add(
            device=device,
            actor=request.user,
            kind=data["kind"],
            serial_number=data["serial_number"],
            model=data["model"],
            capacity_bytes=capacity,
            workstation=request.workstation,
        ),
        _("Drive recorded."),
        then=lambda drive: bench_print(
            request, template="drive_tag", obj=drive, action_key=f"drive:{drive.pk}"
        ),
    )


@require_POST
@bench_view
def no_storage(request, tag):
    """Confirm a device has no storage: asked twice, since a wrong "no" lets data out."""
    device = device_get(tag)
    if request.POST.get("confirm") != "1":
        context = device_context(request, device)
        context.update(
            {
                "drive_form": DriveAddForm(),
                "erasure_form": ErasureForm(),
                "destruction_form": DestructionForm(),
                "confirm_no_storage": True,
            }
        )
        return render_bench(request, "refurb/bench/erasure.html", context)
    return _run(
        request,
        device,
        lambda: refurb_services.device_confirm_no_storage(
            device=device, actor=request.user, workstation=request.workstation
        ),
        _("Recorded: this device has no storage."),
    )


@require_POST
@bench_view
def drive_erasure(request, drive_tag):
    drive = get_object_or_404(Drive.objects.select_related("device"), tag=drive_tag)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, _back(request, drive.device))
    data = form.cleaned_data
    return _run(
        request,
        drive.device,
        lambda: refurb_services.drive_record_erasure(
            drive=drive,
            method=data["method"],
            tool=data["tool"],
            passes=data["passes"],
            verified=data["verified"],
            result=data["result"],
            actor=request.user,
            workstation=request.workstation,
        ),
        _("Erasure of drive %(drive)s recorded.") % {"drive": drive.tag},
    )


@require_POST
@bench_view
def drive_destruction(request, drive_tag):
    drive = get_object_or_404(Drive.objects.select_related("device"), tag=drive_tag)
    form = DestructionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, _back(request, drive.device))
    data = form.cleaned_data
    return _run(
        request,
        drive.device,
        lambda: refurb_services.drive_record_destruction(
            drive=drive,
            method=data["method"],
            witness=data["witness"],
            actor=request.user,
            workstation=request.workstation,
        ),
        _("Destruction of drive %(drive)s recorded.") % {"drive": drive.tag},
    )
