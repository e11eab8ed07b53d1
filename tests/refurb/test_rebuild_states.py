"""The rebuild command finds devices whose cached state disagrees with their event log."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from demo.walks import Crew, device_advance
from refurb.models import Device
from refurb.states import State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def devices(site, bench_worker, coach, shop_staff, manager):
    crew = Crew(bench=bench_worker, coach=coach, shop=shop_staff, manager=manager)
    made = []
    for target in (State.RECEIVED, State.TESTED, State.ON_SALE):
        device = factories.make_device(site=site, actor=bench_worker)
        device_advance(device, target, crew)
        made.append(device)
    return made


def test_a_consistent_database_reports_no_mismatch(devices, capsys):
    call_command("rebuild_states", "--quiet")
    assert "matches its event log" in capsys.readouterr().out


def test_a_corrupted_cache_is_reported_and_the_command_fails(devices, capsys):
    Device.objects.filter(pk=devices[1].pk).update(state=State.SOLD)
    with pytest.raises(CommandError, match="1 device"):
        call_command("rebuild_states", "--quiet")
    out = capsys.readouterr().out
    assert devices[1].asset_tag in out and "sold" in out and "tested" in out


def test_fix_rewrites_the_cached_state_from_the_log(devices):
    Device.objects.filter(pk=devices[2].pk).update(state=State.RECEIVED)
    call_command("rebuild_states", "--fix", "--quiet")
    assert Device.objects.get(pk=devices[2].pk).state == State.ON_SALE
    call_command("rebuild_states", "--quiet")
