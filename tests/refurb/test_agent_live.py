"""The bench agent, run as a real process, posts to the live test server end to end."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refurb.models import Device, Snapshot
from tests.refurb.parsers.samples import hw_path
from workshop.services import user_token_create

AGENT = Path(__file__).resolve().parents[2] / "agent" / "atelier_agent.py"
SCAN = {
    "json_format_version": [1, 0],
    "smartctl": {"version": [7, 3], "exit_status": 0},
    "devices": [
        {"name": "/dev/nvme0", "info_name": "/dev/nvme0", "type": "nvme", "protocol": "NVMe"},
        {"name": "/dev/sda", "info_name": "/dev/sda", "type": "sat", "protocol": "ATA"},
    ],
}


@pytest.fixture
def fake_dir(tmp_path):
    """Tool outputs of the ThinkPad X1 Carbon samples plus a failing SATA disk."""
    fake = tmp_path / "fake"
    fake.mkdir()
    for name, target in (
        ("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json", "lshw.json"),
        ("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt", "dmidecode.txt"),
        ("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json", "smartctl-nvme0.json"),
        ("smartctl_failing_wdc_wd3200bevt.json", "smartctl-sda.json"),
        ("battery_sysfs_uevent_asus_e200ha.txt", "battery-BAT0.uevent"),
    ):
        shutil.copy(hw_path(name), fake / target)
    (fake / "smartctl-scan.json").write_text(json.dumps(SCAN))
    return fake


@pytest.mark.django_db(transaction=True)
def test_the_agent_registers_the_device_with_drives_and_specs_on_a_live_server(
    live_server, site, bench_worker, fake_dir, tmp_path
):
    token = user_token_create(user=bench_worker)[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATELIER_")}
    env["ATELIER_AGENT_FAKE_DIR"] = str(fake_dir)
    result = subprocess.run(
        [sys.executable, str(AGENT), "--server", live_server.url, "--token", token,
         "--fallback-dir", str(tmp_path), "--timeout", "30", "--retries", "1"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    device = Device.objects.get(serial_number="PF0QMY5N")
    assert f"Device tag: {device.asset_tag}" in result.stdout
    assert (device.make, device.model, device.category.code) == (
        "LENOVO",
        "ThinkPad X1 Carbon 5th",
        "laptop",
    )
    assert device.specs["cpu_generation"] == 7
    assert device.specs["ram_gb"] == 16
    assert device.specs["battery_health_pct"] == 82.3
    drives = {d.serial_number: d for d in device.drives.all()}
    assert set(drives) == {"S35ANX0J401001", "WD-WXE708D44602"}
    assert drives["S35ANX0J401001"].power_on_hours == 6032
    assert drives["WD-WXE708D44602"].failing is True
    assert Snapshot.objects.get().source_format == "atelier-agent"
    assert list(tmp_path.glob("*.json")) == []
