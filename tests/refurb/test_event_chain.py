"""Each device's events form a hash chain that the verifier checks link by link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from refurb.chain import chains_verify
from refurb.events import (
    CHAIN_VERSION,
    UNKEYED_VERSION,
    canonical_event,
    event_hash,
    event_seal,
)
from refurb.models import Device, DeviceEvent
from refurb.selectors import device_chain_head
from refurb.services import device_write_off
from refurb.states import State
from tests import factories

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def recomputed(event: DeviceEvent, version: int = CHAIN_VERSION) -> str:
    return event_hash(
        version=version,
        asset_tag=event.device.asset_tag,
        seq=event.seq,
        code=event.code,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_id=event.actor_id,
        workstation_id=event.workstation_id,
        reason=event.reason,
        payload=event.payload,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
        actor_kind=event.actor_kind,
    )


def write_off(device, manager, station, reason="lost"):
    return device_write_off(
        device=device,
        actor=manager,
        workstation=station("stock"),
        reason=reason,
    )


def tamper(sql: str, params: list) -> None:
    """Run ``sql`` on the events table with the append-only trigger out of the way."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE refurb_deviceevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE refurb_deviceevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER refurb_deviceevent_no_update")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER refurb_deviceevent_no_update BEFORE UPDATE ON refurb_deviceevent "
                "BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
            )


def test_the_first_event_starts_the_chain_with_no_previous_hash(laptop):
    event = DeviceEvent.objects.get(device=laptop)
    assert event.prev_hash == ""
    assert len(event.hash) == 64
    assert event.hash == recomputed(event)


def test_each_event_links_to_the_previous_one_and_the_device_caches_the_head(
    laptop, manager, station
):
    first = DeviceEvent.objects.get(device=laptop)
    second = write_off(laptop, manager, station)
    stored = DeviceEvent.objects.get(pk=second.pk)
    assert stored.prev_hash == first.hash
    assert stored.hash == recomputed(stored)
    laptop.refresh_from_db()
    assert laptop.event_head == stored.hash


def test_device_chain_head_reads_the_last_link_from_the_database(laptop, manager, station):
    event = write_off(laptop, manager, station)
    stale = Device.objects.get(pk=laptop.pk)
    stale.event_head = "stale"
    head = device_chain_head(stale)
    assert (head.seq, head.hash) == (2, event.hash)


def test_the_canonical_form_ignores_payload_key_order_and_json_number_spelling():
    base = dict(asset_tag="LY0000423", seq=3, code="transition", created_at=WHEN)
    one = canonical_event(**base, payload={"b": 2.0, "a": [1, "é"]})
    other = canonical_event(**base, payload={"a": (1, "é"), "b": 2})
    assert one == other
    assert b'"created_at":"2026-03-01T09:30:00.123456+00:00"' in one
    assert "é".encode() in one


@pytest.mark.parametrize(
    "field, value",
    [
        ("asset_tag", "LY0000431"),
        ("seq", 4),
        ("code", "moved"),
        ("from_state", "wiped"),
        ("to_state", "tested"),
        ("actor_id", 7),
        ("workstation_id", 9),
        ("reason", "x"),
        ("payload", {"k": 1}),
        ("created_at", WHEN + timedelta(microseconds=1)),
        ("prev_hash", "0" * 64),
        ("actor_kind", "agent"),
    ],
)
def test_every_part_of_an_event_changes_its_hash(field, value):
    base = dict(asset_tag="LY0000423", seq=3, code="transition", created_at=WHEN)
    changed = {**base, field: value}
    assert event_hash(**base) != event_hash(**changed)


def test_the_same_instant_in_another_time_zone_hashes_the_same():
    paris = WHEN.astimezone(ZoneInfo("Europe/Paris"))
    base = dict(asset_tag="LY0000423", seq=1, code="registered")
    assert event_hash(**base, created_at=WHEN) == event_hash(**base, created_at=paris)


def test_a_transition_costs_no_extra_query_for_the_chain(
    laptop, manager, station, django_assert_num_queries
):
    stock = station("stock")
    # actor's roles, savepoint, device lock, actor's site (workshop/access.py), the write-off
    # row, savepoint, device lock, the proof's check, device update, event insert, the
    # finished stay (report rollups), two releases
    with django_assert_num_queries(13):
        device_write_off(device=laptop, actor=manager, workstation=stock, reason="x")


def test_events_say_who_made_them_in_chain_format_2_and_a_changed_actor_kind_is_caught(
    laptop, manager, station
):
    event = write_off(laptop, manager, station)
    assert event.actor_kind == "person"
    keyed = canonical_event(
        asset_tag=laptop.asset_tag, seq=1, code="x", created_at=WHEN, actor_kind="person"
    )
    assert b'"v":2' in keyed and b'"actor_kind":"person"' in keyed
    unkeyed = canonical_event(
        asset_tag=laptop.asset_tag, seq=1, code="x", created_at=WHEN, version=UNKEYED_VERSION
    )
    assert b'"v":1' in unkeyed and b"actor_kind" not in unkeyed
    tamper("UPDATE refurb_deviceevent SET actor_kind = %s WHERE id = %s", ["agent", event.pk])
    broken = chains_verify().broken
    assert (broken.asset_tag, broken.seq, broken.problem) == (
        laptop.asset_tag,
        event.seq,
        "content altered",
    )


def test_intact_chains_verify(laptop, manager, station, site, bench_worker):
    factories.make_device(site=site, actor=bench_worker)
    write_off(laptop, manager, station)
    report = chains_verify()
    assert report.ok
    assert (report.devices, report.events) == (2, 3)


def test_the_command_reports_intact_chains(laptop, capsys):
    call_command("verify_event_chains", "--quiet")
    assert "All event chains intact: 1 devices, 1 events." in capsys.readouterr().out


def test_an_altered_reason_is_named_as_the_first_broken_link(laptop, manager, station):
    write_off(laptop, manager, station)
    write_off_back = factories.transition(
        device=laptop, to=State.RECEIVED, actor=manager, reason="found"
    )
    tamper("UPDATE refurb_deviceevent SET reason = 'forged' WHERE id = %s", [write_off_back.pk])
    with pytest.raises(CommandError) as raised:
        call_command("verify_event_chains", "--quiet")
    assert raised.value.returncode == 1
    message = str(raised.value)
    assert f"{laptop.asset_tag} event #3: content altered" in message
    assert write_off_back.hash in message


def test_a_recomputed_hash_is_caught_by_the_next_link(laptop, manager, station):
    second = write_off(laptop, manager, station)
    factories.transition(device=laptop, to=State.RECEIVED, actor=manager, reason="found")
    forged = event_seal(
        DeviceEvent.objects.get(pk=second.pk), asset_tag=laptop.asset_tag, prev_hash=""
    )
    tamper("UPDATE refurb_deviceevent SET hash = %s WHERE id = %s", [forged, second.pk])
    broken = chains_verify().broken
    assert (broken.asset_tag, broken.seq) == (laptop.asset_tag, 2)


def test_a_deleted_last_event_breaks_the_chain_head(laptop, manager, station):
    event = write_off(laptop, manager, station)
    tamper("DELETE FROM refurb_deviceevent WHERE id = %s", [event.pk])
    broken = chains_verify().broken
    assert (broken.asset_tag, broken.problem) == (laptop.asset_tag, "event missing at the end")


def test_a_deleted_middle_event_is_named_by_its_number(laptop, manager, station):
    event = write_off(laptop, manager, station)
    factories.transition(device=laptop, to=State.RECEIVED, actor=manager, reason="found")
    tamper("DELETE FROM refurb_deviceevent WHERE id = %s", [event.pk])
    broken = chains_verify().broken
    assert (broken.seq, broken.problem, broken.found) == (2, "event missing", "3")


def test_only_the_named_device_is_checked(laptop, site, bench_worker):
    other = factories.make_device(site=site, actor=bench_worker)
    tamper("UPDATE refurb_deviceevent SET reason = 'x' WHERE device_id = %s", [other.pk])
    call_command("verify_event_chains", "--quiet", "--device", laptop.asset_tag)
    with pytest.raises(CommandError, match=other.asset_tag):
        call_command("verify_event_chains", "--quiet", "--device", other.asset_tag)


def test_an_unknown_device_tag_is_an_error(db):
    with pytest.raises(CommandError, match="No device"):
        call_command("verify_event_chains", "--device", "ZZ0000000")


def test_progress_goes_to_stderr_batch_by_batch(site, bench_worker, capsys):
    for _ in range(3):
        factories.make_device(site=site, actor=bench_worker)
    lines = []
    assert chains_verify(devices_per_batch=2, progress=lambda d, t: lines.append((d, t))).ok
    assert lines == [(2, 3), (3, 3)]
    call_command("verify_event_chains")
    assert "checked 3/3 devices" in capsys.readouterr().err


def test_events_written_with_bulk_create_chain_like_the_service(site, bench_worker):
    device = factories.make_device(site=site, actor=bench_worker)
    head = device.event_head
    events = []
    for seq in range(2, 5):
        event = DeviceEvent(
            device=device, seq=seq, code="moved", payload={"n": seq}, created_at=WHEN
        )
        head = event_seal(event, asset_tag=device.asset_tag, prev_hash=head)
        events.append(event)
    DeviceEvent.objects.bulk_create(events)
    Device.objects.filter(pk=device.pk).update(event_seq=4, event_head=head)
    assert chains_verify().ok


@pytest.mark.slow(55)
@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_events_stored_before_the_chain_and_keeps_the_trigger():
    # Back to before the event columns existed; inventory 0008 (event_head, default "") stays,
    # so other apps' later inventory migrations are not unapplied by this test.
    before = [
        ("refurb", "0004_event_stays_index"),
        ("inventory", "0008_device_event_head"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Site = old.get_model("workshop", "Site")
    OldDevice = old.get_model("inventory", "Device")
    Category = old.get_model("inventory", "Category")
    Event = old.get_model("refurb", "DeviceEvent")
    site = Site.objects.create(code="MG", name="Migration")
    category = Category.objects.get(code="laptop")
    for number in (1, 2):
        device = OldDevice.objects.create(
            asset_tag=f"MG00000{number}X", site=site, category=category, event_seq=2
        )
        Event.objects.create(device=device, seq=1, code="registered", to_state="received")
        Event.objects.create(device=device, seq=2, code="moved", payload={"to": "shelf", "w": 1.5})
    OldDevice.objects.create(asset_tag="MG000003X", site=site, category=category)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    report = chains_verify()
    assert (report.ok, report.devices, report.events) == (True, 3, 4)
    assert DeviceEvent.objects.filter(hash="").count() == 0
    device = Device.objects.get(asset_tag="MG000001X")
    assert device.event_head == DeviceEvent.objects.get(device=device, seq=2).hash
    # 0012: the unkeyed (version 1) events are anchored under the chain key, one anchor per
    # device with events, at its head; the next event is keyed and the chain still holds.
    from refurb.models import ChainAnchor

    anchors = {a.device.asset_tag: (a.seq, a.head) for a in ChainAnchor.objects.all()}
    assert anchors == {
        tag: (2, Device.objects.get(asset_tag=tag).event_head) for tag in ("MG000001X", "MG000002X")
    }
    old = DeviceEvent.objects.get(device=device, seq=2)
    assert old.hash == recomputed(old, version=UNKEYED_VERSION)
    keyed = DeviceEvent(device=device, seq=3, code="moved", created_at=WHEN)
    head = event_seal(keyed, asset_tag=device.asset_tag, prev_hash=device.event_head)
    DeviceEvent.objects.bulk_create([keyed])
    Device.objects.filter(pk=device.pk).update(event_seq=3, event_head=head)
    assert keyed.hash == recomputed(DeviceEvent.objects.get(pk=keyed.pk))
    assert chains_verify().ok
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE refurb_deviceevent SET reason = 'forged'")


def test_every_broken_device_is_reported_with_an_exit_code(laptop, site, bench_worker, capsys):
    """Issue 16, hole 11: on main only the first broken device was named."""
    others = [factories.make_device(site=site, actor=bench_worker) for _ in range(2)]
    for device in (laptop, others[1]):
        tamper("UPDATE refurb_deviceevent SET reason = 'x' WHERE device_id = %s", [device.pk])
    report = chains_verify()
    assert [b.asset_tag for b in report.breaks] == [laptop.asset_tag, others[1].asset_tag]
    assert report.devices == 3
    with pytest.raises(CommandError) as raised:
        call_command("verify_event_chains", "--quiet")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert laptop.asset_tag in out and others[1].asset_tag in out
    assert others[0].asset_tag not in out
    assert "2 broken device(s) out of 3" in str(raised.value)


def _batch(devices, per_device=1):
    from refurb.events import NewEvent

    return [
        NewEvent(device=device, code=DeviceEvent.Code.REPAIR, reason=f"lot {device.pk}/{n}")
        for n in range(per_device)
        for device in devices
    ]


def test_a_batch_appends_sealed_chains_that_the_verifier_accepts(
    site, bench_worker, manager, station
):
    from refurb.events import event_append_many

    devices = [factories.make_device(site=site, actor=bench_worker) for _ in range(3)]
    heads = [device.event_head for device in devices]
    written = event_append_many(
        _batch(devices, per_device=2), actor=bench_worker, workstation=station(), now=WHEN
    )
    assert len(written) == 6
    for device, head in zip(devices, heads, strict=True):
        stored = list(DeviceEvent.objects.filter(device=device).order_by("seq"))
        assert [event.seq for event in stored] == [1, 2, 3]
        assert stored[1].prev_hash == head and stored[2].prev_hash == stored[1].hash
        assert all(event.hash == recomputed(event) for event in stored)
        fresh = Device.objects.get(pk=device.pk)
        assert (fresh.event_seq, fresh.event_head) == (3, stored[2].hash)
        assert (device.event_seq, device.event_head) == (3, stored[2].hash)
    # A later single append goes on from the head the batch left.
    write_off(devices[0], manager, station)
    assert chains_verify().ok


@pytest.mark.parametrize("count", [1, 25])
def test_a_batch_costs_two_queries_whatever_its_size(
    site, bench_worker, station, count, django_assert_num_queries
):
    from refurb.events import event_append_many

    devices = [factories.make_device(site=site, actor=bench_worker) for _ in range(count)]
    workstation = station()
    with transaction.atomic(), django_assert_num_queries(2):  # one insert, one update
        event_append_many(_batch(devices), actor=bench_worker, workstation=workstation)
    assert DeviceEvent.objects.filter(code=DeviceEvent.Code.REPAIR).count() == count
    assert chains_verify().ok


def test_a_batch_from_another_sites_bench_writes_nothing(site, bench_worker):
    from refurb.events import event_append_many
    from workshop.exceptions import DomainError

    device = factories.make_device(site=site, actor=bench_worker)
    elsewhere = factories.WorkstationFactory(site=factories.SiteFactory(code="NA"))
    with pytest.raises(DomainError) as refused:
        event_append_many(_batch([device]), workstation=elsewhere)
    assert refused.value.code == "other_site"
    assert DeviceEvent.objects.filter(device=device).count() == 1
    assert Device.objects.get(pk=device.pk).event_seq == 1
