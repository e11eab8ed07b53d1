import pytest

from refurb.snapshots.battery import parse_battery_uevent, parse_upower

from .samples import hw_text

UEVENTS = [
    # file, manufacturer, model, serial, design µAh, full µAh, health %, cycles
    ("battery_sysfs_uevent_asus_eee_1001pxd.txt", "ASUS", "1001PXD", None, 4400000, 3801000,
     86.4, None),
    ("battery_sysfs_uevent_dell_latitude_e5530.txt", "LGC-LGC2.8", "DELL HMYXT37", "19075",
     5600000, 1997000, 35.7, None),
    # model "SR Real Battery" is a placeholder (SOURCES.md): dropped
    ("battery_sysfs_uevent_asus_e200ha.txt", "Intel SR 1", None, None, 5000000,
     4117000, 82.3, 124),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "vendor", "model", "serial", "design", "full", "health", "cycles"), UEVENTS
)
def test_sysfs_battery_health_is_full_over_design_charge(
    name, vendor, model, serial, design, full, health, cycles
):
    battery = parse_battery_uevent(hw_text(name))
    assert (battery.manufacturer, battery.model, battery.serial) == (vendor, model, serial)
    assert (battery.unit, battery.design_capacity, battery.full_capacity) == ("uAh", design, full)
    assert (battery.health_percent, battery.cycle_count) == (health, cycles)
    assert battery.technology == "Li-ion"


def test_the_charge_level_is_not_mistaken_for_health():
    # 1001PXD: POWER_SUPPLY_CAPACITY=85 is the charge level; health is 3801000/4400000.
    battery = parse_battery_uevent(hw_text("battery_sysfs_uevent_asus_eee_1001pxd.txt"))
    assert battery.health_percent == 86.4


def test_energy_keys_are_used_in_uwh_when_present():
    text = "POWER_SUPPLY_ENERGY_FULL_DESIGN=50000000\nPOWER_SUPPLY_ENERGY_FULL=40000000\n"
    battery = parse_battery_uevent(text)
    assert (battery.unit, battery.health_percent) == ("uWh", 80.0)


def test_a_mains_supply_is_not_a_battery():
    assert parse_battery_uevent("POWER_SUPPLY_NAME=AC\nPOWER_SUPPLY_TYPE=Mains\n") is None


@pytest.mark.parametrize(
    ("name", "vendor", "model", "serial", "design", "full", "health"),
    [
        ("upower_i_dell_battery_samsung_sdi.txt", "Samsung SDI", "DELL 7XFJJA2", "4448",
         48840000, 33444300, 68.5),
        ("upower_i_notebook_bat_with_history.txt", "NOTEBOOK", "BAT", "0001", 62160000,
         52647300, 84.7),
    ],
)  # fmt: skip
def test_upower_battery_energies_are_converted_to_uwh(
    name, vendor, model, serial, design, full, health
):
    [battery] = parse_upower(hw_text(name))
    assert (battery.manufacturer, battery.model, battery.serial) == (vendor, model, serial)
    assert (battery.design_capacity, battery.full_capacity, battery.health_percent) == (
        design,
        full,
        health,
    )


def test_upower_on_a_desktop_without_battery_returns_nothing():
    assert parse_upower(hw_text("upower_d_desktop_no_battery.txt")) == ()
