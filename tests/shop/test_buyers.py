"""Buyers: identifiers of every kind, tiers, eligibility and its expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop import services
from shop.models import Buyer
from shop.selectors import buyer_tier
from tests.shop.support import NOW, buyer, legal_for, siren_valid, siret_valid
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db

VALID = [
    ("association", {"rna": "W691234567"}),
    ("association", {"siren": siren_valid()}),
    ("association", {"siret": siret_valid()}),
    ("association", {"rna": "w69 1234567"}),
    ("foundation", {"siret": siret_valid("50555555")}),
    ("library", {"siren": siren_valid("21690123")}),
    ("public_body", {"siret": siret_valid("26690001"), "siren": siren_valid("26690001")}),
    ("individual", {"proof_kind": "qf"}),
    ("individual", {"proof_kind": "social_worker"}),
    ("public", {}),
]

INVALID = [
    ("association", {}, "rna"),
    ("association", {"rna": "W12345678"}, "rna"),
    ("association", {"rna": "X691234567"}, "rna"),
    ("association", {"siren": "732829321"}, "siren"),
    ("association", {"siret": siret_valid()[:-1] + "0"}, "siret"),
    ("foundation", {}, "siret"),
    ("foundation", {"rna": "W691234567", "siret": siret_valid()}, "rna"),
    ("library", {"siret": "123"}, "siret"),
    ("public_body", {"siren": siren_valid("26690001"), "siret": siret_valid()}, "siret"),
    ("individual", {}, "proof_kind"),
    ("individual", {"proof_kind": "rsa", "siret": siret_valid()}, "siret"),
    ("public", {"proof_kind": "rsa"}, "proof_kind"),
]


@pytest.mark.parametrize(("kind", "ids"), VALID)
def test_a_buyer_with_valid_identifiers_is_recorded(kind, ids):
    made = services.buyer_create(kind=kind, name="X", actor=None, now=NOW, **ids)
    assert made.pk


@pytest.mark.parametrize(("kind", "ids", "field"), INVALID)
def test_a_buyer_with_invalid_identifiers_is_refused_on_the_field(kind, ids, field):
    with pytest.raises(DomainError) as error:
        services.buyer_create(kind=kind, name="X", actor=None, now=NOW, **ids)
    assert error.value.code == "invalid"
    assert field in error.value.fields
    assert not Buyer.objects.exists()


def test_the_rna_number_is_normalised():
    assert buyer("association", rna="w69 1234567").rna == "W691234567"


@pytest.mark.parametrize(
    ("kind", "tier"),
    [
        ("association", "solidarity"),
        ("foundation", "solidarity"),
        ("library", "solidarity"),
        ("public_body", "solidarity"),
        ("individual", "solidarity"),
        ("public", "standard"),
    ],
)
def test_each_kind_of_buyer_gets_its_tier_and_a_reason(kind, tier):
    made = buyer(kind)
    assert made.tier == tier
    assert made.tier_reason


def test_an_individual_records_only_the_kind_of_proof(shop_staff):
    made = buyer("individual", actor=shop_staff, proof_kind="aah")
    assert made.tier_reason.endswith(str(Buyer.Proof.AAH.label))
    assert made.checked_by == shop_staff
    assert made.checked_at == NOW
    assert {f.name for f in Buyer._meta.fields}.isdisjoint({"proof_number", "document"})


def test_eligibility_lasts_the_sites_months(site):
    legal_for(site, eligibility_months=6)
    made = buyer("individual", site=site)
    assert made.eligible_until == NOW.date().replace(month=9)


def test_eligibility_lasts_twelve_months_by_default():
    assert buyer("association").eligible_until == NOW.date().replace(year=2027)


def test_a_general_public_buyer_has_no_eligibility_to_expire():
    assert buyer("public").eligible_until is None


def test_an_expired_buyer_buys_at_the_standard_price_by_default(site):
    legal = legal_for(site)
    made = buyer("individual")
    later = NOW + timedelta(days=366)
    tier = buyer_tier(made, legal, now=later)
    assert (tier.tier, tier.expired) == ("standard", True)


def test_an_expired_buyer_is_refused_when_the_site_says_so(site):
    legal = legal_for(site, expired_policy="refuse")
    made = buyer("individual")
    with pytest.raises(DomainError) as error:
        buyer_tier(made, legal, now=NOW + timedelta(days=366))
    assert error.value.code == "eligibility_expired"


def test_an_eligible_buyer_buys_at_the_solidarity_price_until_the_last_day(site):
    legal = legal_for(site)
    made = buyer("individual")
    last_day = timezone.make_aware(
        timezone.datetime.combine(made.eligible_until, timezone.datetime.min.time())
    )
    assert buyer_tier(made, legal, now=last_day).tier == "solidarity"


def test_rechecking_eligibility_extends_it(site, shop_staff):
    legal = legal_for(site)
    made = buyer("individual")
    later = NOW + timedelta(days=400)
    again = services.buyer_recheck(buyer=made, actor=shop_staff, proof_kind="css", now=later)
    assert again.eligible_until > later.date()
    assert again.proof_kind == "css"
    assert buyer_tier(again, legal, now=later).tier == "solidarity"
