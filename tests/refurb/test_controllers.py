"""Controllers and volumes on real smartctl reports (../shared/samples/hw2/).

Disks behind a MegaRAID all report /dev/sda; a RAID volume (PERC, BOSS VD, RST "Volume1") is
not a physical disk and is never an erasure target; SAS identity sits in scsi_vendor/product.
"""

import json

import pytest
from django.utils import translation

from refurb import services
from refurb.ingest import snapshot_ingest
from refurb.models import Erasure
from refurb.snapshots import parse_snapshot
from refurb.snapshots.smartctl import is_raid_volume, parse_smartctl
from tests.refurb.parsers.samples import sample_json
from tests.refurb.snapshot_payloads import agent_payload
from workshop.exceptions import DomainError

SAT_860 = "smartctl_megaraid_sat_samsung_860evo_devname_sda.json"
SAS_ST3400 = "smartctl_megaraid_sas_seagate_st3400755ss_failing_but_passed.json"
PERC = "smartctl_raid_volume_dell_perc_h740p_mini_scsi.json"
BOSS = "smartctl_raid_volume_dell_boss_vd_sat_no_smart.json"

REPORTS = [
    (SAT_860, {"device_name": "/dev/sda", "controller": "megaraid", "port": "megaraid,0",
               "model": "Samsung SSD 860 EVO 1TB", "serial": "S4FMNF0N105486X", "kind": "SSD",
               "raid_volume": False, "failing": False, "reported_uncorrect": 0}),
    (SAS_ST3400, {"device_name": "/dev/sda", "controller": "megaraid", "port": "megaraid,0",
                  "model": "SEAGATE ST3400755SS", "serial": "3RJ1L1RY", "kind": "HDD",
                  "reallocated_sectors": 9, "smart_passed": True, "failing": True,
                  "raid_volume": False}),
    (PERC, {"device_name": "/dev/sda", "controller": None, "model": "DELL PERC H740P Mini",
            "serial": "0098f53cb2b061dd2c00f4f469f0a7ce", "raid_volume": True}),
    (BOSS, {"device_name": "/dev/sdb", "model": "DELLBOSS VD", "serial": "dd8b62ae0b480010",
            "raid_volume": True, "smart_passed": None}),
    ("smartctl_sas_toshiba_mg08_vendor_field_padded_7.5.json",
     {"model": "MG08ACP16TE SM", "kind": "HDD", "capacity_bytes": 16000900661248,
      "raid_volume": False}),
    ("smartctl_scsi_hp_mas3735nc_vendor_hp_73.4g_7.4.json",
     {"model": "HP MAS3735NC", "kind": "HDD", "rotation_rate": 15000, "reallocated_sectors": 0}),
    ("smartctl_hdd_hp_mb0500ebncr_reported_uncorrect_89k_hours.json",
     {"model": "MB0500EBNCR", "reported_uncorrect": 1, "smart_passed": True, "failing": True,
      "failing_reasons": ("reported_uncorrect",), "power_on_hours": 89214}),
]  # fmt: skip


@pytest.mark.parametrize("name, expected", REPORTS, ids=[r[0] for r in REPORTS])
def test_each_controller_report_reads_as_its_sources_say(name, expected):
    report = parse_smartctl(sample_json("hw2", name))
    assert {k: getattr(report, k) for k in expected} == expected


def test_an_intel_rst_volume_is_a_raid_volume():
    assert is_raid_volume("Volume1", None, {}) and is_raid_volume(None, "Volume1", {})
    assert not is_raid_volume("Samsung SSD 860 EVO 1TB", "S4FMNF0N105486X", {})


def _payload(*smartctl):
    payload = agent_payload()
    payload["reports"]["smartctl"] = [sample_json("hw2", n) for n in smartctl]
    return payload


def test_two_disks_behind_one_megaraid_stay_two_drives_with_their_own_health():
    parsed = parse_snapshot(_payload(SAT_860, SAS_ST3400))
    drives = {d.serial: d for d in parsed.drives}
    assert set(drives) == {"S4FMNF0N105486X", "3RJ1L1RY"}
    assert (drives["3RJ1L1RY"].reallocated, drives["3RJ1L1RY"].failing) == (9, True)
    assert (drives["S4FMNF0N105486X"].reallocated, drives["S4FMNF0N105486X"].failing) == (0, False)
    assert {d.port for d in parsed.drives} == {"megaraid,0"}


def test_the_perc_autodetect_error_tells_to_use_megaraid_n():
    parsed = parse_snapshot(
        _payload("smartctl_raid_error_dell_perc_autodetect_try_megaraid_N.json")
    )
    assert parsed.drives == ()
    assert any("-d megaraid,N" in w for w in parsed.warnings)


@pytest.mark.django_db
def test_a_raid_volume_is_recorded_flagged_and_refused_as_an_erasure_target(site, bench_worker):
    payload = _payload(PERC, SAS_ST3400)
    payload["reports"]["erasures"] = [
        {"tool": "hdparm", "action": "security-erase-enhanced", "exit_code": 0, "verified": True,
         "serial": "0098f53cb2b061dd2c00f4f469f0a7ce", "finished": "2026-11-22T10:20:00+01:00"}
    ]  # fmt: skip
    snapshot = snapshot_ingest(
        payload=payload, raw=json.dumps(payload).encode(), actor=bench_worker, site=site,
        workstation=None,
    )  # fmt: skip
    volume = snapshot.device.drives.get(serial_number__iexact="0098f53cb2b061dd2c00f4f469f0a7ce")
    assert volume.smart["raid_volume"] is True
    assert Erasure.objects.count() == 0
    assert any("RAID" in w and volume.tag in w for w in snapshot.outcome.warnings)
    disk = snapshot.device.drives.get(serial_number="3RJ1L1RY")
    assert (disk.smart["port"], disk.smart["controller"], disk.reallocated) == (
        "megaraid,0", "megaraid", 9
    )  # fmt: skip
    with translation.override("fr"), pytest.raises(DomainError) as error:
        services.drive_record_erasure(
            drive=volume, method="purge", tool="hdparm", standard="security-erase-enhanced",
            result="success", verified=True, actor=bench_worker,
        )  # fmt: skip
    assert error.value.code == "raid_volume"
    assert (
        "effacez les disques physiques derrière le contrôleur" in str(error.value.message).lower()
    )
