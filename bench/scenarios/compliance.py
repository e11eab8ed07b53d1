"""Measure the compliance records: the waste register's CSV for a quarter of the data set.

The seeded data set has no recycling shipments, so the setup ships, over the last quarter of
the data set's history, every device the seed left recycled or harvested: one shipment a
working day per site (16 02 14), each with a lot of loose parts and, one day in five, a lot of
batteries (16 06 05) and a CRT screen lot (16 02 13*, with its slip). Rows are bulk-written
as ``shipment_ship`` would have left them. Each sample writes the register of that quarter
for every site (a network manager's export), as the screen's CSV download does.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from bench.scenarios.base import BenchEnv
from inventory.forms import quarter_bounds
from inventory.models import (
    Carrier,
    ReceivingFacility,
    RecyclingShipment,
    RecyclingShipmentLine,
    WasteCode,
)
from inventory.waste import waste_register, waste_register_csv
from refurb.models import Device
from refurb.states import State
from workshop.models import Site

MARKER = "bench-waste-register"


def _quarter(env: BenchEnv):
    last = Device.objects.aggregate(last=Max("state_changed_at"))["last"] or timezone.now()
    return quarter_bounds(timezone.localdate(last) - timedelta(days=1))


def _seed_shipments(date_from, date_to) -> int:
    if RecyclingShipment.objects.filter(recycler=MARKER).exists():
        return RecyclingShipmentLine.objects.filter(shipment__recycler=MARKER).count()
    rng = random.Random(24)
    carrier = Carrier.objects.create(
        name="Transports du banc", siren="732829320", address="Lyon", receipt_number="69-0001"
    )
    facility = ReceivingFacility.objects.create(
        name="Installation du banc", siret="73282932000074", address="Vénissieux"
    )
    codes = {code.code: code for code in WasteCode.objects.all()}
    days = [
        date_from + timedelta(days=n)
        for n in range((date_to - date_from).days + 1)
        if (date_from + timedelta(days=n)).weekday() < 5
    ]
    lines = []
    for site in Site.objects.order_by("pk"):
        shipments = RecyclingShipment.objects.bulk_create(
            RecyclingShipment(
                site=site,
                status=RecyclingShipment.Status.SHIPPED,
                recycler=MARKER,
                shipped_on=day,
                waste_code=codes["16 02 14"],
                carrier=carrier,
                facility=facility,
                treatment_code="R4",
                eco_organisation="Ecosystem",
                eco_organisation_siren="732829320",
                tracking_slip=f"BSD-{site.code}-{day.isoformat()}",
            )
            for day in days
        )
        devices = Device.objects.filter(
            site=site, state__in=[State.RECYCLED, State.HARVESTED]
        ).values_list("pk", "weight_kg")
        for n, (pk, weight) in enumerate(devices.iterator(chunk_size=5000)):
            lines.append(
                RecyclingShipmentLine(
                    shipment=shipments[n % len(shipments)],
                    device_id=pk,
                    weight_kg=weight or Decimal("2.5"),
                )
            )
        for n, shipment in enumerate(shipments):
            lines.append(
                RecyclingShipmentLine(
                    shipment=shipment,
                    description="cartes et câbles",
                    weight_kg=Decimal(rng.randint(5000, 60000)) / 1000,
                )
            )
            if n % 5 == 0:
                for code, description in (("16 06 05", "batteries"), ("16 02 13*", "CRT")):
                    lines.append(
                        RecyclingShipmentLine(
                            shipment=shipment,
                            description=description,
                            weight_kg=Decimal(rng.randint(1000, 30000)) / 1000,
                            waste_code=codes[code],
                        )
                    )
    RecyclingShipmentLine.objects.bulk_create(lines, batch_size=2000)
    return len(lines)


def setup_waste_register_quarter(env: BenchEnv):
    """Seed a quarter of shipments (once), then time the register's CSV of that quarter."""
    date_from, date_to = _quarter(env)
    count = _seed_shipments(date_from, date_to)
    env.notes["waste_register"] = {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "shipment_lines": count,
        "shipments": RecyclingShipment.objects.filter(recycler=MARKER).count(),
    }

    def run(i):
        out = io.StringIO(
            waste_register_csv(waste_register(site_ids=None, date_from=date_from, date_to=date_to))
        )
        assert out.getvalue().count("\n") > 1

    return run
