"""Conditions the shop adds to moves of the life-cycle table (registered by ``ShopConfig``).

A device is ``sold`` only on an invoice that lists it, and ``returned`` only with a credit note.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shop.models import CreditNoteLine, SaleLine
from workshop.exceptions import DomainError


def sale_recorded(device, ctx) -> None:
    """Require the invoice named in the move to list this device (only a sale can do that)."""
    number = (ctx.payload or {}).get("invoice")
    if not number or not SaleLine.objects.filter(sale__number=number, device=device).exists():
        raise DomainError(
            "sale_required",
            _("A device is sold with an invoice: sell it at the shop counter."),
            status=409,
        )


def return_recorded(device, ctx) -> None:
    """Require the credit note named in the move to cover this device."""
    number = (ctx.payload or {}).get("credit_note")
    if (
        not number
        or not CreditNoteLine.objects.filter(
            credit_note__number=number, sale_line__device=device
        ).exists()
    ):
        raise DomainError(
            "return_required",
            _("A return is recorded with a credit note: take it back from the sale's page."),
            status=409,
        )
