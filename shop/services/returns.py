"""Writes of returns: devices taken back under warranty, with a gapless credit note."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.models import Device
from refurb.proofs import proof_issue
from refurb.services import device_transition
from refurb.states import State
from shop.models import (
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Sale,
    SaleLine,
)
from shop.services.sales import _next_number, credit_note_number
from workshop.exceptions import DomainError
from workshop.units import ZERO


def sale_return(
    *,
    sale: Sale,
    devices: list[Device],
    reason: str,
    actor,
    workstation=None,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
) -> CreditNote:
    """Take devices back under warranty: ``sold → returned`` and a numbered credit note."""

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
        lines = list(SaleLine.objects.select_for_update().filter(sale=sale, device_id__in=wanted))
        if not lines or len(lines) != len(wanted):
            raise DomainError(
                "not_on_invoice",
                _("Some of these devices are not on invoice %(number)s.") % {"number": sale.number},
            )
        if any(line.returned for line in lines):
            raise DomainError(
                "already_returned", _("A device was already returned on this invoice."), status=409
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
            total=sum((line.price for line in lines), ZERO),
            vat_total=sum((line.vat for line in lines), ZERO),
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
    return note
