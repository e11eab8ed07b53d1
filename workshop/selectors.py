"""Reads for the bench screens: workstations, intake suggestions and the coach's overview.

Every function runs a fixed number of queries whatever the amount of data (aggregates run in
the database, lists are capped), so a bench page costs the same on day one and after a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from inventory.models import Collection
from refurb.models import Device, DeviceEvent
from refurb.states import HELD_STATES
from workshop.models import Workstation

SUGGESTIONS = 200
RECENT_COLLECTIONS = 12
STUCK_LIMIT = 200


def workstations_active():
    """Return every active workstation with its site, ordered by site and kind."""
    return Workstation.objects.filter(is_active=True).select_related("site")


def workstation_get(pk) -> Workstation | None:
    """Return the active workstation ``pk`` with its site, or ``None``."""
    try:
        return workstations_active().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def intake_suggestions(site) -> dict[str, list[str]]:
    """Return the makes and models already typed at ``site``, most frequent first."""
    rows = (
        Device.objects.filter(site=site)
        .exclude(make="", model="")
        .values("make", "model")
        .annotate(uses=Count("id"))
        .order_by("-uses", "make", "model")[:SUGGESTIONS]
    )
    makes: dict[str, None] = {}
    models: dict[str, None] = {}
    for row in rows:
        if row["make"]:
            makes[row["make"]] = None
        if row["model"]:
            models[row["model"]] = None
    return {"makes": list(makes), "models": list(models)}


def collections_recent(site):
    """Return the latest collections received at ``site``, with their donor and device count."""
    return (
        Collection.objects.filter(site=site)
        .select_related("donor")
        .annotate(device_count=Count("devices"))
        .order_by("-received_on", "-id")[:RECENT_COLLECTIONS]
    )


@dataclass(frozen=True)
class BenchActivity:
    by_workstation: list[dict]
    by_worker: list[dict]
    total: int


def bench_activity(*, site, day_start: datetime, day_end: datetime) -> BenchActivity:
    """Count the events of ``site`` between two instants, per workstation and per worker."""
    events = DeviceEvent.objects.filter(
        device__site=site, created_at__gte=day_start, created_at__lt=day_end
    )
    counts = {
        "events": Count("id"),
        "devices": Count("device", distinct=True),
        "transitions": Count("id", filter=Q(code=DeviceEvent.Code.TRANSITION)),
        "erasures": Count(
            "id", filter=Q(code__in=[DeviceEvent.Code.ERASURE, DeviceEvent.Code.DESTRUCTION])
        ),
        "tests": Count("id", filter=Q(code=DeviceEvent.Code.TEST)),
        "registered": Count("id", filter=Q(code=DeviceEvent.Code.REGISTERED)),
    }
    by_workstation = list(
        events.values("workstation__name", "workstation__kind")
        .annotate(**counts)
        .order_by("workstation__kind", "workstation__name")
    )
    by_worker = list(
        events.values("actor__username", "actor__first_name", "actor__last_name")
        .annotate(**counts)
        .order_by("-events", "actor__username")
    )
    return BenchActivity(by_workstation, by_worker, sum(row["events"] for row in by_workstation))


def devices_stuck(*, site, days: int, now: datetime | None = None):
    """Return devices of ``site`` held in the same state for more than ``days`` days."""
    now = now or timezone.now()
    return (
        Device.objects.filter(
            site=site,
            state__in=sorted(HELD_STATES),
            state_changed_at__lt=now - timedelta(days=days),
        )
        .select_related("category", "location")
        .order_by("state_changed_at", "id")[:STUCK_LIMIT]
    )


def day_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the start and end of the local day containing ``now``."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def user_site(user):
    """Return the site ``user`` works at (their ``WorkerProfile``), or None."""
    from workshop.models import WorkerProfile

    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    cached = getattr(user, "_atelier_site", False)
    if cached is not False:
        return cached
    profile = WorkerProfile.objects.select_related("site").filter(user=user).first()
    user._atelier_site = profile.site if profile else None
    return user._atelier_site


def sees_every_site(user) -> bool:
    """Managers see every site's buyers and sales; everyone else only their own site's."""
    from workshop.roles import MANAGER, user_roles

    return MANAGER in user_roles(user)
