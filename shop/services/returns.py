"""Writes of returns: devices and parts taken back under warranty, with a gapless credit note.

A returned device goes ``sold → returned`` (re-tested before it is sold again). A returned part
goes back in stock, untested, with no location until it is put away; a returned drive part
may hold its buyer's data, so its drive goes back to "to erase" (``Drive.Status.PENDING``, with
a ``drive_check`` event that the integrity check reads as a reopening): it is never fitted, sold
or shipped again before a new verified erasure or a destruction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Part, PartMovement
from refurb.events import event_append
from refurb.models import Device, DeviceEvent, Drive
from refurb.proofs import proof_issue
from refurb.services import device_transition
from refurb.services.lifecycle import _lock
from refurb.states import State
from shop.models import (
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    PartSaleLine,
    Sale,
    SaleLine,
)
from shop.services.sales import _next_number, credit_note_number
from workshop.exceptions import DomainError
from workshop.units import ZERO


def sale_return(
    *,
    sale: Sale,
    devices: list[Device] = (),
    parts: list[Part] = (),
    reason: str,
    actor,
    workstation=None,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
) -> CreditNote:
    """Take devices and parts back under warranty: one numbered credit note for them all.

    Devices go ``sold → returned``; parts go back in stock (see the module's docstring).
    """

    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required",
            _("Say what is wrong with the device."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        sale = Sale.objects.select_for_update().select_related("site").get(pk=sale.pk)
        if timezone.localdate(now) > sale.warranty_until:
            raise DomainError(
                "warranty_over",
                _(
                    "The warranty of invoice %(number)s ended on %(date)s: no return, offer a "
                    "paid repair."
                )
                % {"number": sale.number, "date": sale.warranty_until.isoformat()},
                status=409,
            )
        wanted = {device.pk for device in devices}
        wanted_parts = {part.pk for part in parts}
        lines = list(SaleLine.objects.select_for_update().filter(sale=sale, device_id__in=wanted))
        part_lines = list(
            PartSaleLine.objects.select_for_update(of=("self",))
            .select_related("part__drive")
            .filter(sale=sale, part_id__in=wanted_parts)
        )
        if (
            not (lines or part_lines)
            or len(lines) != len(wanted)
            or len(part_lines) != len(wanted_parts)
        ):
            raise DomainError(
                "not_on_invoice",
                _("Some of these devices or parts are not on invoice %(number)s.")
                % {"number": sale.number},
            )
        if any(line.returned for line in [*lines, *part_lines]):
            raise DomainError(
                "already_returned",
                _("A device or a part was already returned on this invoice."),
                status=409,
            )
        year = timezone.localdate(now).year
        seq = _next_number(sale.site, DocumentCounter.Kind.CREDIT_NOTE, year)
        note = CreditNote.objects.create(
            site=sale.site,
            number=credit_note_number(sale.site.code, year, seq),
            year=year,
            seq=seq,
            sale=sale,
            reason=reason,
            total=sum((line.price for line in [*lines, *part_lines]), ZERO),
            vat_total=sum((line.vat for line in [*lines, *part_lines]), ZERO),
            created_at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for line in lines:
            note_line = CreditNoteLine.objects.create(
                credit_note=note, sale_line=line, amount=line.price, vat=line.vat
            )
            line.returned = True
            line.save(update_fields=["returned"])
            device_transition(
                device=line.device,
                to=State.RETURNED,
                actor=actor,
                workstation=workstation,
                roles=roles,
                reason=reason,
                payload={"invoice": sale.number, "credit_note": note.number},
                now=now,
                proof=proof_issue("return", note_line),
            )
        for line in part_lines:
            CreditNoteLine.objects.create(
                credit_note=note, part_line=line, amount=line.price, vat=line.vat
            )
            line.returned = True
            line.save(update_fields=["returned"])
            _part_back_in_stock(line.part, note=note, actor=actor, workstation=workstation, now=now)
    return note


def _part_back_in_stock(part: Part, *, note: CreditNote, actor, workstation, now) -> None:
    part = Part.objects.select_for_update(of=("self",)).select_related("drive").get(pk=part.pk)
    part.status = Part.Status.IN_STOCK
    part.test_status = Part.TestStatus.UNTESTED
    part.location = None
    part.save(update_fields=["status", "test_status", "location"])
    person = actor if getattr(actor, "is_authenticated", False) else None
    PartMovement.objects.create(
        part=part,
        kind=PartMovement.Kind.RETURNED,
        note=f"{note.number} · {note.reason}"[:200],
        actor=person,
        workstation=workstation,
        created_at=now,
    )
    drive = part.drive
    if drive is None or drive.status == Drive.Status.DESTROYED:
        return
    # Its buyer may have written on it: it is erased again before it leaves (data invariant).
    holder = _lock(drive.device)
    Drive.objects.filter(pk=drive.pk).update(status=Drive.Status.PENDING)
    drive.status = Drive.Status.PENDING
    event_append(
        device=holder,
        code=DeviceEvent.Code.DRIVE_CHECK,
        actor=person,
        workstation=workstation,
        payload={
            "drive": drive.tag,
            "serial": drive.serial_number,
            "part": part.tag,
            "returned": note.number,
            "drive_status": Drive.Status.PENDING,
        },
        now=now,
    )
