"""Reads about the workshop's places and people: workstations, a person's site, the day.

Every function runs a fixed number of queries whatever the amount of data (aggregates run in
the database, lists are capped), so a bench page costs the same on day one and after a year.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from workshop.models import Workstation, WorkstationKind
from workshop.roles import MANAGER, user_roles


def workstations_active():
    """Return every active workstation with its site, ordered by site and kind."""
    return Workstation.objects.filter(is_active=True).select_related("site")


def workstations_for(user):
    """The active workstations ``user`` may work at: those of their sites (every site for a
    superuser or a network manager, none for a person with no site); the office
    workstations only for managers."""
    site_ids = user_site_ids(user)
    stations = workstations_active()
    if MANAGER not in user_roles(user):
        # The office is the managers' desk: nobody else chooses it, or makes a move from it.
        stations = stations.exclude(kind=WorkstationKind.OFFICE)
    return stations if site_ids is None else stations.filter(site_id__in=site_ids)


def workstation_get(pk, *, user=None) -> Workstation | None:
    """Return the active workstation ``pk`` with its site, or ``None``; with ``user``, only
    one of the workstations that person may work at."""
    stations = workstations_active() if user is None else workstations_for(user)
    try:
        return stations.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


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
    """Superusers and network managers (managers with no site) see every site's records.

    A manager with a site sees that site's only, like everyone else (``workshop/access.py``).
    """
    from workshop.roles import MANAGER, user_roles

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return MANAGER in user_roles(user) and user_site(user) is None


def user_site_ids(user) -> frozenset[int] | None:
    """The sites ``user`` may see and act on: None for every site, else a set (maybe empty)."""
    workstation = getattr(user, "workstation", None)
    if workstation is not None:  # a workstation token acts at its workstation's site only
        return frozenset({workstation.site_id})
    if sees_every_site(user):
        return None
    site = user_site(user)
    return frozenset({site.pk}) if site else frozenset()
