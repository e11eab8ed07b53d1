"""Intake services: tags, collections, registration, moves, and bad input left unwritten."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from inventory import services
from inventory.models import Collection, Donor
from refurb.models import Device, DeviceEvent
from tests import factories
from workshop import tags
from workshop.exceptions import DomainError
from workshop.models import TagSequence

pytestmark = pytest.mark.django_db


def counts():
    return (
        Device.objects.count(),
        DeviceEvent.objects.count(),
        Collection.objects.count(),
        Donor.objects.count(),
        sum(TagSequence.objects.values_list("last_number", flat=True)),
    )


def test_registered_devices_get_consecutive_valid_tags_of_their_site(site, bench_worker):
    first = factories.make_device(site=site, actor=bench_worker)
    second = factories.make_device(site=site, actor=bench_worker)
    parsed = [tags.parse_tag(device.asset_tag) for device in (first, second)]
    assert [(tag.site, tag.kind, tag.number) for tag in parsed] == [("LY", "", 1), ("LY", "", 2)]


def test_a_negative_weight_is_refused_with_a_field_error_and_nothing_written(site, bench_worker):
    before = counts()
    with pytest.raises(DomainError) as caught:
        factories.make_device(site=site, actor=bench_worker, weight_kg=Decimal("-1.5"))
    assert caught.value.code == "invalid"
    assert "weight_kg" in caught.value.fields
    assert counts() == before


def test_a_collection_with_a_negative_weight_is_refused(site):
    donor = factories.DonorFactory()
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.collection_create(donor=donor, site=site, gross_weight_kg=Decimal("-3"))
    assert "gross_weight_kg" in caught.value.fields
    assert counts() == before


@pytest.mark.parametrize(
    "kind,siret,field",
    [
        ("company", "73282932000075", "siret"),
        ("company", "1234", "siret"),
        ("person", "73282932000074", "siret"),
        ("company", "", None),
        ("company", "732 829 320 00074", None),
    ],
)
def test_donor_siret_is_validated(kind, siret, field):
    if field is None:
        donor = services.donor_create(kind=kind, name="Banque", siret=siret)
        assert donor.siret == siret.replace(" ", "")
        return
    with pytest.raises(DomainError) as caught:
        services.donor_create(kind=kind, name="Banque", siret=siret)
    assert field in caught.value.fields
    assert Donor.objects.count() == 0


def test_a_device_cannot_join_another_sites_collection(site, bench_worker):
    other = factories.SiteFactory(code="SE")
    collection = services.collection_create(donor=factories.DonorFactory(), site=other)
    with pytest.raises(DomainError) as caught:
        factories.make_device(site=site, actor=bench_worker, collection=collection)
    assert caught.value.code == "wrong_site"


def test_an_unknown_state_is_refused_with_the_list_of_states(laptop, manager):
    before = counts()
    with translation.override("en"):
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to="lost", actor=manager)
    assert caught.value.code == "unknown_state"
    assert "received" in caught.value.message
    assert counts() == before


def test_a_wrong_role_is_refused_and_nothing_changes(laptop, shop_staff):
    before = counts()
    with pytest.raises(DomainError) as caught:
        factories.transition(device=laptop, to="wiped", actor=shop_staff)
    assert (caught.value.code, caught.value.status) == ("role_forbidden", 403)
    laptop.refresh_from_db()
    assert laptop.state == "received"
    assert counts() == before


def test_errors_are_french_by_default_and_english_on_request(laptop, shop_staff):
    with translation.override("fr"):
        with pytest.raises(DomainError) as french:
            factories.transition(device=laptop, to="wiped", actor=shop_staff)
    with translation.override("en"):
        with pytest.raises(DomainError) as english:
            factories.transition(device=laptop, to="wiped", actor=shop_staff)
    assert english.value.message.startswith("Your role may not")
    assert french.value.message != english.value.message


def test_moving_a_device_logs_where_it_was_and_where_it_went(laptop, site, bench_worker):
    shelf = services.location_create(site=site, name="Étagère A1")
    bin_ = services.location_create(site=site, name="Bac B")
    services.device_move(device=laptop, location=shelf, actor=bench_worker)
    event = services.device_move(device=laptop, location=bin_, actor=bench_worker)
    assert event.payload == {"from": shelf.tag, "to": bin_.tag, "to_name": "Bac B"}
    laptop.refresh_from_db()
    assert laptop.location == bin_


def test_moving_to_the_same_location_writes_nothing(laptop, site, bench_worker):
    shelf = services.location_create(site=site, name="Étagère A1")
    services.device_move(device=laptop, location=shelf, actor=bench_worker)
    before = counts()
    assert services.device_move(device=laptop, location=shelf, actor=bench_worker) is None
    assert counts() == before
