"""Reads of the inventory shared by screens and the API."""

from __future__ import annotations

from django.db.models import Count

from inventory.models import Collection

RECENT_COLLECTIONS = 12


def collections_recent(site):
    """Return the latest collections received at ``site``, with their donor and device count."""
    return (
        Collection.objects.filter(site=site)
        .select_related("donor")
        .annotate(device_count=Count("devices"))
        .order_by("-received_on", "-id")[:RECENT_COLLECTIONS]
    )
