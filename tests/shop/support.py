"""Helpers for the shop tests: a legal identity, a price grid, buyers, valid French ids."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from stdnum import luhn

from shop import services
from shop.models import PriceRule, SiteLegal, SpecTier
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
SERIALS = itertools.count(1000)


def siren_valid(body: str = "73282932") -> str:
    return body + luhn.calc_check_digit(body)


def siret_valid(siren_body: str = "73282932", nic: str = "0001") -> str:
    body = siren_valid(siren_body) + nic
    return body + luhn.calc_check_digit(body)


def legal_for(site, **kwargs) -> SiteLegal:
    values = {
        "legal_name": "Atelier Solidaire de Lyon (association loi 1901)",
        "siret": siret_valid("41234567"),
        "address": "12 rue de Gerland\n69007 Lyon",
        "vat_regime": "margin",
    }
    values.update(kwargs)
    return SiteLegal.objects.update_or_create(site=site, defaults=values)[0]


def make_grid() -> dict:
    """Replace the seeded grid with a small known one."""
    PriceRule.objects.all().delete()
    SpecTier.objects.all().delete()
    office = SpecTier.objects.create(name="Office", rank=1, min_ram_gb=4, min_storage_gb=120)
    perf = SpecTier.objects.create(
        name="Performance", rank=2, min_cpu_generation=8, min_ram_gb=8, min_storage_gb=240
    )
    rows = {}
    for category, grade, tier, solidarity, standard in [
        ("laptop", "A", None, "90", "150"),
        ("laptop", "A", office, "120", "190"),
        ("laptop", "A", perf, "160", "250"),
        ("laptop", "B", None, "70", "120"),
        ("desktop", "B", None, "50", "90"),
        ("screen", "B", None, "15", "30"),
        ("peripheral", "B", None, "3", "6"),
    ]:
        rows[(category, grade, tier and tier.name)] = PriceRule.objects.create(
            category=factories.category(category),
            grade=factories.grade(grade),
            spec_tier=tier,
            solidarity_price=Decimal(solidarity),
            standard_price=Decimal(standard),
        )
    return rows


def buyer(kind="association", *, actor=None, now=NOW, site=None, **kwargs):
    defaults = {
        "association": {"name": "Les Amis du Numérique", "rna": "W691234567"},
        "foundation": {"name": "Fondation Lumière", "siret": siret_valid("50555555")},
        "library": {"name": "Médiathèque de Vaise", "siren": siren_valid("21690123")},
        "public_body": {"name": "CCAS de Lyon", "siret": siret_valid("26690001")},
        "individual": {"name": "Mme A.", "proof_kind": "rsa"},
        "public": {"name": "M. B."},
    }[kind]
    defaults.update(kwargs)
    if site is None:  # recorded at the test site, where the shop staff work
        from workshop.models import Site

        site = Site.objects.filter(code="LY").first()
    return services.buyer_create(kind=kind, actor=actor, now=now, site=site, **defaults)
