"""The audit archive (reports.audit_export): its files, its manifest, its scope, its access."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from refurb import services as refurb_services
from refurb.chain import chain_heads_sign
from refurb.models import DeviceEvent
from refurb.states import State
from reports.audit_export import AuditScope, archive_verify, audit_archive
from tests import factories
from workshop.models import WorkerProfile, Workstation, WorkstationKind
from workshop.roles import BENCH_WORKER, COACH, MANAGER, SHOP

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 2, 10, 10, 0, tzinfo=PARIS)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
FILES = {
    "events.csv",
    "signed_heads.csv",
    "chain_check.json",
    "certificates.csv",
    "sampling_checks.csv",
    "shipments.csv",
    "waste_register.csv",
    "manifest.json",
    "SHA256SUMS",
}


@pytest.fixture
def crew(site, make_user):
    people = {}
    for role in (BENCH_WORKER, COACH, SHOP, MANAGER):
        people[role] = make_user(role, username=f"audit-{role}")
        WorkerProfile.objects.update_or_create(user=people[role], defaults={"site": site})
    return Crew(
        bench=people[BENCH_WORKER],
        coach=people[COACH],
        shop=people[SHOP],
        manager=people[MANAGER],
        stations={
            kind: Workstation.objects.get_or_create(
                site=site, name=f"Poste {kind}", defaults={"kind": kind}
            )[0]
            for kind in WorkstationKind.values
        },
    )


@pytest.fixture
def history(site, crew):
    """Two devices of the site with events in the quarter, signed heads, a certificate and a
    parts shipment; one device of another site that must stay out."""
    devices = []
    for _index in range(2):
        device = factories.make_device(site=site, actor=crew.bench, now=NOW)
        refurb_services.drive_add(device=device, actor=crew.bench, kind="ssd", now=NOW)
        device_advance(device, State.TESTED, crew, now=NOW)
        devices.append(device)
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    factories.make_device(site=other, now=NOW)
    chain_heads_sign(now=NOW.replace(hour=23))
    from refurb.certificates.services import certificate_issue

    certificate_issue(device=devices[0], actor=crew.manager, now=NOW.replace(hour=20))
    shipment = inventory_services.shipment_open(site=site, recycler="Envie 2E", now=NOW)
    inventory_services.shipment_add_parts(
        shipment=shipment, description="=cables", weight_kg="12.5", now=NOW
    )
    inventory_services.shipment_ship(shipment=shipment, actor=crew.manager, now=NOW)
    return devices


def read(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()}


def build(site, now=NOW) -> bytes:
    return audit_archive(AuditScope(site=site, date_from=Q1[0], date_to=Q1[1]), now=now).read()


def test_the_archive_holds_every_record_and_its_manifest_verifies(site, history):
    data = build(site)
    files = read(data)
    assert set(files) == FILES
    assert archive_verify(data) == []
    # The manifest in sha256sum's format, checked by hand.
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest
    manifest = json.loads(files["manifest.json"])
    assert manifest["site"] == "LY" and manifest["devices"] == 2
    assert {f["name"] for f in manifest["files"]} == FILES - {"manifest.json", "SHA256SUMS"}


def test_the_event_log_carries_the_chain_of_the_site_devices_only(site, history):
    files = read(build(site))
    events = list(csv.DictReader(io.StringIO(files["events.csv"].decode())))
    tags = {row["device"] for row in events}
    assert tags == {device.asset_tag for device in history}
    expected = DeviceEvent.objects.filter(device__in=history).count()
    assert len(events) == expected
    by_device: dict[str, list] = {}
    for row in events:
        by_device.setdefault(row["device"], []).append(row)
    for rows in by_device.values():
        for before, after in zip(rows, rows[1:], strict=False):
            assert after["prev_hash"] == before["hash"]
    heads = list(csv.DictReader(io.StringIO(files["signed_heads.csv"].decode())))
    assert {row["device"] for row in heads} == tags and all(row["signature"] for row in heads)
    check = json.loads(files["chain_check.json"])
    assert check["ok"] is True and check["devices"] == 2 and check["events"] == expected
    certificates = list(csv.DictReader(io.StringIO(files["certificates.csv"].decode())))
    assert [row["subject"] for row in certificates] == [history[0].asset_tag]
    shipments = files["shipments.csv"].decode()
    assert "'=cables" in shipments and "12.500" in shipments
    assert files["waste_register.csv"].decode().startswith("Date d'expédition,")


def test_a_changed_file_is_caught_by_the_manifest(site, history):
    data = build(site)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if name.endswith("events.csv"):
                body = body.replace(b"transition", b"transitioN", 1)
            target.writestr(name, body)
    assert archive_verify(out.getvalue()) == ["events.csv does not match its sum"]


def test_an_empty_period_gives_an_empty_but_sound_archive(site, history):
    scope = AuditScope(site=site, date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    data = audit_archive(scope, now=NOW).read()
    assert archive_verify(data) == []
    assert json.loads(read(data)["manifest.json"])["devices"] == 0


# --- screens ------------------------------------------------------------------------------


def test_the_audit_archive_is_for_managers_of_their_own_site(client, site, history, crew):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    client.force_login(crew.manager)
    reports = client.get("/reports/").content.decode()
    assert 'href="/reports/audit/"' in reports and 'href="/waste-register/"' in reports
    assert client.get("/reports/audit/").status_code == 200
    period = "date_from=2026-01-01&date_to=2026-03-31"
    response = client.get(f"/reports/audit.zip?site={site.pk}&{period}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert archive_verify(b"".join(response.streaming_content)) == []
    assert client.get(f"/reports/audit.zip?site={other.pk}&{period}").status_code == 400
    for person in (crew.coach, crew.shop, crew.bench):
        client.force_login(person)
        assert client.get(f"/reports/audit.zip?site={site.pk}&{period}").status_code == 403
        assert client.get("/reports/audit/").status_code == 403


def test_the_command_writes_the_same_archive_with_its_steps(site, history, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "audit_archive", site="ly", date_from="2026-01-01", date_to="2026-03-31",
        out=str(tmp_path), stdout=out,
    )  # fmt: skip
    written = tmp_path / "audit-LY-2026-01-01-2026-03-31.zip"
    assert archive_verify(written.read_bytes()) == []
    assert "… events" in out.getvalue() and "… waste register" in out.getvalue()
