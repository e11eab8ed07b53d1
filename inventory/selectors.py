"""Reads of the inventory shared by screens and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from inventory.models import Collection, Donor, Part, StocktakePartScan
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


@dataclass(frozen=True)
class PartCount:
    """One part of a stocktake: found where the stock says, elsewhere, missing, or found
    though the stock says it left (sold, recycled, fitted)."""

    part: object
    kind: str  # found, elsewhere, missing, unexpected
    scanned_at_location: object | None = None


def stocktake_parts(stocktake) -> list[PartCount]:
    """Compare the parts scanned in ``stocktake`` with the site's parts in stock (two queries)."""
    scans = {
        scan.part_id: scan
        for scan in StocktakePartScan.objects.filter(stocktake=stocktake).select_related(
            "part", "part__location", "location"
        )
    }
    in_stock = Part.objects.filter(site=stocktake.site, status=Part.Status.IN_STOCK).select_related(
        "location"
    )
    counts = []
    for part in in_stock.order_by("tag"):
        scan = scans.pop(part.pk, None)
        if scan is None:
            counts.append(PartCount(part, "missing"))
        elif part.location_id in (None, scan.location_id):
            counts.append(PartCount(part, "found", scan.location))
        else:
            counts.append(PartCount(part, "elsewhere", scan.location))
    counts.extend(PartCount(scan.part, "unexpected", scan.location) for scan in scans.values())
    return counts


PARTS_PAGE_SIZE = 50


@dataclass(frozen=True)
class PartsStock:
    """One page of a site's parts in stock, with the count of each category (for the filter)."""

    parts: list[Part]
    counts: dict[str, int]
    total: int
    page: int
    pages: int


def parts_in_stock(
    *, site_id: int, category: str = "", query: str = "", page: int = 1
) -> PartsStock:
    """The parts in stock at ``site_id`` (newest first), filtered by ``category`` and by a part
    of their tag or their origin device's tag (``query``), ``PARTS_PAGE_SIZE`` a page.

    Three queries whatever the number of parts: the counts per category (the total follows),
    and the page with its origin device and location.
    """
    stock = Part.objects.filter(site_id=site_id, status=Part.Status.IN_STOCK)
    if query:
        code = query.strip().upper()
        stock = stock.filter(Q(tag__contains=code) | Q(origin__asset_tag__contains=code))
    counts = {
        row["category"]: row["n"]
        for row in stock.order_by().values("category").annotate(n=Count("id"))
    }
    if category:
        stock = stock.filter(category=category)
        total = counts.get(category, 0)
    else:
        total = sum(counts.values())
    pages = max(1, -(-total // PARTS_PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PARTS_PAGE_SIZE
    rows = list(
        stock.select_related("origin", "location")
        .only(
            "tag", "category", "description", "specs", "test_status", "price", "created_at",
            "drive_id", "origin__asset_tag", "origin__make", "origin__model", "location__name",
        )
        .order_by("-created_at", "-id")[start : start + PARTS_PAGE_SIZE]
    )  # fmt: skip
    return PartsStock(rows, counts, total, page, pages)
