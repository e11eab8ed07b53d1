import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.snapshots.errors import ReportError
from refurb.snapshots.lshw import parse_lshw

from .samples import hw_json, hw_text

IDENTITY = [
    # file, manufacturer, model, serial, chassis, category
    ("lshw_asus_eee_1001pxd.json", "ASUSTeK Computer INC.", "1001PXD", "B8OAAS048286",
     "notebook", "laptop"),
    ("lshw_dell_latitude_e6440.json", "Dell Inc.", "Latitude E6440", "FJBQVZ1", "laptop",
     "laptop"),
    ("lshw_dell_latitude_e7240.json", "Dell Inc.", "Latitude E7240", "5CQ6VY1", "laptop",
     "laptop"),
    ("lshw_dell_optiplex_gx520.json", "Dell Inc.", "OptiPlex GX520", "6G0772J", "desktop",
     "desktop"),
    ("lshw_hp_compaq_dc7900_sff_multidisk.json", "Hewlett-Packard",
     "HP Compaq dc7900 Small Form Factor", "CZC901381R", "low-profile", "desktop"),
    ("lshw_hp_pavilion_dv4000.json", "Hewlett-Packard", "Pavilion dv4000 (EF188EA#ABE)",
     "2CE5270ZWC", "notebook", "laptop"),
    ("lshw_hp_probook_430_g4.json", "HP", "HP ProBook 430 G4", "5CD7314HDY", "notebook",
     "laptop"),
    ("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json", "LENOVO",
     "ThinkPad X1 Carbon 5th", "PF0QMY5N", "notebook", "laptop"),
    ("lshw_virtualbox_vm.json", "innotek GmbH", "VirtualBox", None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "vendor", "model", "serial", "chassis", "category"), IDENTITY)
def test_system_identity_is_read_from_the_top_node(name, vendor, model, serial, chassis, category):
    report = parse_lshw(hw_text(name))
    assert (report.manufacturer, report.model, report.serial) == (vendor, model, serial)
    assert (report.chassis, report.category_hint) == (chassis, category)


CPU_RAM = [
    ("lshw_asus_eee_1001pxd.json", "Intel(R) Atom(TM) CPU N455 @ 1.66GHz", 1, 2, 1073741824),
    ("lshw_dell_latitude_e6440.json", "Intel(R) Core(TM) i7-4600M CPU @ 2.90GHz", 2, 4,
     8589934592),
    ("lshw_hp_compaq_dc7900_sff_multidisk.json", "Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz",
     2, 2, 2147483648),
    ("lshw_hp_pavilion_dv4000.json", "Intel(R) Pentium(R) M processor 1.60GHz", None, None,
     1073741824),
    ("lshw_hp_probook_430_g4.json", "Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz", 2, 4,
     8589934592),
    ("lshw_dell_latitude_e7240.json", "Intel(R) Core(TM) i7-4600U CPU @ 2.10GHz", 2, 4,
     17179869184),
]  # fmt: skip


@pytest.mark.parametrize(("name", "cpu", "cores", "threads", "ram"), CPU_RAM)
def test_cpu_and_ram_come_from_processor_and_memory_banks(name, cpu, cores, threads, ram):
    report = parse_lshw(hw_text(name))
    assert len(report.cpus) == 1
    assert (report.cpus[0].model, report.cpus[0].cores, report.cpus[0].threads) == (
        cpu,
        cores,
        threads,
    )
    assert report.ram_bytes == ram


def test_soldered_ram_listed_as_empty_banks_falls_back_to_the_system_memory_size():
    report = parse_lshw(hw_text("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json"))
    assert all(b.size_bytes is None for b in report.memory_banks)
    assert report.ram_bytes == 17045651456


def test_the_multidisk_hp_lists_three_sata_disks_and_the_usb_stick_flagged_as_usb():
    report = parse_lshw(hw_text("lshw_hp_compaq_dc7900_sff_multidisk.json"))
    fixed = [(d.logical_name, d.model, d.serial, d.size_bytes) for d in report.disks if not d.usb]
    assert fixed == [
        ("/dev/sda", "ST3160815AS", "6RX7AWEZ", 160041885696),
        ("/dev/sdb", "WDC WD3200AAJS-0", "WD-WCARW0244414", 320072933376),
        ("/dev/sdc", "WDC WD5000AAKX-6", "WD-WCC2ETY84203", 500107862016),
    ]
    usb = [d for d in report.disks if d.usb]
    assert [(d.logical_name, d.model) for d in usb] == [("/dev/sdd", "Flash Disk")]


def test_optical_drives_are_not_disks():
    report = parse_lshw(hw_text("lshw_dell_latitude_e6440.json"))
    assert [d.logical_name for d in report.disks] == ["/dev/sda"]


def test_an_nvme_namespace_takes_model_and_serial_from_its_controller():
    report = parse_lshw(hw_text("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json"))
    nvme = report.disks[0]
    assert (nvme.logical_name, nvme.kind) == ("/dev/nvme0n1", "NVMe")
    assert (nvme.model, nvme.serial, nvme.size_bytes) == (
        "SAMSUNG MZVLW1T0HMLH-000L7",
        "S35ANX0J401001",
        1024209543168,
    )


@pytest.mark.parametrize(
    ("name", "device", "kind"),
    [
        ("lshw_dell_latitude_e6440.json", "/dev/sda", "SSD"),  # Crucial_CT525MX3
        ("lshw_dell_optiplex_gx520.json", "/dev/sda", "HDD"),  # Seagate ST3808110AS
        ("lshw_hp_probook_430_g4.json", "/dev/sda", "SSD"),  # SAMSUNG MZNTY256
    ],
)
def test_disk_kind_is_guessed_from_the_model_name(name, device, kind):
    disks = {d.logical_name: d for d in parse_lshw(hw_text(name)).disks}
    assert disks[device].kind == kind


def test_placeholder_battery_node_is_ignored():
    # e6440: a "power" node whose every field is "To Be Filled By O.E.M."
    assert parse_lshw(hw_text("lshw_dell_latitude_e6440.json")).battery is None


def test_battery_design_capacity_is_read_in_mwh():
    battery = parse_lshw(hw_text("lshw_hp_probook_430_g4.json")).battery
    assert (battery.vendor, battery.model, battery.design_capacity_mwh) == (
        "333-54-2A",
        "RR03048XL",
        48010,
    )


def test_network_macs_are_collected_lowercase():
    report = parse_lshw(hw_text("lshw_asus_eee_1001pxd.json"))
    assert [n.mac for n in report.networks] == ["74:2f:68:8b:fd:c8", "14:da:e9:42:f6:7c"]
    assert [n.wireless for n in report.networks] == [True, False]


def test_gpu_names_come_from_vga_controllers():
    report = parse_lshw(hw_text("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json"))
    assert report.gpus == ("Intel Corporation HD Graphics 620",)


def test_the_top_level_list_form_of_lshw_class_is_accepted():
    report = parse_lshw(hw_json("local_lshw_class_disk_storage_list.json"))
    assert [d.logical_name for d in report.disks] == ["/dev/vda"]
    assert report.manufacturer is None


def test_a_machine_without_dmi_has_no_identity_but_still_has_ram_and_cpu():
    report = parse_lshw(hw_text("local_lshw_container.json"))
    assert (report.manufacturer, report.model, report.serial) == (None, None, None)
    assert report.ram_bytes == 25769803776
    assert report.cpus[0].model == "AMD EPYC"


def test_virtualbox_serial_zero_is_a_placeholder():
    assert parse_lshw(hw_text("lshw_virtualbox_vm.json")).serial is None


def test_invalid_lshw_json_raises_a_report_error_with_a_stable_code():
    with pytest.raises(ReportError) as err:
        parse_lshw(hw_text("lshw_qemu_vm_malformed_list.json"))
    assert err.value.code == "lshw_invalid_json"


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["class", "id", "children", "product", "serial", "size", "logicalname",
             "configuration", "vendor", "description", "capabilities", "businfo", "units"]
        )
        | st.text(max_size=5),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


@given(json_like)
def test_parse_lshw_never_raises_anything_but_report_error(data):
    try:
        parse_lshw(data)
    except ReportError:
        pass
