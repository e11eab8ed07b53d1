"""The bench agent's ``--install`` command, run as a real process against the live server:
after an imaging script, it records the system installed with the test bench's token and the
badge of the person at the bench."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.walks import Crew, device_advance
from refurb.models import SystemInstallation
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create, workstation_token_create

AGENT = Path(__file__).resolve().parents[2] / "agent" / "atelier_agent.py"


def run_agent(server, token, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATELIER_")}
    return subprocess.run(
        [sys.executable, str(AGENT), "--server", server, "--token", token,
         "--timeout", "30", "--retries", "1", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_agent_posts_the_installation_and_a_refusal_exits_3(
    live_server, site, bench_worker, coach, shop_staff, manager, station
):
    crew = Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )
    device = factories.make_device(site=site, actor=bench_worker)
    device_advance(device, State.TESTED, crew)
    badge_create(user=bench_worker, code="B-0042", pin="4821")
    token = workstation_token_create(workstation=crew.stations[WK.TEST])[1]
    result = run_agent(
        live_server.url, token, "--badge", "B-0042", "--install", "linuxmint-22",
        "--asset-tag", device.asset_tag, "--first-boot", "passed",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Linux Mint 22.1 recorded as installed on {device.asset_tag}" in result.stdout
    installation = SystemInstallation.objects.get()
    assert (installation.operator, installation.actor_kind) == (bench_worker, "person")
    assert installation.workstation == crew.stations[WK.TEST]

    refused = run_agent(
        live_server.url, token, "--install", "windows-95",
        "--asset-tag", device.asset_tag, "--first-boot", "passed",
    )  # fmt: skip
    assert refused.returncode == 3, refused.stdout
    assert "image_unknown" in refused.stdout
    assert SystemInstallation.objects.count() == 1

    usage = run_agent(live_server.url, token, "--install", "debian-12")
    assert usage.returncode == 2
