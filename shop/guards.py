"""What the shop proves to the life-cycle table (registered by ``shop.hooks``).

``sold``, ``returned``, ``reserved`` and the end of a reservation are moves only the shop's
services make (``refurb.proofs``): each passes the row it has just written in the same
transaction, and the verifiers below check that row against the device. A number sent by a
client proves nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shop.models import CreditNoteLine, Reservation, SaleLine
from workshop.exceptions import DomainError


def _refuse(code: str, message: str) -> None:
    raise DomainError(code, message, status=409)


def sale_line_proves(device, line, ctx) -> None:
    """A ``sold`` move needs the sale line just written for this device, its only open one."""
    if (
        not isinstance(line, SaleLine)
        or line.device_id != device.pk
        or line.returned
        or SaleLine.objects.filter(device=device, returned=False).exclude(pk=line.pk).exists()
        or not SaleLine.objects.filter(pk=line.pk, returned=False).exists()
    ):
        _refuse("sale_required", _("A device is sold with an invoice: sell it at the counter."))


def credit_note_line_proves(device, note_line, ctx) -> None:
    """A ``returned`` move needs the credit-note line just written for the device's current
    sale line (its latest one)."""
    latest = SaleLine.objects.filter(device=device).order_by("-pk").values_list("pk", flat=True)
    if (
        not isinstance(note_line, CreditNoteLine)
        or note_line.sale_line.device_id != device.pk
        or note_line.sale_line_id != latest.first()
        or not CreditNoteLine.objects.filter(pk=note_line.pk).exists()
    ):
        _refuse(
            "return_required",
            _("A return is recorded with a credit note: take it back from the sale's page."),
        )


def reservation_proves(device, reservation, ctx) -> None:
    """A ``reserved`` move needs the device's one active reservation, just created."""
    active = list(
        Reservation.objects.filter(device=device, status=Reservation.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    if not isinstance(reservation, Reservation) or active != [reservation.pk]:
        _refuse("reservation_required", _("A device is reserved for a buyer at the shop."))


def reservation_end_proves(device, reservation, ctx) -> None:
    """Back ``on_sale`` from ``reserved`` needs the reservation just ended, and none active."""
    if (
        not isinstance(reservation, Reservation)
        or reservation.device_id != device.pk
        or not Reservation.objects.filter(pk=reservation.pk)
        .exclude(status=Reservation.Status.ACTIVE)
        .exists()
        or Reservation.objects.filter(device=device, status=Reservation.Status.ACTIVE).exists()
    ):
        _refuse(
            "reservation_active",
            _("A reservation ends at the shop (release it) or when it expires."),
        )
