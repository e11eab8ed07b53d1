"""Create the donors and the collections every seeded device came in with.

Donors are companies, public bodies and people; each site receives collections spread over
about three years, oldest first, so that recent collections hold the devices still in the
workshop.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from bench.seed.context import SeedContext
from bench.writers import columns
from inventory.models import Collection, Donor
from workshop.models import TagSequence
from workshop.tags import COLLECTION, make_tag


def step_donors_and_collections(ctx: SeedContext) -> None:
    """Create donors (one per ~200 devices) and collections (one per ~25 devices) per site."""
    rng = ctx.rng
    n_donors = max(5, ctx.devices // 200)
    first = (Donor.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    kinds = [Donor.Kind.COMPANY] * 5 + [Donor.Kind.PUBLIC_BODY] * 2 + [Donor.Kind.PERSON] * 3
    cols = columns(Donor)
    assert cols == ["id", "kind", "name", "siret", "contact_email", "address", "created_at"], cols
    donors = []
    for i in range(n_donors):
        kind = kinds[i % len(kinds)]
        name = f"Mme ou M. Donateur {i}" if kind == Donor.Kind.PERSON else f"Organisation {i} SARL"
        donors.append((first + i, kind, name, "", "", "", ctx.now))
    with transaction.atomic():
        ctx.writer.write(Donor, cols, donors)
    ctx.count("donors", len(donors))

    per_site = max(4, ctx.devices // 25 // len(ctx.sites))
    cols = columns(Collection)
    assert cols == [
        "id", "donor_id", "site_id", "tag", "received_on", "declared_count", "gross_weight_kg",
        "notes", "created_at", "arrival_mailed_at",
    ], cols  # fmt: skip
    next_id = (Collection.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    rows = []
    for site in ctx.sites:
        for n in range(1, per_site + 1):
            days_ago = 10 + int(990 * (per_site - n) / per_site)  # oldest first, recent last
            received = ctx.now - timedelta(days=days_ago)
            rows.append(
                (
                    next_id,
                    first + rng.randrange(n_donors),
                    site.id,
                    make_tag(site.code, COLLECTION, n),
                    received.date(),
                    25,
                    Decimal(rng.randint(60, 900)),
                    "",
                    received,
                    None,  # the donor's arrival mail: only for lots from a pick-up slip
                )
            )
            site.collections.append((next_id, rows[-1][3], received))
            next_id += 1
    with transaction.atomic():
        ctx.writer.write(Collection, cols, rows)
        for site in ctx.sites:
            TagSequence.objects.update_or_create(
                site_id=site.id, kind=COLLECTION, defaults={"last_number": per_site}
            )
    ctx.count("collections", len(rows))
