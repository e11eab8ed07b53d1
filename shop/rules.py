"""Whether a device or a kit may be sold: one rule for the counter's basket and the sale.

``sale_complete`` raises the refusal; the counter's basket shows its message beside the line
before anyone tries, so the screen never promises a sale the service refuses.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.parts import SELL, part_refusal
from refurb.states import SELLABLE_STATES, State
from shop.models import Kit
from workshop.exceptions import DomainError


def kit_sale_refusal(kit, *, site) -> DomainError | None:
    """Return why ``kit`` cannot be sold at ``site``, or None."""
    if kit.status != Kit.Status.ASSEMBLED or kit.site_id != site.pk:
        return DomainError(
            "kit_not_for_sale",
            _("Kit %(tag)s is %(status)s: it cannot be sold.")
            % {"tag": kit.tag, "status": kit.get_status_display()},
            status=409,
        )
    return None


def sale_refusal(
    device, *, site, buyer=None, price=None, kit_tag: str = "", reservation=None
) -> DomainError | None:
    """Return why ``device`` cannot be sold at ``site`` to ``buyer`` on its own, or None.

    ``kit_tag``: the kit it belongs to, if any (it is sold only with it); ``reservation``: its
    active reservation, if any; ``price``: its ``DevicePrice``; ``buyer`` may still be
    unknown (None) at the counter.
    """
    tag = device.asset_tag
    if kit_tag:
        return DomainError(
            "in_kit",
            _("%(tag)s is part of kit %(kit)s: scan the kit, or dismantle it first.")
            % {"tag": tag, "kit": kit_tag},
            status=409,
        )
    if device.site_id != site.pk:
        return DomainError(
            "wrong_site", _("%(tag)s belongs to another site.") % {"tag": tag}, status=409
        )
    if device.state == State.RESERVED and (
        reservation is None or buyer is None or reservation.buyer_id != buyer.pk
    ):
        until = timezone.localdate(reservation.expires_at) if reservation else "?"
        return DomainError(
            "reserved_for_other",
            _("%(tag)s is reserved for another buyer until %(date)s.")
            % {"tag": tag, "date": until},
            status=409,
        )
    if device.state not in SELLABLE_STATES:
        return DomainError(
            "not_on_sale",
            _("%(tag)s is not on sale (it is “%(state)s”).")
            % {"tag": tag, "state": device.get_state_display()},
            status=409,
        )
    if price is None:
        return DomainError(
            "no_price",
            _("%(tag)s has no price: put it on sale again or ask a manager.") % {"tag": tag},
            status=409,
        )
    return None


def part_sale_refusal(part, *, site) -> DomainError | None:
    """Return why ``part`` cannot be sold at ``site``, or None (the basket shows the same)."""
    if part.site_id != site.pk:
        return DomainError(
            "wrong_site", _("%(tag)s belongs to another site.") % {"tag": part.tag}, status=409
        )
    return part_refusal(part, purpose=SELL)
