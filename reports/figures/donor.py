"""What became of a donor's equipment: every device of every collection, with its outcome.

Outcomes: reused (sold), on sale (graded, on sale or reserved: it will be reused), parts
(harvested), recycled, written off, in progress (anything else). A certificate can be issued
for a device once it is data-safe, and for a collection once one of its devices is (it covers
those done, and names the others).
"""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Max, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import Collection, Donor
from refurb.models import Certificate, Device
from refurb.selectors import device_data_safety
from refurb.states import State

OUTCOME_LABELS = {
    "reused": _("Reused (sold)"),
    "on_sale": _("Reused (on sale)"),
    "parts": _("Parts (harvested)"),
    "recycled": _("Recycled"),
    "written_off": _("Written off"),
    "in_progress": _("In progress"),
}

OUTCOME = Case(
    When(state=State.SOLD, then=Value("reused")),
    When(state__in=[State.GRADED, State.ON_SALE, State.RESERVED], then=Value("on_sale")),
    When(state=State.HARVESTED, then=Value("parts")),
    When(state=State.RECYCLED, then=Value("recycled")),
    When(state=State.WRITTEN_OFF, then=Value("written_off")),
    default=Value("in_progress"),
    output_field=CharField(),
)


def device_certificate_url(device) -> str | None:
    """The link that issues the device's sanitisation certificate, or None while it still
    holds data (the certificate would be refused). Reads the prefetched drives."""
    if not device_data_safety(device).safe:
        return None
    return reverse("refurb:certificate-device", args=[device.asset_tag])


# The code of the device's latest certificate ('' never issued), read in the same query.
_LATEST_CERTIFICATE = Subquery(
    Certificate.objects.filter(device=OuterRef("pk")).order_by("-pk").values("code")[:1]
)


def donor_devices(donor: Donor):
    """Return every device the donor gave, with its collection and its ``outcome``."""
    return (
        Device.objects.filter(collection__donor=donor)
        .select_related("collection", "category", "grade")
        .prefetch_related("drives")
        .annotate(outcome=OUTCOME, certificate_code=_LATEST_CERTIFICATE)
        .order_by("collection__received_on", "collection_id", "asset_tag")
    )


def donor_collections(donor: Donor, devices: list) -> list[dict]:
    """The donor's collections, each with its devices, those not data-safe yet (pending) and
    the link that issues its certificate once one device is done: it covers the devices done
    so far and names the pending ones."""
    by_collection: dict[int, list] = {}
    for device in devices:
        by_collection.setdefault(device.collection_id, []).append(device)
    rows = []
    for collection in (
        Collection.objects.filter(donor=donor).select_related("site").order_by("-received_on")
    ):
        members = by_collection.get(collection.pk, [])
        pending = [device for device in members if device.certificate_url is None]
        rows.append(
            {
                "collection": collection,
                "devices": len(members),
                "pending": pending,
                "certificate_url": (
                    reverse("refurb:certificate-collection", args=[collection.tag])
                    if len(pending) < len(members)
                    else None
                ),
            }
        )
    return rows


def donors_list(query: str = ""):
    """Donors with their number of collections and devices and their last collection date."""
    donors = Donor.objects.annotate(
        collection_count=Count("collections", distinct=True),
        device_count=Count("collections__devices", distinct=True),
        last_received=Max("collections__received_on"),
    ).order_by("name", "pk")
    if query:
        donors = donors.filter(Q(name__icontains=query) | Q(siret__icontains=query))
    return donors


def donor_outcome_counts(donor: Donor) -> dict[str, int]:
    """Count the donor's devices by outcome."""
    by_outcome = dict(
        Device.objects.filter(collection__donor=donor)
        .annotate(outcome=OUTCOME)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {key: by_outcome.get(key, 0) for key in OUTCOME_LABELS}
    counts["total"] = sum(counts.values())
    return counts
