"""The bench agent's ``--install`` command, run as a real process against the live server:
after an imaging script, it records the system installed with the test bench's token and the
badge of the person at the bench."""

from __future__ import annotations

import os
import socket
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


@pytest.mark.django_db(transaction=True)
def test_an_install_queued_offline_is_recorded_once_when_replayed_twice(
    live_server, site, bench_worker, coach, shop_staff, manager, station, tmp_path
):
    """The server was down at the bench: the agent queued the installation. Sent later with
    ``--upload`` (twice, as when the first answer is lost), it is recorded once, at the time
    it was installed, by the person whose badge was given."""
    crew = Crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )  # fmt: skip
    device = factories.make_device(site=site, actor=bench_worker)
    device_advance(device, State.TESTED, crew)
    badge_create(user=bench_worker, code="B-0042", pin="4821")
    token = workstation_token_create(workstation=crew.stations[WK.TEST])[1]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    queued = run_agent(
        down, token, "--badge", "B-0042", "--install", "linuxmint-22",
        "--asset-tag", device.asset_tag, "--first-boot", "passed",
        "--installed-at", "2026-11-30T09:15:00+00:00", "--fallback-dir", str(tmp_path),
    )  # fmt: skip
    assert queued.returncode == 4, queued.stdout + queued.stderr
    [path] = tmp_path.glob("install-*.json")
    assert not SystemInstallation.objects.exists()
    for _attempt in range(2):
        sent = run_agent(live_server.url, token, "--upload", str(path))
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert f"recorded as installed on {device.asset_tag}" in sent.stdout
    installation = SystemInstallation.objects.get()
    assert installation.installed_at.isoformat() == "2026-11-30T09:15:00+00:00"
    assert installation.operator == bench_worker and installation.first_boot_passed
    assert device.events.filter(code="system_installed").count() == 1
