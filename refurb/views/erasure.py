"""The erasure bench: a device's drives, their erasures or destructions, then `wiped`."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refurb import services as refurb_services
from refurb.forms import DestructionForm, DriveAddForm, ErasureForm
from refurb.ingest.drives import serial_key
from refurb.ingest.erasures import record_erasures
from refurb.ingest.errors import report_error
from refurb.ingest.outcome import IngestOutcome
from refurb.models import Drive, VerificationSample
from refurb.selectors import verification_pending
from refurb.snapshots.errors import ReportError
from refurb.snapshots.normalize.drives import nwipe_erasures
from refurb.snapshots.nwipe import parse_nwipe_log
from refurb.views.common import device_context, device_get, site_check_device
from workshop.exceptions import DomainError
from workshop.forms import form_errors
from workshop.labelprint import bench_print
from workshop.views.common import bench_view, done, render_bench, safe_next, show_error


def _back(request, device) -> str:
    return reverse("bench:erasure-device", args=[device.asset_tag])


def _checks(request) -> dict:
    """The drives of this bench's site drawn for an independent check (R2v3 sampling)."""
    return {"verification_checks": verification_pending(site=request.workstation.site_id)}


@bench_view
def erasure(request):
    return render_bench(request, "refurb/bench/erasure.html", _checks(request))


@bench_view
def erasure_device(request, tag):
    device = device_get(tag)
    context = device_context(request, device)
    context.update(
        {
            **_checks(request),
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
                **_checks(request),
            }
        )
        return render_bench(request, "refurb/bench/erasure.html", context)
    return _run(
        request,
        device,
        lambda: refurb_services.device_confirm_no_storage(
            device=device, actor=request.user, workstation=request.workstation
        ),
        _(
            "Recorded: this device has no storage. A technical coach now signs it off "
            "(coach view) before it can be marked as erased."
        ),
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


@require_POST
@bench_view
def verification_check(request, pk):
    """Record the independent check of a drawn drive: passed, or failed with what was found.

    The service refuses the person who erased the drive and a second check; a failed check
    puts the drive and its batch back to erasure.
    """
    sample = get_object_or_404(
        VerificationSample.objects.select_related("erasure__drive__device__site"), pk=pk
    )
    drive = sample.erasure.drive
    back = safe_next(request, reverse("bench:erasure"))
    outcome = request.POST.get("outcome")
    note = request.POST.get("note", "").strip()
    if outcome not in ("passed", "failed"):
        messages.error(request, _("Say whether the check passed or failed."))
        return done(request, back)
    if outcome == "failed" and not note:
        messages.error(request, _("Say what the check of %(drive)s found.") % {"drive": drive.tag})
        return done(request, back)
    try:
        site_check_device(request, drive.device)
        reopened = refurb_services.verification_record(
            sample=sample,
            actor=request.user,
            passed=outcome == "passed",
            note=note,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    if outcome == "passed":
        messages.success(
            request, _("Independent check of %(drive)s recorded: passed.") % {"drive": drive.tag}
        )
    else:
        messages.warning(
            request,
            _("Independent check of %(drive)s failed: these drives go back to erasure: %(drives)s.")
            % {"drive": drive.tag, "drives": ", ".join(reopened)},
        )
    return done(request, back)


MAX_LOG_BYTES = 512 * 1024


@require_POST
@bench_view
def drive_log_upload(request, drive_tag):
    """Record a drive's erasure from the nwipe log the tool wrote: the evidence first.

    The worker drops the log on the drive it is for, so a log that names no serial (as nwipe
    prints for some disks) still lands on the right drive. A log about several disks is
    accepted for the disk whose serial is the drive's.
    """
    drive = get_object_or_404(Drive.objects.select_related("device"), tag=drive_tag)
    device = drive.device
    upload = request.FILES.get("log")
    if upload is None or upload.size == 0:
        messages.error(request, _("Choose the nwipe log file first."))
        return done(request, _back(request, device))
    if upload.size > MAX_LOG_BYTES:
        messages.error(request, _("This file is too large to be an nwipe log."))
        return done(request, _back(request, device))
    text = upload.read().decode("utf-8", "replace")
    try:
        log = parse_nwipe_log(text, ZoneInfo(settings.TIME_ZONE))
    except ReportError as exc:
        show_error(request, report_error(exc))
        return done(request, _back(request, device))
    warnings: list[str] = []
    found = nwipe_erasures(log, [], warnings)
    mine = [e for e in found if serial_key(e.drive_serial) == serial_key(drive.serial_number)]
    if not mine and len(found) == 1 and not found[0].drive_serial:
        mine = found
    if len(mine) != 1:
        messages.error(
            request,
            _(
                "This log is about %(count)d disks and none has the serial number of "
                "%(drive)s: drop it on the right drive, or send it with the bench agent."
            )
            % {"count": len(found), "drive": drive.tag},
        )
        return done(request, _back(request, device))
    key = serial_key(drive.serial_number) or f"drive:{drive.pk}"
    parsed = replace(mine[0], drive_serial=drive.serial_number or key)
    outcome = IngestOutcome()
    with transaction.atomic():
        record_erasures(
            device,
            [parsed],
            {serial_key(parsed.drive_serial): drive},
            actor=request.user,
            workstation=request.workstation,
            now=timezone.now(),
            outcome=outcome,
        )
    drive.refresh_from_db()
    if drive.status == Drive.Status.ERASED:
        messages.success(
            request,
            _("nwipe log read: drive %(drive)s is erased and verified.") % {"drive": drive.tag},
        )
    elif outcome.erasures:
        messages.warning(
            request,
            _(
                "nwipe log read: the erasure of %(drive)s did not succeed with verification. "
                "Erase it again, or destroy it."
            )
            % {"drive": drive.tag},
        )
    else:
        messages.info(request, _("This log was already recorded: nothing changed."))
    return done(request, _back(request, device))
