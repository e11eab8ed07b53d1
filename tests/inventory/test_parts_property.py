"""Property: no part leaves the building (sold, shipped to recycling) nor goes into another
device unless its origin's rules allow it: a part drive needs a proof of erasure or a
destruction, whatever the order in which anyone tries to sell, ship, fit, erase or destroy it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory import services as inventory_services
from inventory.models import Part
from refurb import services as refurb_services
from refurb.models import Drive, Repair
from shop.services import buyer_create, sale_complete
from tests.inventory.test_parts import _in_repair
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

ACTIONS = st.lists(
    st.sampled_from(["sell", "recycle", "fit", "erase", "erase_unverified", "destroy", "test"]),
    min_size=1,
    max_size=6,
)
PART = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["drive", "drive", "memory", "screen", "battery"]),
        "drive_status": st.sampled_from(["pending", "failed", "erased", "destroyed"]),
        "test_status": st.sampled_from(["untested", "passed", "failed"]),
        "price": st.sampled_from([None, Decimal("0.00"), Decimal("9.50")]),
    }
)


class Rollback(Exception):
    pass


@pytest.fixture
def world(site, crew):  # noqa: F811
    carcass = _in_repair(site, crew, category="desktop", failing=None)
    laptop = _in_repair(site, crew)
    buyer = buyer_create(kind="public", name="Client", actor=crew.shop, site=site)
    return {"site": site, "crew": crew, "carcass": carcass, "laptop": laptop, "buyer": buyer}


def _attempt(action, part, world):
    team, site = world["crew"], world["site"]
    test_bench, shop = team.stations[WK.TEST], team.stations[WK.SHOP]
    if action == "sell":
        sale_complete(
            site=site, buyer=world["buyer"], items=[part], actor=team.shop, workstation=shop,
            payment_method="cash" if part.price else "free",
        )  # fmt: skip
    elif action == "recycle":
        shipment = inventory_services.shipment_open(site=site, recycler="Ecologic")
        inventory_services.shipment_add_part(shipment=shipment, part=part)
        inventory_services.shipment_ship(shipment=shipment, actor=team.manager)
    elif action == "fit":
        ticket = Repair.objects.get(device=world["laptop"], status="open")
        inventory_services.part_fit(
            part=part, repair=ticket, category=part.category, actor=team.bench,
            workstation=test_bench,
        )  # fmt: skip
    elif action in ("erase", "erase_unverified") and part.drive_id:
        refurb_services.drive_record_erasure(
            drive=part.drive, method="clear", tool="nwipe", result="success",
            verified=action == "erase", actor=team.bench, workstation=team.stations[WK.ERASURE],
        )  # fmt: skip
    elif action == "destroy":
        inventory_services.part_destroy(
            part=part, method="shredding", witness="Claire", actor=team.coach,
            workstation=test_bench,
        )  # fmt: skip
    elif action == "test":
        inventory_services.part_record_test(
            part=part, passed=True, actor=team.bench, workstation=test_bench
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=PART, actions=ACTIONS)
def test_no_part_leaves_unless_its_origin_rules_allow_it(world, spec, actions):
    try:
        with transaction.atomic():
            carcass = world["carcass"]
            drive = None
            if spec["category"] == "drive":
                drive = Drive.objects.create(
                    device=carcass, tag=f"LYD{Drive.objects.count() + 900000:06d}X",
                    kind="hdd", status=spec["drive_status"],
                )  # fmt: skip
            part = Part.objects.create(
                site=world["site"], tag=f"LYP{Part.objects.count() + 900000:06d}X",
                category=spec["category"], origin=carcass, drive=drive,
                test_status=spec["test_status"], price=spec["price"],
            )  # fmt: skip
            for action in actions:
                safe_before = spec["category"] != "drive" or Drive.objects.get(pk=drive.pk).is_safe
                status_before = Part.objects.get(pk=part.pk).status
                try:
                    with transaction.atomic():
                        _attempt(action, Part.objects.get(pk=part.pk), world)
                except DomainError:
                    assert Part.objects.get(pk=part.pk).status == status_before
                    continue
                after = Part.objects.get(pk=part.pk)
                gone = (Part.Status.SOLD, Part.Status.RECYCLED, Part.Status.FITTED)
                if after.status in gone and after.status != status_before:
                    # It went out (or into a device) by this action: its drive was safe then
                    # (what is recorded on the drive afterwards is another matter).
                    assert safe_before, (action, spec)
            raise Rollback
    except Rollback:
        pass
