"""Stocktake at bench speed: one site at a time, locations by name, unknown labels flagged,
many differences resolved in one submit (each line through the same service)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import Stocktake, StocktakeLine
from refurb.models import DeviceEvent
from refurb.states import State
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
R = StocktakeLine.Resolution


@pytest.fixture
def other_site():
    return factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")


@pytest.fixture
def shelves(site, other_site):
    return {
        "a1": services.location_create(site=site, name="Étagère A1"),
        "a2": services.location_create(site=site, name="Étagère A2"),
        "se": services.location_create(site=other_site, name="Étagère Stéphanoise"),
    }


@pytest.fixture
def site_manager(make_user, site):
    return make_user(roles.MANAGER, username="nadia-ly", site=site)


def page_text(response) -> str:
    return response.content.decode()


def test_a_site_manager_counts_their_own_site_with_locations_by_name(client, site_manager, shelves):
    client.force_login(site_manager)
    page = page_text(client.get(reverse("inventory:stocktake_list"), **EN))
    assert "data-site-choice" not in page  # one site: no choice to make
    assert "Étagère A1" in page and "Étagère A2" in page
    assert "Étagère Stéphanoise" not in page  # another site's shelf is never offered
    assert shelves["a1"].tag not in page  # names, not codes


def test_a_site_manager_cannot_open_a_stocktake_at_another_site(
    client, site_manager, shelves, other_site
):
    client.force_login(site_manager)
    client.post(reverse("inventory:stocktake_list"), {"site": other_site.pk}, **EN)
    assert not Stocktake.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.stocktake_open(site=other_site, actor=site_manager)
    assert refused.value.code == "other_site"


def test_a_site_manager_sees_no_stocktake_of_another_site(
    client, site_manager, manager, shelves, other_site
):
    elsewhere = services.stocktake_open(site=other_site, actor=manager)
    client.force_login(site_manager)
    assert f"Stocktake {elsewhere.pk}" not in page_text(
        client.get(reverse("inventory:stocktake_list"), **EN)
    )
    detail = client.get(reverse("inventory:stocktake_detail", args=[elsewhere.pk]))
    assert detail.status_code == 404


def test_a_network_manager_chooses_the_site_and_sees_only_its_locations(
    client, manager, shelves, site, other_site
):
    client.force_login(manager)
    page = page_text(client.get(reverse("inventory:stocktake_list"), {"site": other_site.pk}))
    assert "data-site-choice" in page
    assert "Étagère Stéphanoise" in page and "Étagère A1" not in page
    client.post(
        reverse("inventory:stocktake_list"),
        {"site": other_site.pk, "locations": [shelves["se"].pk]},
    )
    stocktake = Stocktake.objects.get()
    assert stocktake.site == other_site
    assert list(stocktake.locations.all()) == [shelves["se"]]


def test_mixing_another_sites_location_is_refused(client, manager, shelves, site):
    client.force_login(manager)
    client.post(
        reverse("inventory:stocktake_list"),
        {"site": site.pk, "locations": [shelves["a1"].pk, shelves["se"].pk]},
    )
    assert not Stocktake.objects.exists()


def test_an_unknown_label_is_flagged_not_counted(client, manager, site, shelves, laptop):
    stocktake = services.stocktake_open(site=site, actor=manager)
    client.force_login(manager)
    url = reverse("inventory:stocktake_scan", args=[stocktake.pk])
    client.post(url, {"code": shelves["a1"].tag})
    known = page_text(
        client.post(url, {"code": laptop.asset_tag, "location": shelves["a1"].tag}, **EN)
    )
    assert 'data-last-scan="counted"' in known and "Étagère A1" in known
    unknown = page_text(
        client.post(url, {"code": "CARTON-SANS-NOM", "location": shelves["a1"].tag}, **EN)
    )
    assert 'data-last-scan="unknown"' in unknown and 'data-last-scan="counted"' not in unknown
    assert "Unknown label" in unknown and "including 1 unknown label" in unknown
    french = page_text(client.post(url, {"code": "CARTON-SANS-NOM", "location": shelves["a1"].tag}))
    assert "Étiquette inconnue" in french and "Compté :" not in french
    services.stocktake_reconcile(stocktake=stocktake)
    assert stocktake.lines.get(code="CARTON-SANS-NOM").kind == StocktakeLine.Kind.UNKNOWN


@pytest.fixture
def fourteen_missing(site, manager, bench_worker, shelves):
    devices = [
        factories.make_device(site=site, actor=bench_worker, location=shelves["a1"])
        for _index in range(14)
    ]
    stocktake = services.stocktake_open(site=site, actor=manager)
    services.stocktake_record_scan(
        stocktake=stocktake, code="INCONNU-1", location=shelves["a2"], actor=manager
    )
    services.stocktake_reconcile(stocktake=stocktake)
    return stocktake, devices


def test_every_line_of_a_kind_is_resolved_in_one_submit(
    client, manager, fourteen_missing, django_assert_max_num_queries
):
    stocktake, devices = fourteen_missing
    client.force_login(manager)
    detail = page_text(client.get(reverse("inventory:stocktake_detail", args=[stocktake.pk]), **EN))
    assert "Missing: 14 lines to resolve" in detail
    assert "Unknown label: 1 line to resolve" in detail
    response = client.post(
        reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk]),
        {"kind": "missing", "resolution": R.WRITE_OFF, "reason": "Introuvables"},
        follow=True,
        **EN,
    )
    assert "14 lines resolved." in page_text(response)
    lines = stocktake.lines.filter(kind=StocktakeLine.Kind.MISSING)
    assert set(lines.values_list("resolution", "reason")) == {(R.WRITE_OFF, "Introuvables")}
    assert stocktake.lines.get(code="INCONNU-1").resolution == R.PENDING  # another kind
    client.post(
        reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk]),
        {"kind": "unknown", "resolution": R.IGNORE},
    )
    client.post(reverse("inventory:stocktake_close", args=[stocktake.pk]))
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.CLOSED
    # Every resolution is applied by the device's own service: one event per device.
    write_offs = DeviceEvent.objects.filter(
        device__in=devices, to_state=State.WRITTEN_OFF, payload__stocktake=stocktake.pk
    )
    assert write_offs.count() == 14


def test_ticked_lines_are_resolved_together_and_a_refusal_changes_none(
    client, manager, fourteen_missing
):
    stocktake, devices = fourteen_missing
    client.force_login(manager)
    url = reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk])
    missing = list(stocktake.lines.filter(kind="missing").order_by("code"))
    unknown = stocktake.lines.get(kind="unknown")
    refused = client.post(
        url,
        {"lines": [missing[0].pk, unknown.pk], "resolution": R.WRITE_OFF, "reason": "x"},
        follow=True,
        **EN,
    )
    assert "INCONNU-1" in page_text(refused) and "does not apply" in page_text(refused)
    assert not stocktake.lines.exclude(resolution=R.PENDING).exists()  # all or nothing
    client.post(url, {"lines": [line.pk for line in missing[:3]], "resolution": R.IGNORE})
    assert set(stocktake.lines.exclude(resolution=R.PENDING).values_list("pk", flat=True)) == {
        line.pk for line in missing[:3]
    }


def test_a_bulk_submit_with_no_line_ticked_says_so(client, manager, fourteen_missing):
    stocktake, _devices = fourteen_missing
    client.force_login(manager)
    response = client.post(
        reverse("inventory:stocktake_resolve_bulk", args=[stocktake.pk]),
        {"resolution": R.IGNORE},
        follow=True,
        **EN,
    )
    assert "No line chosen" in page_text(response)


def test_the_differences_show_location_names(client, manager, site, shelves, laptop):
    services.device_move(device=laptop, location=shelves["a1"], actor=manager)
    stocktake = services.stocktake_open(site=site, actor=manager)
    services.stocktake_record_scan(
        stocktake=stocktake, code=laptop.asset_tag, location=shelves["a2"], actor=manager
    )
    services.stocktake_reconcile(stocktake=stocktake)
    client.force_login(manager)
    page = page_text(client.get(reverse("inventory:stocktake_detail", args=[stocktake.pk])))
    row = re.search(rf'<tr data-line="{laptop.asset_tag}".*?</tr>', page, re.DOTALL).group(0)
    assert "Étagère A1" in row and "Étagère A2" in row
    assert shelves["a1"].tag not in row and shelves["a2"].tag not in row
