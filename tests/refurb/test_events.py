"""Events are append-only, in the model layer and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from refurb.models import DeviceEvent, EventImmutable
from refurb.services import device_write_off
from refurb.states import State

pytestmark = pytest.mark.django_db


def test_registering_a_device_writes_its_first_event(laptop, bench_worker):
    event = DeviceEvent.objects.get(device=laptop)
    assert (event.seq, event.code, event.to_state, event.actor) == (
        1,
        "registered",
        State.RECEIVED,
        bench_worker,
    )


def test_a_transition_appends_exactly_one_event_with_who_where_and_why(laptop, manager, station):
    stock = station("stock")
    event = device_write_off(device=laptop, actor=manager, workstation=stock, reason="volé")
    assert list(DeviceEvent.objects.filter(device=laptop).values_list("seq", flat=True)) == [1, 2]
    assert (event.from_state, event.to_state, event.actor, event.workstation, event.reason) == (
        State.RECEIVED,
        State.WRITTEN_OFF,
        manager,
        stock,
        "volé",
    )


def test_saving_an_existing_event_is_refused(laptop):
    event = DeviceEvent.objects.get(device=laptop)
    event.reason = "rewritten"
    with pytest.raises(EventImmutable):
        event.save()


def test_deleting_an_event_is_refused(laptop):
    with pytest.raises(EventImmutable):
        DeviceEvent.objects.get(device=laptop).delete()


def test_queryset_update_and_delete_are_refused(laptop):
    with pytest.raises(EventImmutable):
        DeviceEvent.objects.filter(device=laptop).update(reason="x")
    with pytest.raises(EventImmutable):
        DeviceEvent.objects.filter(device=laptop).delete()
    assert DeviceEvent.objects.filter(device=laptop).count() == 1


def test_the_database_refuses_a_raw_update_of_an_event(laptop):
    table = DeviceEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET reason = 'forged' WHERE device_id = %s", [laptop.pk]
            )
    assert DeviceEvent.objects.get(device=laptop).reason == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite refuses DELETE in the model layer only (its test flush deletes rows)",
)
def test_postgresql_refuses_a_raw_delete_of_an_event(laptop):
    table = DeviceEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE device_id = %s", [laptop.pk])
    assert DeviceEvent.objects.filter(device=laptop).count() == 1
