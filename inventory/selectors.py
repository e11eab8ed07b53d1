"""Reads of the inventory shared by screens and the API."""

from __future__ import annotations

from django.db.models import Count

from inventory.models import Collection, Donor
from workshop.access import private_name_visible
from workshop.roles import MANAGER, user_roles
from workshop.selectors import user_site_ids

RECENT_COLLECTIONS = 12


def collections_recent(site):
    """Return the latest collections received at ``site``, with their donor and device count."""
    return (
        Collection.objects.filter(site=site)
        .select_related("donor")
        .annotate(device_count=Count("devices"))
        .order_by("-received_on", "-id")[:RECENT_COLLECTIONS]
    )


def donors_visible_to(user):
    """Donors ``user`` may read: every organisation; private persons (name, e-mail, address)
    only for a manager, and only those who gave a collection at one of the manager's sites
    (every person for a network manager or a superuser). Workstation tokens see no person."""
    organisations = Donor.objects.exclude(kind=Donor.Kind.PERSON)
    if MANAGER not in user_roles(user) or getattr(user, "workstation", None) is not None:
        return organisations
    site_ids = user_site_ids(user)
    if site_ids is None:
        return Donor.objects.all()
    people = Donor.objects.filter(kind=Donor.Kind.PERSON, collections__site_id__in=site_ids).values(
        "pk"
    )
    return Donor.objects.filter(pk__in=people) | organisations


def donor_name_visible(user, donor, site_id) -> bool:
    """Whether ``user`` may read the name of ``donor`` shown with a record of ``site_id``:
    always for an organisation; for a private person, as ``workshop.access`` says."""
    if donor.kind != Donor.Kind.PERSON:
        return True
    return private_name_visible(user, site_id)
