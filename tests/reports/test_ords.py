"""The ORDS export, checked against the standard's column list and codelists (data in the repo)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from inventory.services import PartSpec, device_harvest
from refurb import services as refurb_services
from refurb.models import Repair
from reports.ords import CATEGORY_MAP, ords_csv, ords_standard, ords_tickets, scrub
from tests.inventory.conftest import crew  # noqa: F401 (a fixture)
from tests.inventory.test_parts import _in_repair
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

# The standard's published column names, in order (ORDS v0.3), written here a second time so a
# change to the data file is caught.
ORDS_COLUMNS = (
    "id data_provider country partner_product_category product_category product_category_id "
    "brand year_of_manufacture product_age repair_status repair_barrier_if_end_of_life "
    "group_identifier event_date problem"
).split()


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _check_row(row: dict, standard: dict) -> None:
    assert list(row) == standard["columns"]
    for column in standard["required"]:
        assert row[column], column
    assert row["repair_status"] in standard["repair_status"]
    assert row["product_category"] == standard["product_categories"][row["product_category_id"]]
    if row["repair_barrier_if_end_of_life"]:
        assert row["repair_status"] == "End of life"
        assert row["repair_barrier_if_end_of_life"] in standard["repair_barrier"]
    assert re.match(standard["country_pattern"], row["country"])
    assert re.match(standard["date_pattern"], row["event_date"])
    assert re.match(standard["year_pattern"], row["year_of_manufacture"])


def test_the_data_file_lists_the_standards_columns():
    standard = ords_standard()
    assert standard["columns"] == ORDS_COLUMNS
    assert set(standard["required"]) <= set(ORDS_COLUMNS)
    assert set(CATEGORY_MAP.values()) <= set(standard["product_categories"])


def test_repaired_harvested_and_recycled_tickets_export_as_valid_ords_rows(site, crew):  # noqa: F811
    fixed = _in_repair(site, crew, specs={"year": 2017})
    ticket = Repair.objects.get(device=fixed)
    refurb_services.repair_diagnose(
        repair=ticket, diagnosis="Dalle HS, appeler le 06 12 34 56 78 ou a@b.fr",
        actor=crew.coach, workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    refurb_services.repair_mark_repaired(
        repair=ticket, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )
    carcass = _in_repair(site, crew, category="desktop", failing=None)
    device_harvest(
        device=carcass, parts=[PartSpec(category="power_supply")], actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    dead = _in_repair(site, crew, failing="power_on")
    dead_ticket = Repair.objects.get(device=dead)
    refurb_services.repair_set_barrier(
        repair=dead_ticket, barrier="parts_unavailable", actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    refurb_services.device_transition(
        device=dead, to="recycled", actor=crew.coach, workstation=crew.stations[WK.TEST]
    )
    rows = _rows(ords_csv(ords_tickets(site=site)))
    standard = ords_standard()
    assert len(rows) == 3
    for row in rows:
        _check_row(row, standard)
    by_brand = {row["id"]: row for row in rows}
    first = by_brand[f"ly-{ticket.pk}"]
    assert first["repair_status"] == "Repairable"  # still open until the re-test passes
    assert first["product_category"] == "Laptop" and first["year_of_manufacture"] == "2017"
    assert "06 12" not in first["problem"] and "a@b.fr" not in first["problem"]
    assert by_brand[f"ly-{dead_ticket.pk}"]["repair_barrier_if_end_of_life"] == (
        "Spare parts not available"
    )
    statuses = sorted(row["repair_status"] for row in rows)
    assert statuses == ["End of life", "End of life", "Repairable"]


def test_hostile_text_is_defused_in_the_csv(site, crew):  # noqa: F811
    laptop = _in_repair(site, crew)
    ticket = Repair.objects.get(device=laptop)
    refurb_services.repair_diagnose(
        repair=ticket, diagnosis='=HYPERLINK("http://x")', actor=crew.coach,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    ticket.fault = ""
    ticket.save(update_fields=["fault"])
    (row,) = _rows(ords_csv(ords_tickets(site=site)))
    assert row["problem"].startswith("'=")


def test_scrub_removes_addresses_and_phone_numbers():
    assert scrub("mail jo@ex.org tel +33 6 12 34 56 78") == "mail […] tel […]"


def test_only_managers_download_the_export(client, site, crew):  # noqa: F811
    client.force_login(crew.coach)
    assert client.get("/reports/repairs-ords.csv").status_code == 403
    client.force_login(crew.manager)
    response = client.get("/reports/repairs-ords.csv")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == ",".join(ORDS_COLUMNS)
