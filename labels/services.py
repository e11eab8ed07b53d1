"""Print labels: resolve the printer and stock, render, send, record the job and the events.

The printer is never talked to inside a database transaction: the job is recorded and
committed as ``queued``, the bytes are sent, then a second short transaction records the
outcome (and the ``printed`` events of the devices). A slow or dead printer therefore holds
no row lock. A failure is recorded on the job and raised as a ``DomainError`` with code
``print_failed`` (HTTP 503 when the printer cannot be reached, 502 when it answered badly).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labels import printing
from labels.content import Label
from labels.layout import LayoutError
from labels.models import LabelFormat, Printer, PrintJob, stock_problem
from labels.render.brother import DEFAULT_MODEL, render_brother
from labels.render.pdf import render_pdf
from labels.render.zpl import render_zpl
from labels.selectors import (
    LIGHT_TEMPLATES,
    LabelItem,
    label_codes,
    label_items,
    label_items_for_objects,
)
from labels.stocks import STOCKS, Stock
from labels.templates import build
from refurb.events import NewEvent, event_append_many
from refurb.models import Device, DeviceEvent
from workshop.exceptions import DomainError, validate
from workshop.faults import fault_point
from workshop.jobs import JobFailed, job_create, job_retry, job_start
from workshop.models import Job

MAX_COPIES = 100
MAX_LABELS = 5000

# What to do, by the engine's stable error code. "%(printer)s" is the printer's name.
PRINT_ERROR_MESSAGES = {
    "refused": gettext_lazy(
        "The printer “%(printer)s” refused the connection. Check that it is switched on, "
        "that its address is right and that raw printing is enabled, then retry."
    ),
    "timeout": gettext_lazy(
        "The printer “%(printer)s” did not answer in time. Check that it is on, has labels "
        "loaded, no paper jam and its cover closed, then retry."
    ),
    "unreachable": gettext_lazy(
        "The printer “%(printer)s” cannot be reached on the network. Check its cable or "
        "Wi-Fi and its address, then retry."
    ),
    "unknown_host": gettext_lazy(
        "The address of the printer “%(printer)s” is unknown. Check the printer's address "
        "in its settings."
    ),
    "connection_lost": gettext_lazy(
        "The connection to the printer “%(printer)s” was lost while printing. Check that it "
        "is on and has paper, then retry."
    ),
    "lp_missing": gettext_lazy(
        "The server cannot print to CUPS queues (the lp command is missing). Ask the "
        "administrator to install the CUPS client, or choose another printer."
    ),
    "lp_failed": gettext_lazy(
        "CUPS refused the job for the printer “%(printer)s”. Check the queue name and that "
        "the queue is enabled and accepting jobs."
    ),
    "bad_content": gettext_lazy(
        "The printer “%(printer)s” cannot print this kind of label. Choose a stock that "
        "matches the printer."
    ),
    "forbidden_target": gettext_lazy(
        "The printer “%(printer)s” has an address outside the networks printers may be on. "
        "Ask a manager to check its address."
    ),
    "unknown": gettext_lazy(
        "Printing on “%(printer)s” failed for an unknown reason. Check the printer, then retry."
    ),
}
# Codes where the printer could not be reached at all (503); the others are 502.
UNAVAILABLE_CODES = frozenset({"refused", "timeout", "unreachable", "unknown_host", "lp_missing"})

CONTENT_TYPES = {
    LabelFormat.PDF: printing.PDF,
    LabelFormat.ZPL: printing.ZPL,
    LabelFormat.BROTHER: printing.BROTHER_RASTER,
}
EXTENSIONS = {LabelFormat.PDF: "pdf", LabelFormat.ZPL: "zpl", LabelFormat.BROTHER: "bin"}


def _print_error_text(code: str):
    """The lazy advice for ``code`` (a job stores its msgid: rendered in the reader's language)."""
    return PRINT_ERROR_MESSAGES.get(code, PRINT_ERROR_MESSAGES["unknown"])


def print_error_message(code: str, printer_name: str) -> str:
    """The translated advice for a print failure ``code``."""
    message = PRINT_ERROR_MESSAGES.get(code, PRINT_ERROR_MESSAGES["unknown"])
    return str(message) % {"printer": printer_name}


def print_failed_error(job: PrintJob) -> DomainError:
    error = DomainError(
        "print_failed",
        print_error_message(job.error_code, job.printer.name),
        fields={"printer": [job.error_code]},
        status=503 if job.error_code in UNAVAILABLE_CODES else 502,
    )
    error.job = job
    return error


def transport_for(printer: Printer) -> printing.Printer:
    """The engine's printer object for a ``Printer`` row."""
    timeout = float(printer.timeout_seconds)
    if printer.kind == Printer.Kind.CUPS:
        return printing.CupsPrinter(printer.queue, timeout=timeout)
    networks = settings.ATELIER_PRINTER_NETWORKS
    if printer.kind == Printer.Kind.BROTHER_QL:
        return printing.BrotherNetworkPrinter(
            printer.host, printer.port, timeout=timeout, allowed_networks=networks
        )
    if printer.kind in (Printer.Kind.RAW9100, Printer.Kind.PDF_RAW):
        return printing.RawSocketPrinter(
            printer.host, printer.port, timeout=timeout, allowed_networks=networks
        )
    return printing.DownloadPrinter()


def labels_render(
    labels: list[Label],
    stock: Stock,
    label_format: str,
    *,
    start_at: int = 1,
    copies: int = 1,
    model: str | None = None,
) -> bytes:
    """Bytes of ``labels`` (each ``copies`` times, side by side) in ``label_format``."""
    repeated = [label for label in labels for _copy in range(copies)]
    try:
        if label_format == LabelFormat.ZPL:
            return render_zpl(repeated, stock)
        if label_format == LabelFormat.BROTHER:
            return render_brother(repeated, stock, model=model or DEFAULT_MODEL)
        return render_pdf(repeated, stock, start_at=start_at)
    except (ValueError, LayoutError) as exc:
        raise DomainError(
            "label_render_failed",
            _("These labels cannot be drawn on this stock: %(reason)s") % {"reason": exc},
            fields={"stock": [str(exc)]},
        ) from exc


def _resolve_printer(printer: Printer | None, workstation) -> Printer:
    if printer is None and workstation is not None and workstation.printer_id:
        printer = Printer.objects.select_related("site").get(pk=workstation.printer_id)
    if printer is None:
        raise DomainError(
            "printer_required",
            _("Choose a printer: this workstation has no label printer set."),
            fields={"printer": [_("This field is required.")]},
        )
    if not printer.is_active:
        raise DomainError(
            "printer_inactive",
            _("The printer “%(printer)s” is switched off in Atelier: choose another one.")
            % {"printer": printer.name},
            fields={"printer": [_("Inactive printer.")]},
        )
    return printer


def _resolve_stock(printer: Printer, stock: str | None) -> Stock:
    code = stock or printer.default_stock
    if not code:
        raise DomainError(
            "stock_required",
            _("Choose the label stock loaded in the printer."),
            fields={"stock": [_("This field is required.")]},
        )
    if code not in STOCKS:
        raise DomainError(
            "stock_unknown",
            _("Unknown label stock “%(stock)s”.") % {"stock": code},
            fields={"stock": [_("Unknown label stock.")]},
        )
    problem = stock_problem(printer.kind, code)
    if problem:
        raise DomainError("stock_unsuitable", str(problem), fields={"stock": [str(problem)]})
    return STOCKS[code]


def _check_counts(stock: Stock, copies: int, start_at: int) -> None:
    if not 1 <= copies <= MAX_COPIES:
        raise DomainError(
            "invalid",
            _("Print between 1 and %(max)d copies.") % {"max": MAX_COPIES},
            fields={"copies": [_("Between 1 and %(max)d.") % {"max": MAX_COPIES}]},
        )
    last = stock.sheet.per_sheet if stock.sheet else 1
    if stock.sheet is None and start_at != 1:
        start_at = 1  # rolls have no start position: ignored, not refused
    if not 1 <= start_at <= last:
        raise DomainError(
            "invalid",
            _("The start position is between 1 and %(last)d on this sheet.") % {"last": last},
            fields={"start_at": [_("Between 1 and %(last)d.") % {"last": last}]},
        )


def codes_key(codes: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(codes))).encode()).hexdigest()


def print_job_create(
    *,
    template: str,
    objects: Iterable[Any] | None = None,
    codes: Iterable[str] | None = None,
    stock: str | None = None,
    printer: Printer | None = None,
    workstation=None,
    copies: int = 1,
    start_at: int = 1,
    actor,
    now: datetime | None = None,
    base_url: str | None = None,
    action_key: str = "",
) -> PrintJob:
    """Print ``template`` labels for ``objects`` or scanned ``codes``; return the sent job.

    The printer is ``printer``, else the workstation's. Raises ``DomainError`` before
    anything is recorded for bad input, and ``print_failed`` after recording a failed job.
    A ``download`` printer's bytes are on ``job.document``.

    ``action_key`` names the screen action that prints (registering device 42, adding drive
    7, one click on "reprint"): a job already recorded for it is returned (or its failure
    raised again) without sending anything, so one action prints once, even when the
    request is repeated or two arrive together.
    """
    if action_key:
        previous = _job_for_action(action_key)
        if previous is not None:
            return previous
    codes = [str(code) for code in codes] if codes is not None else None
    printer = _resolve_printer(printer, workstation)
    stock_obj = _resolve_stock(printer, stock)
    _check_counts(stock_obj, copies, start_at)
    items = None
    if printer.kind != Printer.Kind.DOWNLOAD:
        # Sent by a worker: the request only checks and counts the codes (labels.selectors).
        light = _light_codes(template, objects, codes)
        if light is not None:
            items = [LabelItem(code, None) for code in light]
    if items is not None:
        pass
    elif objects is not None:
        items = label_items_for_objects(template, objects, base_url=base_url)
    else:
        items = label_items(template, codes or [], base_url=base_url)
    if len(items) * copies > MAX_LABELS:
        raise DomainError(
            "too_many_labels",
            _("At most %(max)d labels in one job: print in smaller batches.") % {"max": MAX_LABELS},
        )
    label_format = printer.label_format
    if printer.kind != Printer.Kind.DOWNLOAD:
        # A network printer: the request records the job and returns; a worker renders and
        # sends (print_job_run). Bad input was answered above, before anything was recorded.
        return _job_defer(
            template,
            items,
            codes if objects is None else [item.code for item in items],
            stock_obj,
            printer,
            workstation,
            copies,
            start_at,
            label_format,
            actor,
            now or timezone.now(),
            action_key,
            base_url,
        )
    data = labels_render(
        [build(template, item.data) for item in items],
        stock_obj,
        label_format,
        start_at=start_at if stock_obj.sheet else 1,
        copies=copies,
        model=printer.model,
    )
    job_codes = codes if objects is None else [item.code for item in items]
    now = now or timezone.now()
    try:
        job = _job_record(
            template,
            items,
            job_codes,
            stock_obj,
            printer,
            workstation,
            copies,
            start_at,
            label_format,
            actor,
            now,
            action_key,
        )
    except IntegrityError:
        if not action_key:
            raise
        return _job_for_action(action_key, wait=True)
    return _send(job, data, items, actor=actor, now=now)


def _job_for_action(action_key: str, *, wait: bool = False) -> PrintJob | None:
    """The job recorded for ``action_key`` (its failure raised again), or None.

    With ``wait``, a job another request is still sending is waited for (up to 5 s)."""
    deadline = time.monotonic() + (5.0 if wait else 0.0)
    while True:
        job = PrintJob.objects.select_related("printer").filter(action_key=action_key).first()
        if job is None or job.status != PrintJob.Status.QUEUED or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if job is None:
        return None
    if job.status == PrintJob.Status.FAILED:
        raise print_failed_error(job)
    job.document = None
    return job


def _job_record(
    template,
    items,
    job_codes,
    stock_obj,
    printer,
    workstation,
    copies,
    start_at,
    label_format,
    actor,
    now,
    action_key,
) -> PrintJob:
    with transaction.atomic():
        key = codes_key(item.code for item in items)
        job = PrintJob(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
            printer=printer,
            template=template,
            codes=job_codes,
            codes_key=key,
            label_count=len(items) * copies,
            stock=stock_obj.code,
            copies=copies,
            start_at=start_at if stock_obj.sheet else 1,
            format=label_format,
            status=PrintJob.Status.QUEUED,
            attempts=1,
            created_at=now,
            action_key=action_key[:160],
            reprint_of=PrintJob.objects.filter(
                template=template, codes_key=key, status=PrintJob.Status.SENT
            )
            .order_by("-created_at", "-id")
            .first(),
        )
        # Every value was checked above or is a row already loaded: the field rules only (no
        # query per foreign key, no 1,000 codes encoded twice; the database keeps action_key
        # unique, IntegrityError below).
        validate(
            job,
            exclude=["codes", "actor", "printer", "workstation", "reprint_of", "job"],
            validate_unique=False,
            validate_constraints=False,
        )
        job.save()
    return job


def _light_codes(template: str, objects, codes) -> list[str] | None:
    if template not in LIGHT_TEMPLATES:
        return None
    if objects is None:
        return label_codes(template, codes or [])
    if isinstance(objects, QuerySet) and objects.model is Device and template == "device_tag":
        found = list(objects.values_list("asset_tag", flat=True))
        if not found:
            return None  # label_items_for_objects says there is nothing to print
        return found
    return None


def _job_defer(
    template,
    items,
    job_codes,
    stock_obj,
    printer,
    workstation,
    copies,
    start_at,
    label_format,
    actor,
    now,
    action_key,
    base_url,
) -> PrintJob:
    """Record the print job and the background job that sends it; start it."""
    try:
        job = _job_record(
            template,
            items,
            job_codes,
            stock_obj,
            printer,
            workstation,
            copies,
            start_at,
            label_format,
            actor,
            now,
            action_key,
        )
    except IntegrityError:
        if not action_key:
            raise
        return _job_for_action(action_key)
    task = job_create(
        "print",
        {"print_job": job.pk, "base_url": base_url or ""},
        actor=actor,
        site=printer.site,
        total=job.label_count,
        start=False,
    )
    PrintJob.objects.filter(pk=job.pk).update(job=task)
    job.job = task
    job_start(task)
    return _deferred_outcome(job)


def _deferred_outcome(job: PrintJob) -> PrintJob:
    """The print job as it is now: when the queue ran it at once (immediate), its outcome."""
    job.refresh_from_db()
    if job.status == PrintJob.Status.FAILED:
        raise print_failed_error(job)
    job.document = None
    return job


def print_job_retry(
    *, job: PrintJob, actor, now: datetime | None = None, base_url: str | None = None
) -> PrintJob:
    """Send a failed job again (re-rendered from its codes) and record the new outcome.

    A job sent by a background job is retried through it: the labels its earlier runs sent
    are not sent again."""
    if job.job_id:
        job = PrintJob.objects.select_related("printer", "job").get(pk=job.pk)
        if job.status != PrintJob.Status.FAILED:
            raise DomainError(
                "print_job_not_failed",
                _("Only a failed print job can be retried; this one is %(status)s.")
                % {"status": job.get_status_display()},
                status=409,
            )
        if job.job.status == Job.Status.FAILED:
            job_retry(job.job, actor=actor)
        return _deferred_outcome(job)
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().select_related("printer").get(pk=job.pk)
        if job.status != PrintJob.Status.FAILED:
            raise DomainError(
                "print_job_not_failed",
                _("Only a failed print job can be retried; this one is %(status)s.")
                % {"status": job.get_status_display()},
                status=409,
            )
        printer = _resolve_printer(job.printer, None)
        stock_obj = _resolve_stock(printer, job.stock)
        items = label_items(job.template, job.codes, base_url=base_url)
        data = labels_render(
            [build(job.template, item.data) for item in items],
            stock_obj,
            job.format,
            start_at=job.start_at,
            copies=job.copies,
            model=printer.model,
        )
        job.status = PrintJob.Status.QUEUED
        job.attempts += 1
        job.error_code = ""
        job.error_message = ""
        job.finished_at = None
        job.save(update_fields=["status", "attempts", "error_code", "error_message", "finished_at"])
    return _send(job, data, items, actor=actor, now=now or timezone.now())


def print_job_document(job: PrintJob, *, base_url: str | None = None) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of a job, rendered again (for download printers)."""
    items = label_items(job.template, job.codes, base_url=base_url)
    data = labels_render(
        [build(job.template, item.data) for item in items],
        STOCKS[job.stock],
        job.format,
        start_at=job.start_at,
        copies=job.copies,
        model=job.printer.model,
    )
    return data, CONTENT_TYPES[job.format], f"labels-{job.pk}.{EXTENSIONS[job.format]}"


def _send(job: PrintJob, data: bytes, items: list[LabelItem], *, actor, now) -> PrintJob:
    """Send outside any transaction, then record the outcome and the devices' events."""
    printer = job.printer
    try:
        result = transport_for(printer).send(data, content_type=CONTENT_TYPES[job.format])
    except printing.PrintError as exc:
        error_code, error_message, result = exc.code, exc.message, None
    except OSError as exc:  # anything the transports did not classify
        error_code, error_message, result = "unknown", str(exc), None
    finished = timezone.now() if now is None else now
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        locked.printer = printer  # the row already read: its name goes into the events
        if result is None:
            locked.status = PrintJob.Status.FAILED
            locked.error_code = error_code
            locked.error_message = error_message
        else:
            locked.status = PrintJob.Status.SENT
            locked.bytes_sent = result.bytes_sent
        locked.finished_at = finished
        locked.save(
            update_fields=["status", "error_code", "error_message", "bytes_sent", "finished_at"]
        )
        if result is not None:
            _append_printed_events(locked, items, actor=actor, now=finished)
    if result is None:
        raise print_failed_error(locked)
    locked.document = result.data
    return locked


def _append_printed_events(job: PrintJob, items: list[LabelItem], *, actor, now) -> None:

    device_ids = sorted({item.device.pk for item in items if item.device is not None})
    if not device_ids:
        return
    printed_before = set(
        DeviceEvent.objects.filter(
            device_id__in=device_ids,
            code=DeviceEvent.Code.PRINTED,
            payload__template=job.template,
        ).values_list("device_id", flat=True)
    )
    devices = (
        Device.objects.select_for_update()
        .filter(pk__in=device_ids)
        .only("pk", "asset_tag", "site_id", "event_seq", "event_head")
        .order_by("pk")
    )
    # One insert for every label's event and one update of the devices' chain heads, whatever
    # the number of labels (refurb.events.event_append_many).
    event_append_many(
        [
            NewEvent(
                device=device,
                code=DeviceEvent.Code.PRINTED,
                payload={
                    "template": job.template,
                    "job": job.pk,
                    "printer": job.printer.name,
                    "stock": job.stock,
                    "copies": job.copies,
                    "reprint": device.pk in printed_before,
                },
            )
            for device in devices
        ],
        actor=actor,
        workstation=job.workstation,
        now=now,
    )


def _print_failure_record(job: PrintJob, code: str, message: str) -> None:
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.Status.FAILED,
        error_code=code,
        error_message=message,
        finished_at=timezone.now(),
    )


def print_job_requeue(task) -> None:
    """A person retried the background job ``task``: its failed print job waits again."""
    PrintJob.objects.filter(job=task, status=PrintJob.Status.FAILED).update(
        status=PrintJob.Status.QUEUED,
        attempts=F("attempts") + 1,
        error_code="",
        error_message="",
        finished_at=None,
    )


def print_job_run(job: PrintJob, *, task, progress, base_url: str | None = None) -> dict:
    """What the worker does for a print job: render, send in batches, record once.

    Never sends a job twice: a job already ``sent`` is left alone, and the batches an earlier
    run sent (``task.result["batches_sent"]``, recorded after each one) are skipped, so a
    retry after a failure or a killed worker sends only the rest. The job's ``sent`` status and
    the devices' ``printed`` events are written in one transaction at the end.
    """
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().select_related("printer").get(pk=job.pk)
        if job.status == PrintJob.Status.SENT:
            return {"print_job": job.pk, "already_sent": True}
        if job.status == PrintJob.Status.FAILED:
            job.status = PrintJob.Status.QUEUED
            job.attempts += 1
            job.error_code = ""
            job.error_message = ""
            job.finished_at = None
            job.save(
                update_fields=["status", "attempts", "error_code", "error_message", "finished_at"]
            )
    printer = job.printer
    try:
        printer = _resolve_printer(printer, None)
        stock_obj = _resolve_stock(printer, job.stock)
        items = label_items(job.template, job.codes, base_url=base_url)
    except DomainError as error:
        _print_failure_record(job, error.code, error.message)
        raise JobFailed(error.message) from error
    labels = [build(job.template, item.data) for item in items]
    state = dict(task.result or {})
    roll = job.format in (LabelFormat.ZPL, LabelFormat.BROTHER)
    size = max(1, int(state.get("batch_size") or settings.ATELIER_PRINT_BATCH)) if roll else None
    batches = [labels[i : i + size] for i in range(0, len(labels), size)] if roll else [labels]
    sent = int(state.get("batches_sent", 0))
    bytes_sent = int(state.get("bytes_sent", 0))
    done = sum(len(batch) for batch in batches[:sent]) * job.copies
    progress(done, job.label_count)
    transport = transport_for(printer)
    for index, batch in enumerate(batches):
        if index < sent:
            continue
        try:
            data = labels_render(
                batch,
                stock_obj,
                job.format,
                start_at=job.start_at,
                copies=job.copies,
                model=printer.model,
            )
        except DomainError as error:
            _print_failure_record(job, "bad_content", error.message)
            raise JobFailed(error.message) from error
        fault_point("print_send")
        try:
            result = transport.send(data, content_type=CONTENT_TYPES[job.format])
        except printing.PrintError as exc:
            _print_failure_record(job, exc.code, exc.message)
            raise JobFailed(_print_error_text(exc.code), printer=printer.name) from exc
        except OSError as exc:
            _print_failure_record(job, "unknown", str(exc))
            raise JobFailed(_print_error_text("unknown"), printer=printer.name) from exc
        sent = index + 1
        bytes_sent += result.bytes_sent
        done += len(batch) * job.copies
        state.update(
            {
                "print_job": job.pk,
                "batch_size": size,
                "batches_sent": sent,
                "bytes_sent": bytes_sent,
            }
        )
        progress(done, job.label_count, result=state)
    finished = timezone.now()
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().select_related("printer").get(pk=job.pk)
        if locked.status == PrintJob.Status.SENT:
            return {"print_job": job.pk, "already_sent": True}
        locked.status = PrintJob.Status.SENT
        locked.bytes_sent = bytes_sent
        locked.error_code = ""
        locked.error_message = ""
        locked.finished_at = finished
        locked.save(
            update_fields=["status", "error_code", "error_message", "bytes_sent", "finished_at"]
        )
        fault_point("print_record")
        _append_printed_events(locked, items, actor=task.actor, now=finished)
    return {**state, "print_job": job.pk, "labels": job.label_count}
