"""Parts as they are, on real reports (../shared/samples/hw2/, ereuse/): batteries only from
battery evidence, CPUs only from processor nodes, RAM from every memory bank, the drive kind
from the best source, Reported_Uncorrect in the verdict, cpu_generation for old and new names.
"""

import copy

import pytest

from refurb.ingest.specs import cpu_generation, specs_from_snapshot
from refurb.snapshots import parse_snapshot
from refurb.snapshots.lshw import parse_lshw
from tests.refurb.parsers.samples import sample_json, sample_text
from tests.refurb.snapshot_payloads import agent_payload

GiB = 2**30


def _lshw_snapshot(folder, name):
    payload = agent_payload()
    payload["reports"]["lshw"] = sample_json(folder, name)
    return parse_snapshot(payload)


# file, battery (manufacturer, model, design µWh, source) or None
BATTERIES = [
    ("hw2", "lshw_desktop_system_manufacturer_two_placeholder_psu_nodes.json", None),
    ("hw2", "lshw_dell_latitude_e5530_battery_plus_placeholder_psu.json",
     ("LG", "DELL HMYXT37", 62160000, "lshw")),
    ("hw", "lshw_dell_latitude_e6440.json", None),  # one placeholder power node, 130 mWh
    ("hw", "lshw_hp_probook_430_g4.json", ("333-54-2A", "RR03048XL", 48010000, "lshw")),
]  # fmt: skip


@pytest.mark.parametrize("folder, name, battery", BATTERIES, ids=[r[1] for r in BATTERIES])
def test_only_battery_evidence_makes_a_battery(folder, name, battery):
    b = _lshw_snapshot(folder, name).battery
    got = (b.manufacturer, b.model, b.design_capacity, b.source) if b else None
    assert got == battery


def test_the_toshiba_oem_define_power_node_is_not_a_battery():
    snap = parse_snapshot(
        sample_json("hw2", "ereuse_wb11_toshiba_satellite_l655_oem_define_battery_node.json")
    )
    assert snap.battery is None
    assert specs_from_snapshot(snap).get("battery_design_wh") is None


def test_a_bios_placeholder_battery_is_not_a_battery():
    """Synthetic edge case: the type 22 record a BIOS with a "-Virtual Battery 0-" prints."""
    text = sample_text("hw", "dmidecode_lenovo_thinkcentre_e73.txt") + (
        "\nHandle 0x0099, DMI type 22, 26 bytes\nPortable Battery\n"
        "\tLocation: Fake\n\tManufacturer: -Virtual Battery 0-\n\tName: -Virtual Battery 0-\n"
        "\tSerial Number: Battery 0\n\tDesign Capacity: 0 mWh\n\tSBDS Version: 1.0\n"
    )
    payload = agent_payload()
    payload["reports"]["dmidecode"] = text
    assert parse_snapshot(payload).battery is None


def test_a_dimm_outside_system_memory_counts_as_ram():
    """Workbench 11 desktop: the 4 GB DIMM sits under memory:0, "System Memory" is empty."""
    data = sample_json(
        "hw2", "ereuse_wb11_desktop_system_manufacturer_ram_outside_system_memory.json"
    )
    lshw = parse_lshw(data["debug"]["lshw"])
    assert lshw.ram_bytes == 4 * GiB
    assert [b.size_bytes for b in lshw.memory_banks if b.size_bytes] == [4 * GiB]


def test_the_bios_flash_chip_is_not_ram():
    lshw = parse_lshw(sample_json("hw", "lshw_hp_compaq_dc7900_sff_multidisk.json"))
    assert lshw.ram_bytes == 2 * GiB


@pytest.mark.parametrize(
    "folder, name, cpus",
    [
        ("hw2", "ereuse_wb11_toshiba_satellite_l655_oem_define_battery_node.json",
         [("Intel(R) Core(TM) i5 CPU M 480 @ 2.67GHz", 1)]),
        ("hw2", "ereuse_wb11_desktop_system_manufacturer_ram_outside_system_memory.json",
         [("Intel(R) Core(TM) i5-3470 CPU @ 3.20GHz", 1)]),
    ],
)  # fmt: skip
def test_cpus_come_only_from_real_processor_nodes(folder, name, cpus):
    snap = parse_snapshot(sample_json(folder, name))
    assert [(c.model, c.sockets) for c in snap.cpus] == cpus


def test_a_co_processor_node_is_not_a_cpu():
    """Synthetic variant of a real lshw: an NVIDIA "MCP79 Co-processor" processor node."""
    data = copy.deepcopy(sample_json("hw", "lshw_asus_eee_1001pxd.json"))
    core = data["children"][0]
    core["children"].append(
        {"id": "co-processor", "class": "processor", "description": "Co-processor",
         "product": "MCP79 Co-processor", "vendor": "NVIDIA Corporation"}
    )  # fmt: skip
    assert [c.model for c in parse_lshw(data).cpus] == ["Intel(R) Atom(TM) CPU N455 @ 1.66GHz"]


def test_workbench_solid_state_drive_wins_over_lshw_guess():
    """Synthetic variant of the real ProBook 450 snapshot: Workbench says SolidStateDrive."""
    data = copy.deepcopy(sample_json("ereuse", "hp_probook_450.json"))
    assert [d.kind for d in parse_snapshot(data).drives] == ["HDD"]
    for comp in data["components"]:
        if comp.get("type") == "HardDrive":
            comp["type"] = "SolidStateDrive"
    assert [d.kind for d in parse_snapshot(data).drives] == ["SSD"]


def test_smartctl_rotation_rate_wins_over_workbench():
    snap = parse_snapshot(
        sample_json("hw2", "ereuse_workbench_script_windows_hp_elitebook_2570p.json")
    )
    assert [(d.serial, d.kind) for d in snap.drives] == [
        ("50026B7783ACBD56", "SSD"), ("S1DBNSADB32286P", "SSD")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "model, generation",
    [
        ("Intel(R) Core(TM) i5 CPU M 560 @ 2.67GHz", 1),
        ("Intel(R) Core(TM) i5 CPU       M 480  @ 2.67GHz", 1),
        ("Intel(R) Core(TM) i7 CPU Q 720 @ 1.60GHz", 1),
        ("Intel(R) Core(TM) i7 CPU 920 @ 2.67GHz", 1),
        ("Intel(R) Core(TM) i5-3340M CPU @ 2.70GHz", 3),
        ("Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", 11),
        ("13th Gen Intel(R) Core(TM) i5-1335U", 13),
        ("Intel(R) Core(TM) i9-14900K", 14),
        ("AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics", 7),
        ("AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx", 3),
        ("Intel(R) Core(TM)2 CPU 6420 @ 2.13GHz", None),
        ("Intel(R) Core(TM) Ultra 7 155H", None),
    ],
)
def test_cpu_generation_reads_old_and_new_intel_and_amd_names(model, generation):
    assert cpu_generation(model) == generation


def test_the_toshiba_first_generation_core_i5_gets_its_generation():
    snap = parse_snapshot(
        sample_json("hw2", "ereuse_wb11_toshiba_satellite_l655_oem_define_battery_node.json")
    )
    assert specs_from_snapshot(snap)["cpu_generation"] == 1


def test_the_probook_450s_5009_reported_uncorrectable_errors_make_its_drive_failing():
    [drive] = parse_snapshot(sample_json("ereuse", "hp_probook_450.json")).drives
    assert (drive.serial, drive.reported_uncorrect, drive.failing) == ("S3P9A80F", 5009, True)
    assert "reported_uncorrect" in drive.failing_reasons
