"""Repair tickets, harvesting, parts fitted, sold and recycled: the services and their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from demo.walks import device_advance
from inventory import services as inventory_services
from inventory.models import Part, PartMovement, RecyclingShipmentLine
from inventory.services import PartSpec
from refurb import services as refurb_services
from refurb.models import ChecklistItem, Device, DeviceEvent, Drive, Repair, RepairWork
from refurb.states import State
from shop.models import PartSaleLine, Sale
from shop.services import buyer_create, sale_complete
from tests import factories
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def _fail(device, crew, code, note=""):
    item = ChecklistItem.objects.get(category=device.category, code=code)
    refurb_services.test_record_result(
        device=device,
        item=item,
        passed=False,
        note=note,
        actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )


def _in_repair(site, crew, *, category="laptop", failing="screen", specs=None, drives=1):
    device = factories.make_device(
        site=site, category_code=category, actor=crew.bench, make="Lenovo", model="T470",
        specs=specs or {},
    )  # fmt: skip
    for number in range(drives):
        refurb_services.drive_add(
            device=device,
            actor=crew.bench,
            serial_number=f"S-{device.pk}-{number}",
            capacity_bytes=256 * 10**9,
            kind="ssd",
            workstation=crew.stations[WK.ERASURE],
        )
    device_advance(device, State.WIPED, crew)
    if failing:
        _fail(device, crew, failing, "pixels morts")
    refurb_services.device_transition(
        device=device, to=State.IN_REPAIR, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )
    device.refresh_from_db()
    return device


def test_entering_repair_opens_a_ticket_with_the_failed_checks_copied_in(site, crew):
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    assert ticket.status == Repair.Status.OPEN
    assert [check["code"] for check in ticket.failed_checks] == ["screen"]
    assert ticket.failed_checks[0]["note"] == "pixels morts"
    assert ticket.workstation == crew.stations[WK.TEST]
    event = laptop.events.get(code="transition", to_state=State.IN_REPAIR)
    assert event.payload["repair"] == ticket.pk


def test_diagnosis_and_time_per_worker_are_recorded_on_the_ticket(site, crew):
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    refurb_services.repair_diagnose(
        repair=ticket, diagnosis="Dalle fêlée", actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    refurb_services.repair_work_add(
        repair=ticket, action="Démontage", minutes=20, actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    refurb_services.repair_work_add(
        repair=ticket, action="Contrôle", minutes=5, actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.diagnosis == "Dalle fêlée"
    minutes = {work.worker.username: work.minutes for work in RepairWork.objects.all()}
    assert minutes == {"salome": 20, "claire": 5}
    assert laptop.events.filter(code="repair").count() == 3


def test_bad_minutes_are_refused_with_nothing_written(site, crew):
    ticket = Repair.objects.get(device=_in_repair(site, crew))
    with pytest.raises(DomainError) as refused:
        refurb_services.repair_work_add(
            repair=ticket, action="x", minutes="beaucoup", actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        )  # fmt: skip
    assert refused.value.code == "invalid" and "minutes" in refused.value.fields
    assert not RepairWork.objects.exists()


def _harvest_desktop(site, crew):
    desktop = _in_repair(
        site,
        crew,
        category="desktop",
        failing="power_on" if _has(site, "desktop", "power_on") else None,
        specs={"ram_gb": 8, "ram_speed_mhz": 2666},
    )
    drive = desktop.drives.get()
    parts = inventory_services.device_harvest(
        device=desktop,
        parts=[
            PartSpec(category=Part.Category.MEMORY, price=Decimal("12.00")),
            PartSpec(category=Part.Category.DRIVE, drive=drive),
            PartSpec(category=Part.Category.POWER_SUPPLY, specs={"watts": 300}),
        ],
        actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )
    desktop.refresh_from_db()
    return desktop, parts


def _has(site, category, code) -> bool:
    return ChecklistItem.objects.filter(category__code=category, code=code, mandatory=True).exists()


def test_harvesting_a_desktop_makes_tagged_parts_with_their_origin_and_specs(site, crew):
    desktop, (memory, drive, psu) = _harvest_desktop(site, crew)
    assert desktop.state == State.HARVESTED
    assert [part.tag[:3] for part in (memory, drive, psu)] == ["LYP"] * 3
    assert {part.origin_id for part in (memory, drive, psu)} == {desktop.pk}
    assert memory.specs == {"size_gb": 8, "speed_mhz": 2666}
    assert drive.specs["capacity_gb"] == 256 and drive.drive.device_id == desktop.pk
    assert drive.drive.is_safe  # its erasure evidence stays with it
    assert psu.specs == {"watts": 300}
    ticket = Repair.objects.get(device=desktop)
    assert ticket.status == Repair.Status.DONE and ticket.outcome == Repair.Outcome.HARVEST
    assert desktop.events.filter(code="part_removed").count() == 3


def test_a_bench_worker_may_not_harvest(site, crew):
    laptop = _in_repair(site, crew)
    with pytest.raises(DomainError) as refused:
        inventory_services.device_harvest(
            device=laptop, parts=[PartSpec(category="screen")], actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        )  # fmt: skip
    assert refused.value.code == "role_forbidden"
    assert not Part.objects.exists()


def _donor_screen(site, crew, **spec):
    carcass = _in_repair(site, crew, failing="power_on", specs={"screen_inches": 14})
    (screen,) = inventory_services.device_harvest(
        device=carcass,
        parts=[PartSpec(category="screen", test_status="passed", **spec)],
        actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )
    return screen


def test_fitting_a_harvested_screen_changes_the_device_and_its_history(site, crew):
    screen = _donor_screen(site, crew)
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop, status="open")
    inventory_services.part_fit(
        part=screen, repair=ticket, category="screen", actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    screen.refresh_from_db()
    laptop.refresh_from_db()
    assert screen.status == Part.Status.FITTED and screen.fitted_in == laptop
    assert laptop.specs["screen_inches"] == 14
    event = laptop.events.get(code=DeviceEvent.Code.PART_FITTED)
    assert (
        event.payload["part"] == screen.tag and event.payload["origin"] == screen.origin.asset_tag
    )
    assert PartMovement.objects.filter(part=screen, kind="fitted", repair=ticket).exists()


@pytest.mark.parametrize("case", ["other_category", "already_fitted", "unsafe_drive"])
def test_bad_fits_are_refused_in_french_with_nothing_written(site, crew, case):
    screen = _donor_screen(site, crew)
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop, status="open")
    part, category, code = screen, "keyboard", "part_wrong_category"
    if case == "already_fitted":
        other = _in_repair(site, crew)
        inventory_services.part_fit(
            part=screen, repair=Repair.objects.get(device=other, status="open"),
            category="screen", actor=crew.bench, workstation=crew.stations[WK.TEST],
        )  # fmt: skip
        category, code = "screen", "part_not_in_stock"
    if case == "unsafe_drive":
        carcass = Device.objects.get(pk=screen.origin_id)
        drive = Drive.objects.create(device=carcass, tag="LYD999999X", kind="hdd")
        part = Part.objects.create(
            site=site, tag="LYP999999X", category="drive", origin=carcass, drive=drive
        )
        category, code = "drive", "part_drive_unsafe"
    events, specs = laptop.events.count(), dict(laptop.specs)
    with translation.override("fr"), pytest.raises(DomainError) as refused:
        inventory_services.part_fit(
            part=part, repair=ticket, category=category, actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        )  # fmt: skip
    assert refused.value.code == code
    assert part.tag in refused.value.message
    assert any(word in refused.value.message for word in ("pièce", "Pièce", "disque"))
    laptop.refresh_from_db()
    assert laptop.events.count() == events and laptop.specs == specs
    assert not PartMovement.objects.filter(part=part, kind="fitted", device=laptop).exists()


def test_memory_is_sold_at_the_counter_on_the_same_invoice_service(site, crew):
    _desktop, (memory, _drive, _psu) = _harvest_desktop(site, crew)
    buyer = buyer_create(kind="public", name="Client au comptoir", actor=crew.shop, site=site)
    sale = sale_complete(
        site=site, buyer=buyer, items=[memory.tag], payment_method="cash", actor=crew.shop,
        workstation=crew.stations[WK.SHOP],
    )  # fmt: skip
    memory.refresh_from_db()
    assert memory.status == Part.Status.SOLD
    line = PartSaleLine.objects.get(sale=sale)
    assert line.price == Decimal("12.00") and line.origin_tag == memory.origin.asset_tag
    assert sale.total == Decimal("12.00")
    with pytest.raises(DomainError) as again:
        sale_complete(
            site=site, buyer=buyer, items=[memory.tag], payment_method="cash",
            actor=crew.shop, workstation=crew.stations[WK.SHOP],
        )  # fmt: skip
    assert again.value.code == "part_not_in_stock"
    assert Sale.objects.count() == 1


def test_a_part_drive_without_proof_is_never_sold_nor_shipped(site, crew):
    desktop, (_memory, drive_part, _psu) = _harvest_desktop(site, crew)
    raw = Drive.objects.create(device=desktop, tag="LYD999998X", kind="hdd")
    unsafe = Part.objects.create(
        site=site, tag="LYP999998X", category="drive", origin=desktop, drive=raw,
        price=Decimal("5.00"),
    )  # fmt: skip
    buyer = buyer_create(kind="public", name="Client au comptoir", actor=crew.shop, site=site)
    with pytest.raises(DomainError) as refused:
        sale_complete(
            site=site, buyer=buyer, items=[unsafe], payment_method="cash", actor=crew.shop,
            workstation=crew.stations[WK.SHOP],
        )  # fmt: skip
    assert refused.value.code == "part_drive_unsafe"
    shipment = inventory_services.shipment_open(site=site, recycler="Ecologic")
    with pytest.raises(DomainError):
        inventory_services.shipment_add_part(shipment=shipment, part=unsafe)
    assert not RecyclingShipmentLine.objects.filter(part=unsafe).exists()
    # Destroyed, it is out of the stock for good.
    inventory_services.part_destroy(
        part=unsafe, method="shredding", witness="Claire", actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    unsafe.refresh_from_db()
    assert unsafe.status == Part.Status.DESTROYED and unsafe.drive.is_safe


def test_recycled_parts_leave_with_the_shipment(site, crew):
    _desktop, (_memory, _drive, psu) = _harvest_desktop(site, crew)
    shipment = inventory_services.shipment_open(site=site, recycler="Ecologic")
    inventory_services.shipment_add_part(shipment=shipment, part=psu, weight_kg="1.2")
    inventory_services.shipment_ship(shipment=shipment, actor=crew.manager)
    psu.refresh_from_db()
    assert psu.status == Part.Status.RECYCLED


def test_leaving_repair_for_tested_closes_the_ticket_as_repaired(site, crew):
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    refurb_services.repair_mark_repaired(
        repair=ticket, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )
    for item in factories.mandatory_items(laptop):
        refurb_services.test_record_result(
            device=laptop, item=item, passed=True, actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        )  # fmt: skip
    refurb_services.device_transition(
        device=laptop, to=State.TESTED, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )
    ticket.refresh_from_db()
    assert ticket.status == Repair.Status.DONE and ticket.outcome == Repair.Outcome.REPAIRED


def test_giving_up_a_repair_keeps_no_barrier_when_the_move_is_refused(site, crew):
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    with pytest.raises(DomainError) as refused:
        refurb_services.repair_recycle(
            repair=ticket, barrier="worn_out", actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        )  # fmt: skip
    assert refused.value.code == "role_forbidden"  # recycling is the coach's decision
    ticket.refresh_from_db()
    assert ticket.barrier == "" and ticket.status == Repair.Status.OPEN
    closed = refurb_services.repair_recycle(
        repair=ticket, barrier="worn_out", actor=crew.coach, workstation=crew.stations[WK.TEST]
    )
    assert (closed.status, closed.outcome, closed.barrier) == ("done", "recycle", "worn_out")
