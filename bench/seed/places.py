"""Create the places and people of the seeded network: sites, benches, shelves, crews, buyers.

Each site gets its workstations, its locations (tagged), a crew of one user per role, the legal
identity printed on its invoices and its regular buyers; one bench superuser is created for
the whole network.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from bench.seed.context import MARKER, SeedContext, SiteInfo
from inventory.models import Location
from shop.models import Buyer, SiteLegal, VatRegime, vat_number_for
from workshop import roles
from workshop.models import Site, TagSequence, WorkerProfile, Workstation
from workshop.models import WorkstationKind as WK
from workshop.tags import LOCATION, make_tag

CITIES = [
    ("LY", "Lyon"), ("PA", "Paris"), ("MA", "Marseille"), ("TO", "Toulouse"), ("NI", "Nice"),
    ("NA", "Nantes"), ("ST", "Strasbourg"), ("MO", "Montpellier"), ("BO", "Bordeaux"),
    ("LI", "Lille"), ("RE", "Rennes"), ("RM", "Reims"), ("SE", "Saint-Étienne"),
    ("TN", "Toulon"), ("GR", "Grenoble"), ("DI", "Dijon"), ("AN", "Angers"), ("NM", "Nîmes"),
    ("VI", "Villeurbanne"), ("CF", "Clermont-Ferrand"), ("LH", "Le Havre"), ("AI", "Aix"),
    ("BR", "Brest"), ("LM", "Le Mans"), ("AM", "Amiens"), ("TS", "Tours"), ("LG", "Limoges"),
    ("PE", "Perpignan"), ("BS", "Besançon"), ("ML", "Metz"), ("OR", "Orléans"), ("RO", "Rouen"),
    ("MU", "Mulhouse"), ("CA", "Caen"), ("NC", "Nancy"), ("AR", "Argenteuil"), ("RB", "Roubaix"),
    ("TC", "Tourcoing"), ("AV", "Avignon"), ("PO", "Poitiers"),
]  # fmt: skip

STATIONS = [
    ("Accueil", WK.INTAKE), ("Effacement 1", WK.ERASURE), ("Effacement 2", WK.ERASURE),
    ("Test 1", WK.TEST), ("Test 2", WK.TEST), ("Tri et grade", WK.GRADING),
    ("Boutique", WK.SHOP), ("Stock", WK.STOCK),
]  # fmt: skip

LOCATIONS = (
    [("Réception", Location.Kind.AREA), ("Zone recyclage", Location.Kind.AREA)]
    + [(f"Étagère {row}{n}", Location.Kind.SHELF) for row in "ABCD" for n in range(1, 7)]
    + [("Bac pièces détachées", Location.Kind.BIN), ("Boutique", Location.Kind.SHOP)]
)

CREW_ROLES = [
    ("bench1", roles.BENCH_WORKER),
    ("bench2", roles.BENCH_WORKER),
    ("coach", roles.COACH),
    ("shop", roles.SHOP),
    ("manager", roles.MANAGER),
]

BUYERS_PER_SITE = 40


def _city(index: int) -> tuple[str, str]:
    if index < len(CITIES):
        return CITIES[index]
    code = chr(65 + (index // 26) % 26) + chr(65 + index % 26)
    return code, f"Ville {code}"


def step_places(ctx: SeedContext) -> None:
    """Create sites, workstations, locations, a crew per site and one bench superuser."""
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
    taken = set(Site.objects.values_list("code", flat=True))
    index = 0
    with transaction.atomic():
        admin, _ = User.objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_unusable_password()
        admin.save()
        ctx.admin_id = admin.pk
        while len(ctx.sites) < ctx.site_count:
            code, city = _city(index)
            index += 1
            if code in taken:
                continue
            site = Site.objects.create(
                code=code, name=f"Atelier solidaire de {city} {MARKER}", address=f"{city}"
            )
            info = SiteInfo(site.pk, code)
            for name, kind in STATIONS:
                station = Workstation.objects.create(site=site, name=name, kind=kind)
                info.stations.setdefault(kind, station.pk)
            locations = Location.objects.bulk_create(
                Location(site=site, name=name, kind=kind, tag=make_tag(code, LOCATION, n))
                for n, (name, kind) in enumerate(LOCATIONS, start=1)
            )
            TagSequence.objects.update_or_create(
                site=site, kind=LOCATION, defaults={"last_number": len(LOCATIONS)}
            )
            info.locations = {loc.name: loc.pk for loc in locations}
            for suffix, role in CREW_ROLES:
                # Each crew works at its own site; only managers are staff (the admin).
                user = User(username=f"{code.lower()}-{suffix}", is_staff=role == roles.MANAGER)
                user.set_unusable_password()
                user.save()
                user.groups.add(groups[role])
                WorkerProfile.objects.create(user=user, site=site)
                info.crew.setdefault(role, user.pk)
                info.crew.setdefault(suffix, user.pk)
            _shop(ctx, site, info)
            ctx.sites.append(info)
    ctx.count(
        "places",
        len(ctx.sites) * (2 + len(STATIONS) + len(LOCATIONS) + len(CREW_ROLES) + BUYERS_PER_SITE),
    )


def _shop(ctx: SeedContext, site: Site, info: SiteInfo) -> None:
    """Give a site its legal identity (printed on invoices) and its regular buyers."""
    legal = SiteLegal.objects.create(
        site=site,
        legal_name=f"Atelier solidaire {site.code} {MARKER}",
        siret="73282932000074",
        address=site.address,
        vat_regime=VatRegime.MARGIN,
        vat_number=vat_number_for("732829320"),
    )
    info.vat_regime = legal.vat_regime
    info.seller = {
        "legal_name": legal.legal_name,
        "siret": legal.siret,
        "address": legal.address,
        "vat_number": legal.vat_number,
        "late_penalty_rate": (
            "" if legal.late_penalty_rate is None else str(legal.late_penalty_rate)
        ),
        "warranty_months": legal.warranty_months,
    }
    until = (ctx.now + timedelta(days=365)).date()
    buyers = Buyer.objects.bulk_create(
        Buyer(
            kind=Buyer.Kind.INDIVIDUAL,
            name=f"Acheteur {site.code} {n}",
            proof_kind=Buyer.Proof.RSA,
            tier=Buyer.Tier.SOLIDARITY,
            tier_reason="RSA",
            checked_by_id=info.crew[roles.SHOP],
            checked_at=ctx.now - timedelta(days=1000),
            eligible_until=until,
        )
        for n in range(1, BUYERS_PER_SITE + 1)
    )
    info.buyers = [
        (
            buyer.pk,
            {
                "name": buyer.name,
                "kind": buyer.kind,
                "address": "",
                "rna": "",
                "siret": "",
                "tier_reason": buyer.tier_reason,
                "professional": False,
            },
        )
        for buyer in buyers
    ]
