"""POST /api/snapshots/ with the real reports of ../shared/samples/: devices, drives, specs."""

import json

import pytest

from refurb.models import Device, DeviceEvent, Drive, Erasure, Snapshot
from refurb.selectors import device_failing_drives
from tests import factories
from tests.refurb.snapshot_payloads import (
    THINKPAD,
    agent_payload,
    ereuse_json,
    hw_path,
    retarget_nwipe,
)

pytestmark = pytest.mark.django_db

GB = 10**9

# (payload files, make, model, serial, category, specs subset, [(drive serial, kind, bytes)])
AGENT_MACHINES = [
    (
        THINKPAD,
        "LENOVO", "ThinkPad X1 Carbon 5th", "PF0QMY5N", "laptop",
        {"cpu_model": "Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz", "cpu_cores": 2,
         "cpu_threads": 4, "cpu_generation": 7, "ram_gb": 16, "storage_gb": 1024,
         "storage_kind": "nvme", "gpus": ["Intel Corporation HD Graphics 620"],
         "battery_health_pct": 82.3},
        [("S35ANX0J401001", "nvme", 1024209543168)],
    ),
    (
        {"lshw": "lshw_dell_latitude_e7240.json", "dmidecode": "dmidecode_dell_latitude_e7240.txt"},
        "Dell Inc.", "Latitude E7240", "5CQ6VY1", "laptop",
        {"cpu_generation": 4, "ram_gb": 16, "storage_gb": 756, "storage_kind": "ssd"},
        [("TW0XXM305508539G1361", "ssd", 256060514304), ("S33HNX0J203755R", "ssd", 500107862016)],
    ),
    (
        {"lshw": "lshw_hp_compaq_dc7900_sff_multidisk.json"},
        "Hewlett-Packard", "HP Compaq dc7900 Small Form Factor", "CZC901381R", "desktop",
        {"cpu_model": "Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz", "ram_gb": 2,
         "storage_gb": 980, "storage_kind": "hdd"},
        [("6RX7AWEZ", "hdd", 160041885696), ("WD-WCARW0244414", "hdd", 320072933376),
         ("WD-WCC2ETY84203", "hdd", 500107862016)],
    ),
    (
        {"lshw": "lshw_dell_latitude_e6440.json",
         "battery": ("battery_sysfs_uevent_dell_latitude_e5530.txt",)},
        "Dell Inc.", "Latitude E6440", "FJBQVZ1", "laptop",
        {"cpu_model": "Intel(R) Core(TM) i7-4600M CPU @ 2.90GHz", "ram_gb": 8,
         "battery_health_pct": 35.7},
        [("164014297BCC", "ssd", 525112713216)],
    ),
    (
        {"lshw": "lshw_hp_probook_430_g4.json"},
        "HP", "HP ProBook 430 G4", "5CD7314HDY", "laptop",
        {"cpu_generation": 7, "ram_gb": 8, "storage_gb": 256, "battery_design_wh": 48},
        [("S2ZPNB0J121952", "ssd", 256060514304)],
    ),
    (
        {"lshw": "lshw_asus_eee_1001pxd.json",
         "battery": ("battery_sysfs_uevent_asus_eee_1001pxd.txt",)},
        "ASUSTeK Computer INC.", "1001PXD", "B8OAAS048286", "laptop",
        {"cpu_model": "Intel(R) Atom(TM) CPU N455 @ 1.66GHz", "ram_gb": 1,
         "battery_health_pct": 86.4},
        [("E2024242CV86HJ", "hdd", 250059350016)],
    ),
    (
        {"lshw": "lshw_hp_pavilion_dv4000.json"},
        "Hewlett-Packard", "Pavilion dv4000 (EF188EA#ABE)", "2CE5270ZWC", "laptop",
        {"storage_gb": 80, "storage_kind": "hdd"},
        [("NN4FT561BDC2", "hdd", 80026361856)],
    ),
    (
        {"lshw": "lshw_dell_optiplex_gx520.json"},
        "Dell Inc.", "OptiPlex GX520", "6G0772J", "desktop",
        {"cpu_model": "Intel(R) Pentium(R) 4 CPU 3.00GHz", "ram_gb": 1},
        [("5LR30DTZ", "hdd", 80000000000)],
    ),
    (
        {"dmidecode": "dmidecode_dell_poweredge_m630.txt"},
        "Dell Inc.", "PowerEdge M630", "4242", "server",
        {"cpu_cores": 14, "cpu_threads": 28, "ram_gb": 64},
        [],
    ),
    (
        {"dmidecode": "dmidecode_hp_proliant_dl380p_gen8.txt"},
        "HP", "ProLiant DL380p Gen8", "4242", "server",
        {"cpu_model": "Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz", "ram_gb": 64},
        [],
    ),
    (
        {"dmidecode": "dmidecode_lenovo_thinkcentre_e73.txt"},
        "LENOVO", "ThinkCentre M73", "MJ00YQXU", "desktop",
        {"cpu_model": "Intel(R) Core(TM) i3-4130 CPU @ 3.40GHz", "cpu_generation": 4,
         "ram_gb": 4},
        [],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    "files, make, model, serial, category, specs, drives",
    AGENT_MACHINES,
    ids=[row[2] for row in AGENT_MACHINES],
)
def test_an_agent_snapshot_registers_the_device_with_its_drives_and_specs(
    post, files, make, model, serial, category, specs, drives
):
    response = post(agent_payload(**files))
    assert response.status_code == 201, response.content
    device = Device.objects.get(asset_tag=response.json()["device_tag"])
    assert (device.make, device.model, device.serial_number) == (make, model, serial)
    assert device.category.code == category
    assert device.state == "received"
    assert {key: device.specs.get(key) for key in specs} == specs
    got = [(d.serial_number, d.kind, d.capacity_bytes) for d in device.drives.order_by("id")]
    assert got == drives


# (smartctl file, serial, model, kind, bytes, hours, reallocated, pending, media, passed, failing)
SMARTCTL = [
    ("smartctl_failing_wdc_wd3200bevt.json", "WD-WXE708D44602", "WDC WD3200BEVT-60ZCT0",
     "hdd", 320072933376, 16402, 535, 1, None, False, True),
    ("smartctl_hdd_samsung_hd204ui_exit96.json", "S2H7J9FB203635", "SAMSUNG HD204UI",
     "hdd", 2000398934016, 3830, 0, 0, None, True, False),
    ("smartctl_hdd_wdc_wd140edfz_14tb.json", "9RK1XXXX", "WDC WD140EDFZ-11A0VA0",
     "hdd", 14000519643136, 1730, 0, 0, None, True, False),
    ("smartctl_hdd_wdc_wd2500bevs_exit4.json", "WD-WXEX07421253", "WDC WD2500BEVS-22UST0",
     "hdd", 250059350016, 4374, 0, 0, None, True, False),
    ("smartctl_nvme_intel_ssdpeknw010t8.json", "BTNH93710FS91P0B", "INTEL SSDPEKNW010T8",
     "nvme", 1024209543168, 2401, None, None, 0, True, False),
    ("smartctl_nvme_samsung_970evo_500gb_media_errors.json", "S466NX0M776250H",
     "Samsung SSD 970 EVO 500GB", "nvme", 500107862016, 12798, None, None, 7, True, True),
    ("smartctl_nvme_toshiba_kxg6aznv512g.json", "Y9SF71LHFWZL", "KXG6AZNV512G TOSHIBA",
     "nvme", 512110190592, 1767, None, None, 0, True, False),
    ("smartctl_sas_seagate_st1200mm0088_fmt0.1.json", "Z4028VRY0000C810BZXB",
     "SEAGATE ST1200MM0088", "hdd", 1200243695616, 5675, 0, None, None, True, False),
    ("smartctl_sata_ssd_ocz_vertex2.json", "OCZ-7ZV7J142X5Z2VPBY", "OCZ-VERTEX2",
     "ssd", 60022480896, 1335, 0, None, None, True, False),
    ("smartctl_sata_ssd_samsung_840_crc_errors.json", "S14LNEACC02756X",
     "Samsung SSD 840 Series", "ssd", 500107862016, 19497, 0, None, None, True, False),
    ("smartctl_sata_ssd_samsung_860evo_500gb.json", "S3YZNB0KB00864E",
     "Samsung SSD 860 EVO 500GB", "ssd", 500107862016, 14551, 0, None, None, True, False),
    ("smartctl_sata_ssd_sandisk_pssd_16gb.json", "06c9f4c44", "SanDisk pSSD",
     "ssd", 15693664256, 11, 0, None, None, True, False),
]  # fmt: skip


@pytest.mark.parametrize("row", SMARTCTL, ids=[row[0] for row in SMARTCTL])
def test_each_smartctl_report_becomes_a_drive_with_its_health(post, laptop, row):
    name, serial, model, kind, size, hours, realloc, pending, media, passed, failing = row
    response = post(agent_payload(smartctl=(name,), asset_tag=laptop.asset_tag))
    assert response.status_code == 201, response.content
    drive = laptop.drives.get()
    assert (drive.serial_number, drive.model, drive.kind, drive.capacity_bytes) == (
        serial, model, kind, size
    )  # fmt: skip
    assert (drive.power_on_hours, drive.reallocated, drive.pending, drive.media_errors) == (
        hours, realloc, pending, media
    )  # fmt: skip
    assert (drive.smart_passed, drive.failing) == (passed, failing)


def test_a_failing_drive_is_flagged_for_the_test_bench(post, laptop):
    response = post(
        agent_payload(
            smartctl=(
                "smartctl_failing_wdc_wd3200bevt.json",
                "smartctl_hdd_wdc_wd140edfz_14tb.json",
            ),
            asset_tag=laptop.asset_tag,
        )
    )
    failing = device_failing_drives(laptop)
    assert [d.serial_number for d in failing] == ["WD-WXE708D44602"]
    assert response.json()["failing_drives"] == [failing[0].tag]


# (file, format, serial, specs subset, drives)
EREUSE = [
    ("hp_probook_450.json", "workbench-11", "CND4286ZJ2",
     {"cpu_generation": 4, "ram_gb": 8, "screen_inches": 15.5, "storage_gb": 500,
      "storage_kind": "hdd", "battery_design_wh": 40.1},
     [("S3P9A80F", "hdd", 500107862016, "erased")]),
    ("snapshot-workbench11.json", "workbench-11", "CNU406CLGR",
     {"cpu_model": "Intel Core I5-4200m Cpu @ 2.50ghz", "cpu_generation": 4, "ram_gb": 4,
      "screen_inches": 15.5, "storage_gb": 120, "storage_kind": "ssd"},
     [("LDS645R002202", "ssd", 120034123776, "pending")]),
    ("snapshot_workbench-script.json", "workbench-script-0.0.1", "5CQ6VY1",
     {"cpu_model": "Intel(R) Core(TM) i7-4600U CPU @ 2.10GHz", "ram_gb": 16,
      "storage_gb": 756},
     [("TW0XXM305508539G1361", "ssd", 256060514304, "pending"),
      ("S33HNX0J203755R", "ssd", 500107862016, "pending")]),
    ("snapshot_workbench-script_legacy.json", "workbench-script-legacy", "5CQ6VY1",
     {"cpu_threads": 4, "ram_gb": 16,
      "gpus": ["Intel Corporation Haswell-ULT Integrated Graphics Controller"]},
     [("TW0XXM305508539G1361", "ssd", 256060514304, "pending"),
      ("S33HNX0J203755R", "ssd", 500107862016, "pending")]),
]  # fmt: skip


@pytest.mark.parametrize("name, fmt, serial, specs, drives", EREUSE, ids=[r[0] for r in EREUSE])
def test_an_ereuse_workbench_report_registers_the_device(post, name, fmt, serial, specs, drives):
    response = post(ereuse_json(name))
    assert response.status_code == 201, response.content
    assert response.json()["format"] == fmt
    device = Device.objects.get(asset_tag=response.json()["device_tag"])
    assert device.serial_number == serial
    assert {key: device.specs.get(key) for key in specs} == specs
    got = [(d.serial_number, d.kind, d.capacity_bytes, d.status) for d in device.drives.all()]
    assert got == drives


def test_an_ereuse_erasure_is_recorded_as_verified_nist_clear(post):
    response = post(ereuse_json("hp_probook_450.json"))
    erasure = Erasure.objects.get()
    assert (erasure.method, erasure.tool, erasure.passes, erasure.verified, erasure.result) == (
        "clear", "workbench", 2, True, "success"
    )  # fmt: skip
    assert erasure.drive.status == Drive.Status.ERASED
    assert response.json()["to_destroy"] == []


def test_the_raw_report_is_stored_unchanged_with_its_sha256(post):
    import hashlib

    raw = json.dumps(ereuse_json("snapshot-workbench11.json"), indent=1).encode()
    post(raw)
    snapshot = Snapshot.objects.get()
    assert bytes(snapshot.raw) == raw
    assert snapshot.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert snapshot.payload == json.loads(raw)
    assert snapshot.device.serial_number == "CNU406CLGR"


def test_a_snapshot_appends_one_snapshot_event(post, laptop):
    post(agent_payload(**THINKPAD, asset_tag=laptop.asset_tag))
    codes = list(laptop.events.values_list("code", flat=True))
    assert codes == ["registered", "drive_added", "snapshot"]
    assert DeviceEvent.objects.get(code="snapshot").payload["format"] == "atelier-agent"


def test_a_second_snapshot_updates_the_drive_instead_of_adding_one(post, laptop):
    post(agent_payload(**THINKPAD, asset_tag=laptop.asset_tag))
    post(agent_payload(**THINKPAD))  # found again by its serial number
    assert laptop.drives.count() == 1
    assert Snapshot.objects.filter(device=laptop).count() == 2


def test_the_snapshot_fills_a_device_registered_by_hand(post, laptop):
    post(agent_payload(**THINKPAD, asset_tag=laptop.asset_tag))
    laptop.refresh_from_db()
    assert (laptop.make, laptop.model, laptop.serial_number) == (
        "Dell",
        "Latitude E7240",
        "PF0QMY5N",
    )
    assert laptop.specs["cpu_generation"] == 7


def test_a_device_found_by_serial_gets_the_snapshot(post, site):
    device = factories.make_device(site=site, serial_number="PF0QMY5N")
    response = post(agent_payload(**THINKPAD))
    assert response.json()["device_tag"] == device.asset_tag
    assert response.json()["registered"] is False


def test_an_nwipe_log_with_a_verified_pass_marks_the_drive_erased(post, laptop):
    payload = agent_payload(
        **THINKPAD, nwipe="local_nwipe042_success_dodshort_verified.log", asset_tag=laptop.asset_tag
    )
    # The sample log wiped /dev/loop0: point it at the ThinkPad's NVMe drive.
    payload["reports"]["nwipe_log"] = retarget_nwipe(payload["reports"]["nwipe_log"])
    response = post(payload)
    drive = laptop.drives.get()
    erasure = drive.erasures.get()
    assert (erasure.tool, erasure.method, erasure.standard, erasure.passes) == (
        "nwipe", "clear", "DoD Short", 3
    )  # fmt: skip
    assert (erasure.verified, erasure.result, drive.status) == (True, "success", "erased")
    assert response.json()["to_destroy"] == []


@pytest.mark.parametrize(
    "log, result",
    [
        ("local_nwipe_failed_io_error.log", "failed"),
        ("local_nwipe042_aborted_user_sigint.log", "aborted"),
    ],
)
def test_a_failed_or_aborted_nwipe_run_asks_to_destroy_the_drive(post, laptop, log, result):
    payload = agent_payload(**THINKPAD, nwipe=log, asset_tag=laptop.asset_tag)
    payload["reports"]["nwipe_log"] = retarget_nwipe(payload["reports"]["nwipe_log"])
    response = post(payload)
    drive = laptop.drives.get()
    assert drive.erasures.get().result == result
    assert drive.status == Drive.Status.FAILED
    assert response.json()["to_destroy"] == [drive.tag]
    laptop.refresh_from_db()
    assert laptop.state == "received"


# (record, erasure method, verified, result, drive status)
RECORDS = [
    ({"tool": "hdparm", "action": "security-erase-enhanced", "exit_code": 0, "verified": True},
     "purge", True, "success", "erased"),
    ({"tool": "nvme-sanitize", "action": "crypto", "exit_code": 0, "verified": True},
     "purge", True, "success", "erased"),
    ({"tool": "nvme-format", "action": "ses=1", "exit_code": 0, "verified": False},
     "purge", False, "success", "failed"),
    ({"tool": "blkdiscard", "exit_code": 0, "verified": True},
     "clear", True, "success", "erased"),
    ({"tool": "hdparm", "action": "security-erase", "exit_code": 5, "verified": False},
     "clear", False, "failed", "failed"),
]  # fmt: skip


@pytest.mark.parametrize("record, method, verified, result, status", RECORDS)
def test_structured_erasure_records_map_to_nist_and_drive_status(
    post, laptop, record, method, verified, result, status
):
    record = {**record, "serial": "S35ANX0J401001", "finished": "2026-11-22T10:20:00+01:00"}
    post(agent_payload(**THINKPAD, erasures=[record], asset_tag=laptop.asset_tag))
    erasure = Erasure.objects.get()
    assert (erasure.method, erasure.verified, erasure.result) == (method, verified, result)
    assert erasure.drive.status == status


def test_sending_the_same_report_twice_records_its_erasure_once(post, laptop):
    record = {"tool": "hdparm", "action": "security-erase-enhanced", "exit_code": 0,
              "verified": True, "serial": "S35ANX0J401001",
              "finished": "2026-11-22T10:20:00+01:00"}  # fmt: skip
    payload = agent_payload(**THINKPAD, erasures=[record], asset_tag=laptop.asset_tag)
    post(payload)
    post(payload)
    assert Erasure.objects.count() == 1


def test_a_virtual_machine_without_serial_is_registered_with_a_warning(post):
    response = post(agent_payload(lshw="lshw_virtualbox_vm.json"))
    device = Device.objects.get(asset_tag=response.json()["device_tag"])
    assert device.serial_number == ""
    assert device.specs["ram_gb"] == 0.5 and device.specs["cpu_generation"] == 2
    assert [d.serial_number for d in device.drives.all()] == ["VBd9783eb3-8ef7f22a"]
    assert "no usable system serial number" in " ".join(response.json()["warnings"])


def test_a_drive_without_serial_is_recorded_and_flagged_for_a_check(post):
    response = post(
        agent_payload(
            lshw="local_lshw_container.json",
            dmidecode="local_dmidecode_container_no_smbios.txt",
            smartctl=("local_smartctl_virtio_vda_unknown_type.json",),
        )
    )
    assert response.status_code == 201
    drive = Drive.objects.get()
    assert (drive.serial_number, drive.kind) == ("", "other")
    assert any(drive.tag in warning for warning in response.json()["warnings"])


def test_a_upower_battery_report_gives_health_and_capacities(post, laptop):
    payload = agent_payload(**{**THINKPAD, "battery": ()}, asset_tag=laptop.asset_tag)
    payload["reports"]["upower"] = hw_path("upower_i_dell_battery_samsung_sdi.txt").read_text()
    post(payload)
    laptop.refresh_from_db()
    assert (laptop.specs["battery_health_pct"], laptop.specs["battery_design_wh"]) == (68.5, 48.8)
    assert laptop.specs["battery_full_wh"] == 33.4


def test_a_broken_lshw_output_is_a_warning_and_the_rest_is_used(post):
    payload = agent_payload(**THINKPAD)
    payload["reports"]["lshw"] = hw_path("lshw_qemu_vm_malformed_list.json").read_text()
    response = post(payload)
    assert response.status_code == 201
    assert any(w.startswith("lshw: ") for w in response.json()["warnings"])
    device = Device.objects.get(asset_tag=response.json()["device_tag"])
    assert device.serial_number == "PF0QMY5N"  # from dmidecode
    assert device.drives.get().serial_number == "S35ANX0J401001"  # from smartctl


def test_a_workstation_token_registers_the_device_at_its_site_without_a_user(station):
    from django.test import Client

    from workshop.services import workstation_token_create

    workstation = station("erasure")
    _token, key = workstation_token_create(workstation=workstation)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/snapshots/",
        data=json.dumps(agent_payload(**THINKPAD)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    snapshot = Snapshot.objects.get()
    assert (snapshot.workstation, snapshot.actor) == (workstation, None)
    assert snapshot.device.site == workstation.site
    assert snapshot.device.events.get(code="snapshot").workstation == workstation
