"""Test cycles: results count only in the device's current cycle (hole 2 of issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from demo.walks import device_advance, device_pass_checklist
from refurb.models import ChecklistItem, Device, TestResult
from refurb.selectors import device_checklist
from refurb.services import device_transition, test_record_result
from refurb.states import State
from workshop.exceptions import DomainError


def _test(device, crew, to, **kwargs):
    return device_transition(
        device=device, to=to, actor=crew.bench, workstation=crew.stations["test"], **kwargs
    )


@pytest.mark.django_db
def test_a_returned_device_is_not_tested_on_the_results_from_before_the_fault(laptop, crew):
    device_advance(laptop, State.RETURNED, crew)
    with pytest.raises(DomainError) as caught:
        _test(laptop, crew, State.TESTED)
    assert caught.value.code == "checklist_incomplete"
    assert Device.objects.get(pk=laptop.pk).state == State.RETURNED
    device_pass_checklist(laptop, crew, now=laptop.state_changed_at + timedelta(hours=1))
    _test(laptop, crew, State.TESTED)
    assert laptop.state == State.TESTED


@pytest.mark.django_db
def test_a_device_back_from_repair_is_tested_again(laptop, crew):
    device_advance(laptop, State.TESTED, crew)
    _test(laptop, crew, State.IN_REPAIR)
    with pytest.raises(DomainError) as caught:
        _test(laptop, crew, State.TESTED)
    assert caught.value.code == "checklist_incomplete"


@pytest.mark.django_db
def test_each_entry_into_wiped_in_repair_or_returned_opens_a_cycle(laptop, crew):
    device_advance(laptop, State.TESTED, crew)
    assert laptop.test_cycle == 1
    event = _test(laptop, crew, State.IN_REPAIR)
    assert (Device.objects.get(pk=laptop.pk).test_cycle, event.payload["cycle"]) == (2, 2)
    item = ChecklistItem.objects.filter(category=laptop.category).first()
    result = test_record_result(
        device=laptop, item=item, passed=True, actor=crew.bench, workstation=crew.stations["test"]
    )
    assert result.cycle == 2
    lines = device_checklist(Device.objects.get(pk=laptop.pk))
    assert [line.result for line in lines if line.result] == [result]
    assert TestResult.objects.filter(device=laptop, cycle=1).exists()


@pytest.mark.django_db
def test_the_test_bench_shows_the_current_cycle(laptop, crew, client):
    device_advance(laptop, State.RETURNED, crew)
    client.force_login(crew.bench)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations["test"].pk})
    response = client.get(reverse("bench:test-device", args=[laptop.asset_tag]))
    assert response.status_code == 200
    assert b'data-cycle="2"' in response.content


@pytest.mark.django_db
def test_the_migration_numbers_existing_cycles_from_the_history(laptop, crew):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("refurb.migrations.0010_test_cycles")
    device_advance(laptop, State.RETURNED, crew)
    device_pass_checklist(laptop, crew, now=laptop.state_changed_at + timedelta(hours=1))
    expected = sorted(TestResult.objects.filter(device=laptop).values_list("id", "cycle"))
    assert {cycle for _id, cycle in expected} == {1, 2}
    TestResult.objects.filter(device=laptop).update(cycle=0)
    Device.objects.filter(pk=laptop.pk).update(test_cycle=0)
    migration.number_cycles(apps, None)
    assert sorted(TestResult.objects.filter(device=laptop).values_list("id", "cycle")) == expected
    assert Device.objects.get(pk=laptop.pk).test_cycle == 2
