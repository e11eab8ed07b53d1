"""What the main endpoints answer: transitions, scans, filters, timeline, and the schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework import serializers

from inventory import scan
from inventory.api.scan import SCAN_SERIALIZERS, register_scan_serializer
from refurb import services as refurb_services
from tests import factories


@pytest.mark.django_db
def test_a_transition_answers_the_device_and_its_new_event(
    client_as, bench_worker, screen, station
):
    response = client_as(bench_worker, station("erasure")).post(
        f"/api/devices/{screen.asset_tag}/transitions/",
        {"to": "wiped", "reason": "écran testé"},
        format="json",
    )
    body = response.json()
    assert body["device"]["state"] == "wiped"
    assert body["event"]["to_state"] == "wiped"
    assert body["event"]["reason"] == "écran testé"
    # What comes next is done at the test bench, not at this erasure bench.
    assert body["device"]["next"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["device", "drive", "location", "collection"])
def test_a_scan_answers_the_kind_and_the_object(
    client_as, bench_worker, laptop, drive, shelf, collection, kind
):
    code = {
        "device": laptop.asset_tag,
        "drive": drive.tag,
        "location": shelf.tag,
        "collection": collection.tag,
    }[kind]
    body = client_as(bench_worker).get(f"/api/scan/{code.lower()}").json()
    assert body["kind"] == kind
    assert body["code"] == code
    assert code in body["object"].values()


@pytest.mark.django_db
@pytest.mark.parametrize("complete", [True, False])
def test_a_scanned_tag_answers_what_the_device_serializer_answers(
    client_as, bench_worker, site, collection, shelf, station, complete, django_assert_num_queries
):
    """The tag's hot path (one narrow row) and a serial's (DeviceSerializer) agree."""
    from decimal import Decimal

    from refurb.models import Device
    from tests.factories import grade, make_device

    extra = {"collection": collection, "weight_kg": Decimal("2.35")} if complete else {}
    device = make_device(
        site=site, serial_number="SN-LEAN-1", specs={"ram_gb": 8, "cpu": "i5"}, **extra
    )
    if complete:
        Device.objects.filter(pk=device.pk).update(location=shelf, grade=grade("B"))
    client = client_as(bench_worker, station("test"))
    client.get(f"/api/scan/{device.asset_tag}")  # a first scan, as on a bench
    # session, user, roles, the device's row, the bench (for `next`)
    with django_assert_num_queries(5):
        by_tag = client.get(f"/api/scan/{device.asset_tag.lower()}").json()
    by_serial = client.get("/api/scan/sn-lean-1").json()
    assert by_tag["code"] == device.asset_tag
    assert by_tag["object"] == by_serial["object"]
    detail = client.get(f"/api/devices/{device.asset_tag}/").json()
    detail.pop("drives")
    assert by_tag["object"] == detail
    if complete:
        assert (by_tag["object"]["location"], by_tag["object"]["grade"]) == (shelf.tag, "B")
        assert by_tag["object"]["donor"] == collection.donor_id
        assert by_tag["object"]["weight_kg"] == "2.350"


@pytest.mark.django_db
def test_a_scan_by_serial_number_finds_the_device(client_as, bench_worker, site):
    from tests.factories import make_device

    device = make_device(site=site, serial_number="5CG7301XYZ")
    body = client_as(bench_worker).get("/api/scan/5CG7301XYZ").json()
    assert (body["kind"], body["object"]["asset_tag"]) == ("device", device.asset_tag)


@pytest.mark.django_db
def test_a_registered_kind_is_serialised_by_its_serializer(
    client_as, bench_worker, site, monkeypatch
):
    class KitSerializer(serializers.Serializer):
        name = serializers.CharField()

    def resolve_kit(code):
        if code == "KIT1":
            return scan.ScanResult("kit", code, {"name": "Kit bureautique"})
        return None

    monkeypatch.setattr(scan, "RESOLVERS", [*scan.RESOLVERS, resolve_kit])
    monkeypatch.setitem(SCAN_SERIALIZERS, "kit", SCAN_SERIALIZERS.get("kit"))
    register_scan_serializer("kit", KitSerializer)
    body = client_as(bench_worker).get("/api/scan/KIT1").json()
    assert body == {"kind": "kit", "code": "KIT1", "object": {"name": "Kit bureautique"}}


@pytest.mark.django_db
def test_devices_filter_on_unerased_drives(client_as, bench_worker, laptop, drive, screen):
    client = client_as(bench_worker)
    tags = [
        d["asset_tag"] for d in client.get("/api/devices/?unerased_drives=true").json()["results"]
    ]
    assert tags == [laptop.asset_tag]
    refurb_services.drive_record_erasure(
        drive=drive,
        method="clear",
        tool="nwipe",
        result="success",
        verified=True,
        actor=bench_worker,
    )
    assert client.get("/api/devices/?unerased_drives=true").json()["results"] == []


@pytest.mark.django_db
def test_devices_filter_on_state_make_and_search(client_as, bench_worker, laptop, screen):
    client = client_as(bench_worker)
    factories.transition(device=screen, to="wiped", actor=bench_worker)

    def tags(query):
        return [d["asset_tag"] for d in client.get(f"/api/devices/?{query}").json()["results"]]

    assert tags("state=wiped") == [screen.asset_tag]
    assert tags("make=del") == [laptop.asset_tag]
    assert tags("search=E7240") == [laptop.asset_tag]
    assert tags("category=screen") == [screen.asset_tag]
    assert tags("ordering=id") == [laptop.asset_tag, screen.asset_tag]


@pytest.mark.django_db
def test_the_timeline_lists_every_event_oldest_first(client_as, bench_worker, laptop, drive):
    body = client_as(bench_worker).get(f"/api/devices/{laptop.asset_tag}/timeline/").json()
    assert [event["code"] for event in body] == ["registered", "drive_added"]


@pytest.mark.django_db
def test_a_workstation_token_registers_devices_at_its_site(token_client, site):
    response = token_client("intake").post("/api/devices/", {"category": "screen"}, format="json")
    assert response.status_code == 201
    assert response.json()["site"] == site.code


@pytest.mark.django_db
def test_the_schema_validates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    text = (tmp_path / "s.yaml").read_text()
    assert "/api/scan/{code}" in text
    assert "Error:" in text


@pytest.mark.django_db
def test_the_docs_page_uses_local_assets(client_as, bench_worker):
    html = client_as(bench_worker).get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_the_timeline_is_read_at_the_devices_site_only(client_as, make_user, laptop):
    """Its events name the workers of the device's site: another site's worker is refused."""
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    stranger = make_user("bench_worker", username="se-bench", site=other)
    refused = client_as(stranger).get(
        f"/api/devices/{laptop.asset_tag}/timeline/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "other_site"
    assert "its history is read at that site" in refused.json()["message"]
    network = make_user("manager", username="network")
    assert client_as(network).get(f"/api/devices/{laptop.asset_tag}/timeline/").status_code == 200


@pytest.mark.django_db
def test_the_device_list_answers_what_the_device_serializer_answers(
    client_as, shop_staff, site, collection, shelf, station
):
    """The list's narrow rows (``DeviceViewSet.list``) and the detail (``DeviceSerializer``)
    agree, field for field, for a bare device and a complete one; the cursor pages on."""
    from decimal import Decimal

    from refurb.models import Device
    from tests.factories import grade, make_device

    bare = make_device(site=site)
    full = make_device(
        site=site, collection=collection, weight_kg=Decimal("2.35"), serial_number="SN-L-1",
        specs={"ram_gb": 8, "cpu": "i5 <b>"},
    )  # fmt: skip
    Device.objects.filter(pk=full.pk).update(location=shelf, grade=grade("B"))
    client = client_as(shop_staff, station("shop"))
    listed = client.get("/api/devices/?page_size=1")
    assert listed.status_code == 200
    first = listed.json()
    second = client.get(first["next"]).json()
    rows = first["results"] + second["results"]
    assert [row["asset_tag"] for row in rows] == [full.asset_tag, bare.asset_tag]
    for row in rows:
        detail = client.get(f"/api/devices/{row['asset_tag']}/").json()
        detail.pop("drives")
        assert row == detail
    assert (rows[0]["location"], rows[0]["grade"], rows[0]["weight_kg"]) == (
        shelf.tag,
        "B",
        "2.350",
    )
    assert rows[0]["donor"] == collection.donor_id
