import pytest

from refurb.snapshots.dmidecode import parse_dmidecode

from .samples import hw_text

SYSTEMS = [
    # file, manufacturer, model, serial, uuid, chassis type, category
    ("dmidecode_dell_latitude_e7240.txt", "Dell Inc.", "Latitude E7240", "5CQ6VY1",
     "4c4c4544-0043-5110-8036-b5c04f565931", "Laptop", "laptop"),
    ("dmidecode_dell_poweredge_m630.txt", "Dell Inc.", "PowerEdge M630", "4242",
     "4C4C4544-0036-3210-805A-B7C04F4D3632", "Multi-system", "server"),
    ("dmidecode_hp_proliant_dl380p_gen8.txt", "HP", "ProLiant DL380p Gen8", "4242",
     "35353636-3335-5A43-3232-343630335138", "Rack Mount Chassis", "server"),
    ("dmidecode_lenovo_thinkcentre_e73.txt", "LENOVO", "ThinkCentre M73", "MJ00YQXU",
     "2e251460-e7c5-11e3-95d2-dac9f9821b00", "Desktop", "desktop"),
    ("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt", "LENOVO", "ThinkPad X1 Carbon 5th",
     "PF0QMY5N", "305f33cc-33ca-11b2-a85c-aad0993c0c99", "Notebook", "laptop"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "vendor", "model", "serial", "uuid", "chassis", "category"), SYSTEMS
)
def test_system_information_matches_the_sample(
    name, vendor, model, serial, uuid, chassis, category
):
    report = parse_dmidecode(hw_text(name))
    assert report.has_smbios is True
    assert (report.manufacturer, report.model, report.serial, report.uuid) == (
        vendor,
        model,
        serial,
        uuid,
    )
    assert (report.chassis_type, report.category_hint) == (chassis, category)


def test_lenovo_keeps_the_machine_type_as_product_name_and_uses_version_as_model():
    report = parse_dmidecode(hw_text("dmidecode_lenovo_thinkcentre_e73.txt"))
    assert (report.product_name, report.model) == ("10B4A04DAC", "ThinkCentre M73")


@pytest.mark.parametrize(
    ("name", "vendor", "version", "date"),
    [
        ("dmidecode_dell_latitude_e7240.txt", "Dell Inc.", "A29", "06/13/2019"),
        ("dmidecode_dell_poweredge_m630.txt", "Dell Inc.", "1.2.5", "05/04/2015"),
        ("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt", "LENOVO", "N1MET31W (1.16 )",
         "03/10/2017"),
    ],
)  # fmt: skip
def test_bios_information_is_read(name, vendor, version, date):
    report = parse_dmidecode(hw_text(name))
    assert (report.bios_vendor, report.bios_version, report.bios_date) == (vendor, version, date)


def test_memory_devices_give_size_type_and_speed_per_slot():
    report = parse_dmidecode(hw_text("dmidecode_dell_latitude_e7240.txt"))
    slots = [
        (m.locator, m.size_bytes, m.type, m.speed_mts, m.serial) for m in report.memory_devices
    ]
    assert slots == [
        ("DIMM A", 8 * 1024**3, "DDR3", 1600, "CAECB3ED"),
        ("DIMM B", 8 * 1024**3, "DDR3", 1600, "FCA4B7C8"),
    ]
    assert report.ram_bytes == 16 * 1024**3


def test_an_empty_slot_has_no_size_and_does_not_count_in_ram():
    report = parse_dmidecode(hw_text("dmidecode_lenovo_thinkcentre_e73.txt"))
    assert [m.size_bytes for m in report.memory_devices] == [None, 4 * 1024**3]
    assert report.ram_bytes == 4 * 1024**3


def test_sizes_in_mb_are_converted_and_the_server_sums_its_installed_modules():
    report = parse_dmidecode(hw_text("dmidecode_dell_poweredge_m630.txt"))
    assert len(report.memory_devices) == 24
    assert report.memory_devices[0].size_bytes == 8192 * 1024**2
    assert report.ram_bytes == 64 * 1024**3


def test_out_of_spec_memory_type_is_treated_as_unknown():
    report = parse_dmidecode(hw_text("dmidecode_dell_poweredge_m630.txt"))
    assert report.memory_devices[0].type is None


def test_lpddr3_soldered_memory_is_counted():
    report = parse_dmidecode(hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"))
    assert [m.type for m in report.memory_devices] == ["LPDDR3", "LPDDR3"]
    assert report.ram_bytes == 16 * 1024**3


def test_processors_give_version_and_core_counts_for_both_sockets():
    report = parse_dmidecode(hw_text("dmidecode_hp_proliant_dl380p_gen8.txt"))
    assert [(p.socket, p.version, p.core_count, p.thread_count) for p in report.processors] == [
        ("Proc 1", "Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz", 6, 12),
        ("Proc 2", "Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz", 6, 12),
    ]


def test_portable_battery_record_is_read():
    report = parse_dmidecode(hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"))
    battery = report.batteries[0]
    assert (battery.manufacturer, battery.name, battery.design_capacity_mwh) == (
        "LGC",
        "01AV429",
        57000,
    )
    assert (battery.serial, battery.chemistry) == ("0431", "LiP")


def test_versions_are_read_from_the_header_even_without_the_structures_line():
    report = parse_dmidecode(hw_text("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"))
    assert (report.dmidecode_version, report.smbios_version) == ("3.2", "3.0.0")


def test_a_container_without_smbios_gives_an_empty_report_not_an_error():
    report = parse_dmidecode(hw_text("local_dmidecode_container_no_smbios.txt"))
    assert report.has_smbios is False
    assert (report.manufacturer, report.serial, report.ram_bytes) == (None, None, None)
    assert report.dmidecode_version == "3.4"
