"""Repair records in the Open Repair Data Standard (ORDS) CSV of the Open Repair Alliance.

Each closed repair ticket is one row. The columns, their order and the codelists are data
(``reports/data/ords.json``, written by hand from the standard's text), so the export and its
test read the same list. Atelier's categories map to ORDS product categories, the ticket's
outcome to the repair status (repaired: *Fixed*; harvested or recycled: *End of life*; still
open: *Repairable*), and the ticket's barrier to ORDS's barrier text. The problem is the fault
and the diagnosis as workers wrote them, with e-mail addresses and phone numbers removed; no
person's name is ever exported (the standard asks for no personal data).
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from refurb.models import Repair
from workshop.csvsafe import csv_writer

DATA = Path(__file__).resolve().parent / "data" / "ords.json"

# Atelier category code -> ORDS product category id (as a string, the codelist's key).
CATEGORY_MAP = {
    "laptop": "16",
    "desktop": "4",
    "all_in_one": "4",
    "server": "4",
    "screen": "8",
    "tablet": "30",
    "phone": "19",
    "printer": "25",
    "peripheral": "22",
    "network": "18",
}
STATUS_BY_OUTCOME = {
    Repair.Outcome.REPAIRED: "Fixed",
    Repair.Outcome.HARVEST: "End of life",
    Repair.Outcome.RECYCLE: "End of life",
}
BARRIER_TEXT = {
    Repair.Barrier.PARTS_UNAVAILABLE: "Spare parts not available",
    Repair.Barrier.PARTS_EXPENSIVE: "Spare parts too expensive",
    Repair.Barrier.NO_WAY_TO_OPEN: "No way to open the product",
    Repair.Barrier.NO_INFORMATION: "Repair information not available",
    Repair.Barrier.NO_EQUIPMENT: "Lack of equipment",
    Repair.Barrier.WORN_OUT: "Product too worn out",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(\+?\d[\d .-]{7,}\d)")


@cache
def ords_standard() -> dict:
    """The columns and codelists of ORDS that the export follows."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def scrub(text: str) -> str:
    """Free text without e-mail addresses or phone numbers, on one line."""
    text = EMAIL.sub("[…]", text or "")
    text = PHONE.sub("[…]", text)
    return " ".join(text.split())


def _year(device) -> str:
    specs = device.specs if isinstance(device.specs, dict) else {}
    value = specs.get("year") or specs.get("year_of_manufacture") or ""
    text = str(value).strip()
    return text if re.fullmatch(r"\d{4}", text) else ""


def ords_row(ticket: Repair) -> list[str]:
    """One ORDS row for ``ticket`` (its device, category and site fetched with it)."""
    device = ticket.device
    standard = ords_standard()
    category_id = CATEGORY_MAP.get(device.category.code, "18")
    event_day = timezone.localdate(ticket.closed_at or ticket.opened_at)
    year = _year(device)
    age = str(event_day.year - int(year)) if year and int(year) <= event_day.year else ""
    status = (
        STATUS_BY_OUTCOME.get(ticket.outcome, "Unknown")
        if ticket.status != Repair.Status.OPEN
        else "Repairable"
    )
    barrier = BARRIER_TEXT.get(ticket.barrier, "") if status == "End of life" else ""
    # A required column: a ticket opened with no failed check nor diagnosis says so.
    problem = "; ".join(part for part in (ticket.fault, ticket.diagnosis) if part) or "Unknown"
    provider = getattr(settings, "ATELIER_ORDS_DATA_PROVIDER", "") or "Atelier"
    country = getattr(settings, "ATELIER_ORDS_COUNTRY", "FRA")
    values = {
        "id": f"{device.site.code.lower()}-{ticket.pk}",
        "data_provider": provider,
        "country": country,
        "partner_product_category": device.category.name,
        "product_category": standard["product_categories"][category_id],
        "product_category_id": category_id,
        "brand": device.make or "",
        "year_of_manufacture": year,
        "product_age": age,
        "repair_status": status,
        "repair_barrier_if_end_of_life": barrier,
        "group_identifier": f"{provider} {device.site.code}",
        "event_date": event_day.isoformat(),
        "problem": scrub(problem)[:1000],
    }
    return [values[column] for column in standard["columns"]]


def ords_tickets(*, site=None, date_from: date | None = None, date_to: date | None = None):
    """The repair tickets to export: every one of the site (or all sites), opened in range."""
    tickets = Repair.objects.select_related("device", "device__category", "device__site")
    if site is not None:
        tickets = tickets.filter(device__site=site)
    if date_from:
        tickets = tickets.filter(opened_at__date__gte=date_from)
    if date_to:
        tickets = tickets.filter(opened_at__date__lte=date_to)
    return tickets.order_by("opened_at", "id")


def ords_csv(tickets) -> str:
    """The ORDS CSV of ``tickets``: a header of the standard's column names, one row each."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(ords_standard()["columns"])
    for ticket in tickets:
        writer.writerow(ords_row(ticket))
    return out.getvalue()
