"""The shop's integrity checks (registered into ``refurb.integrity`` by ``shop.hooks``).

A sold device is on exactly one sale line not returned, and a device not sold on none; a
reserved device has exactly one active reservation, and an active reservation is only ever on
a reserved device.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from refurb.integrity import Problem
from refurb.models import Device
from refurb.states import State


def sale_lines_problems() -> Iterable[Problem]:
    open_lines = Count("sale_lines", filter=Q(sale_lines__returned=False), distinct=True)
    rows = (
        Device.objects.annotate(open_lines=open_lines)
        .filter(
            Q(state=State.SOLD, open_lines__gt=1)
            | Q(state=State.SOLD, open_lines=0)
            | (~Q(state=State.SOLD) & Q(open_lines__gt=0))
        )
        .values_list("asset_tag", "state", "open_lines")
        .order_by("pk")
    )
    for tag, state, count in rows:
        yield Problem("sale_lines", tag, f"is '{state}' on {count} sale line(s) not returned")


def reservations_problems() -> Iterable[Problem]:
    active = Count("reservations", filter=Q(reservations__status="active"), distinct=True)
    rows = (
        Device.objects.annotate(active=active)
        .filter(Q(state=State.RESERVED) & ~Q(active=1) | ~Q(state=State.RESERVED) & Q(active__gt=0))
        .values_list("asset_tag", "state", "active")
        .order_by("pk")
    )
    for tag, state, count in rows:
        yield Problem("reservations", tag, f"is '{state}' with {count} active reservation(s)")
