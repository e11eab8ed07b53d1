"""What became of a donor's equipment: every device of every collection, with its outcome.

Outcomes: reused (sold), on sale (graded, on sale or reserved: it will be reused), parts
(harvested), recycled, written off, in progress (anything else). Certificates are built
elsewhere: ``certificate_url`` links to them when their URL exists (the hook below).
"""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import Donor
from refurb.models import Device
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

# The certificate engineer names these URLs; each takes the keyword argument shown.
DEVICE_CERTIFICATE_URL = ("erasure-certificate", "asset_tag")
DONOR_CERTIFICATE_URL = ("donor-certificate", "pk")


def _reverse_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def device_certificate_url(device) -> str | None:
    """Return the link to the device's erasure certificate, once certificates exist."""
    name, kwarg = DEVICE_CERTIFICATE_URL
    return _reverse_or_none(name, **{kwarg: device.asset_tag})


def donor_certificate_url(donor) -> str | None:
    """Return the link to the donor's summary certificate, once certificates exist."""
    name, kwarg = DONOR_CERTIFICATE_URL
    return _reverse_or_none(name, **{kwarg: donor.pk})


def donor_devices(donor: Donor):
    """Return every device the donor gave, with its collection and its ``outcome``."""
    return (
        Device.objects.filter(collection__donor=donor)
        .select_related("collection", "category", "grade")
        .annotate(outcome=OUTCOME)
        .order_by("collection__received_on", "collection_id", "asset_tag")
    )


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
