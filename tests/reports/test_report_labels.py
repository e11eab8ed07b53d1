"""The weekly reports read as French for people: labels, not keys, a site column where rows are
per site, money in euros, definitions on the page, charts with whole labels; the CSV keeps a
code column beside each label for machines."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from demo.walks import Crew
from refurb.states import State
from reports.tables import TABLES, euros
from tests import factories
from tests.inventory.audit_helpers import fast_passwords, walked_device  # noqa: F401
from workshop import roles
from workshop.models import WorkstationKind

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WHOLE_HISTORY = {"date_from": "", "date_to": ""}
NNBSP = "\u202f"


def site_crew(site, make_user, manager, suffix: str) -> Crew:
    """A crew working at ``site``, whose workstations have the same names at every site."""
    return Crew(
        bench=make_user(roles.BENCH_WORKER, username=f"bench-{suffix}", site=site),
        coach=make_user(roles.COACH, username=f"coach-{suffix}", site=site),
        shop=make_user(roles.SHOP, username=f"shop-{suffix}", site=site),
        manager=manager,
        stations={
            kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Poste {kind}")
            for kind in WorkstationKind.values
        },
    )


@pytest.fixture
def two_sites(site, make_user, manager):
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    factories.site_legal(other)
    devices = []
    for where, suffix in ((site, "ly"), (other, "se")):
        crew = site_crew(where, make_user, manager, suffix)
        for state, code in ((State.SOLD, "laptop"), (State.HARVESTED, "desktop")):
            devices.append(
                walked_device(
                    site=where,
                    crew=crew,
                    state=state,
                    now=T0,
                    step=timedelta(hours=6),
                    category_code=code,
                    weight_kg="2.500",
                )
            )
    return site, other


@pytest.fixture
def page(client, manager, two_sites) -> str:
    client.force_login(manager)
    return client.get(reverse("reports:index"), WHOLE_HISTORY).content.decode()


def table_rows(page: str, name: str) -> list[list[str]]:
    found = re.search(rf'<table data-report="{name}"[^>]*>(.*?)</table>', page, re.S)
    block = found.group(1) if found else ""  # an empty report shows a sentence, no table
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)
        )
    ]


def csv_rows(client, name: str) -> list[list[str]]:
    body = client.get(reverse("reports:csv", args=[name]), WHOLE_HISTORY).content.decode()
    return list(csv.reader(io.StringIO(body)))


def test_weekly_rows_carry_their_site_and_none_looks_duplicated(page, client):
    workers = client.get(reverse("reports:workers"), WHOLE_HISTORY).content.decode()
    for name, shown in (("throughput", page), ("workers", workers)):
        header, *rows = table_rows(shown, name)
        assert "site" in header
        assert len({tuple(row) for row in rows}) == len(rows)  # no two rows alike
        sites = {row[header.index("site")] for row in rows}
        assert sites == {"Atelier de Lyon", "Atelier de Saint-Étienne"}
    header, *rows = table_rows(page, "throughput")
    benches = [(row[1], row[2]) for row in rows if row[2] == "Poste erasure"]
    assert sorted({site for site, _bench in benches}) == [
        "Atelier de Lyon",
        "Atelier de Saint-Étienne",
    ]


def test_the_tables_show_labels_and_never_raw_keys(page):
    cells = {
        cell
        for name in TABLES
        if name != "workers"
        for row in table_rows(page, name)
        for cell in row
    }
    raw = {state.value for state in State} | {
        "association",
        "solidarity",
        "standard",
        "public",
        "reused",
        "harvested",
        "reuse_rate",
        "laptop",
        "desktop",
        "bench-ly",
    }
    assert not cells & raw
    assert "Vendu" in cells and "Ordinateur portable" in cells


def test_money_is_in_euros_with_a_decimal_comma(page, client):
    header, *rows = table_rows(page, "sales")
    assert header[-1] == "montant"
    amounts = [row[-1] for row in rows]
    assert amounts and all(re.fullmatch(rf"\d[\d{NNBSP}]*,\d\d{NNBSP}€", a) for a in amounts)
    assert euros("1234.5") == f"1{NNBSP}234,50{NNBSP}€"
    exported = csv_rows(client, "sales")
    kinds = {(row[0], row[1]) for row in exported[1:]}
    assert all(code and label != code for label, code in kinds)  # the label, its code beside
    assert exported[0][1] == "code" and re.fullmatch(r"\d+\.\d\d", exported[1][-1])


def test_weee_categories_have_their_names_and_the_csv_their_codes(page, client):
    _header, *rows = table_rows(page, "weee")
    assert {row[0] for row in rows} >= {"2 — Écrans et moniteurs"}
    assert all(" — " in row[0] for row in rows)
    exported = csv_rows(client, "weee")
    assert {row[1] for row in exported[1:]} >= {"2"}


def test_the_co2_source_is_named_in_french(page):
    _header, *rows = table_rows(page, "co2")
    sources = " ".join(row[-1] for row in rows)
    assert "ADEME" in sources and "18 juin 2021" in sources and "chiffre cité par" in sources
    for english in ("column", "figure as quoted", "June"):
        assert english not in sources


def test_every_table_says_how_its_figures_are_counted(page):
    for name in TABLES:
        if name == "workers":
            continue  # on the coaches' page, with its definition too
        assert re.search(rf'data-definition="{name}">[^<]{{40,}}</p>', page), name


def test_the_workers_page_defines_its_figures(client, manager, two_sites):
    client.force_login(manager)
    body = client.get(reverse("reports:workers"), WHOLE_HISTORY).content.decode()
    assert 'data-definition="workers"' in body


def chart_texts(page: str) -> list[list[str]]:
    svgs = [
        base64.b64decode(data).decode()
        for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]
    return [
        [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)] for svg in svgs
    ]


def test_chart_labels_are_never_cut_short(page):
    texts = chart_texts(page)
    assert len(texts) == 4
    assert not [label for chart in texts for label in chart if "…" in label]
    states = texts[0]
    assert "Démonté pour pièces" in states and "Vendu" in states
    assert "Atelier de Saint-Étienne" in texts[3]  # the weekly chart's legend: one per site
