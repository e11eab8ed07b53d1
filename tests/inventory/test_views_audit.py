"""Manager screens: access by role, what they show, the scan endpoint, CSV equal to screen."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import services
from inventory.models import Stocktake, StocktakeLine
from refurb.states import State
from reports.figures.common import Period
from reports.tables import TABLES
from tests import factories
from tests.inventory.audit_helpers import fast_passwords, make_crew, walked_device  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WHOLE_HISTORY = {"date_from": "", "date_to": ""}  # both dates cleared: the known data is old


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )


@pytest.fixture
def workshop(site, crew):
    plan = [
        ("laptop", "2.000", State.SOLD, 6),
        ("laptop", "3.000", State.SOLD, 12),
        ("desktop", "8.000", State.HARVESTED, 6),
        ("screen", None, State.RECYCLED, 24),
        ("laptop", "2.500", State.ON_SALE, 6),
    ]
    return [
        walked_device(
            site=site,
            crew=crew,
            state=state,
            now=T0,
            step=timedelta(hours=hours),
            category_code=code,
            weight_kg=weight,
        )
        for code, weight, state, hours in plan
    ]


def screen_table(page: str, name: str) -> list[list[str]]:
    block = re.search(rf'<table data-report="{name}"[^>]*>(.*?)</table>', page, re.DOTALL).group(1)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row]
        for row in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.DOTALL)
            for tr in re.findall(r"<tr>(.*?)</tr>", block, re.DOTALL)
        )
    ]


def csv_table(body: bytes) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(body.decode()))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("coach", 403), ("bench_worker", 403), ("shop", 403)],
)
def test_the_reports_screen_is_for_managers(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("reports:index")).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("coach", 200), ("bench_worker", 403), ("shop", 403)],
)
def test_worker_activity_is_only_for_coaches_and_managers(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("reports:workers")).status_code == status
    assert client.get(reverse("reports:csv", args=["workers"])).status_code == status


@pytest.mark.django_db
def test_a_coach_cannot_export_the_managers_reports(client, coach):
    client.force_login(coach)
    assert client.get(reverse("reports:csv", args=["outcomes"])).status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_charts_are_svg_images_without_any_script(client, manager, workshop):
    client.force_login(manager)
    page = client.get(reverse("reports:index"), WHOLE_HISTORY, **EN).content.decode()
    assert page.count('<img src="data:image/svg+xml;base64,') == 4
    assert "<svg" not in page  # pygal's <style> inline would break the CSP
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all('src="/static/workshop/' in tag for tag in scripts)
    assert "cdn" not in page.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["outcomes", "weee", "stock_by_state", "time_in_state", "co2"])
def test_the_csv_export_holds_the_figures_of_the_screen(client, manager, workshop, name):
    client.force_login(manager)
    page = client.get(reverse("reports:index"), WHOLE_HISTORY, **EN).content.decode()
    url = reverse("reports:csv", args=[name])
    exported = csv_table(client.get(url, WHOLE_HISTORY, **EN).content)
    shown = screen_table(page, name)

    def blank(rows):
        return [[cell or "—" for cell in row] for row in rows]

    # The screen shows the labels; the CSV has the same rows with the codes beside them.
    codes = TABLES[name](Period(date_from=None, date_to=None)).codes
    screen_columns = [[cell for i, cell in enumerate(row) if i not in codes] for row in exported]
    assert exported[1:] and blank(screen_columns) == blank(shown)


@pytest.mark.django_db
def test_the_outcomes_csv_has_the_hand_computed_figures(client, manager, workshop):
    client.force_login(manager)
    url = reverse("reports:csv", args=["outcomes"])
    rows = csv_table(client.get(url, WHOLE_HISTORY, **EN).content)
    assert rows[1:] == [
        ["reused", "reused", "2", "5.000"],
        ["harvested", "harvested", "1", "8.000"],
        ["recycled", "recycled", "1", "4.500"],
        ["total", "total", "4", "17.500"],
        ["reuse rate (%)", "reuse_rate", "50.0", "28.6"],
    ]


@pytest.mark.django_db
def test_the_period_and_site_filters_reach_the_figures(client, manager, workshop):
    client.force_login(manager)
    other = factories.SiteFactory(code="SE")
    url = reverse("reports:csv", args=["outcomes"])
    rows = csv_table(client.get(url, {"site": other.pk, **WHOLE_HISTORY}, **EN).content)
    assert rows[4][2:] == ["0", "0.000"]
    rows = csv_table(client.get(url, {"date_from": "2026-03-03", "date_to": "2026-03-03"}).content)
    # On 3 March (Paris): d1 sold (T0+30 h), d3 harvested (T0+18 h); d2 and d4 on 4 and 5 March.
    assert [row[2] for row in rows[1:4]] == ["1", "1", "0"]


@pytest.mark.django_db
def test_without_filters_the_screens_and_exports_cover_the_last_12_weeks(
    client, manager, site, crew
):
    client.force_login(manager)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday(), weeks=11)
    now = timezone.now()
    recent = walked_device(site=site, crew=crew, state=State.SOLD, now=now - 5 * H, step=H / 2)
    old = walked_device(site=site, crew=crew, state=State.SOLD, now=now - 200 * 24 * H, step=H)
    assert recent.state == old.state == State.SOLD
    page = client.get(reverse("reports:index"), **EN).content.decode()
    assert f'value="{monday.isoformat()}"' in page and f'value="{today.isoformat()}"' in page
    assert f"date_from={monday.isoformat()}&amp;date_to={today.isoformat()}" in page
    rows = csv_table(client.get(reverse("reports:csv", args=["outcomes"])).content)
    assert rows[1][2] == "1"  # the recent sale only
    rows = csv_table(client.get(reverse("reports:csv", args=["outcomes"]), WHOLE_HISTORY).content)
    assert rows[1][2] == "2"
    workers = client.get(reverse("reports:workers"), **EN).content.decode()
    assert f'value="{monday.isoformat()}"' in workers


@pytest.mark.django_db
def test_the_reports_screen_costs_the_same_queries_for_one_or_many_devices(
    client, manager, site, bench_worker
):
    client.force_login(manager)
    factories.make_device(site=site, actor=bench_worker)
    client.get(reverse("reports:index"))  # warm the session and the user's roles

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:index")).status_code == 200
        return len(queries)

    one = count()
    for _index in range(6):
        factories.make_device(site=site, actor=bench_worker)
    assert count() == one


# ------------------------------------------------------------------------------ stocktakes


@pytest.fixture
def shelf(site):
    return services.location_create(site=site, name="Étagère A1")


@pytest.fixture
def stocktake(site, manager):
    return services.stocktake_open(site=site, actor=manager)


def post_scan(client, stocktake, **body):
    return client.post(
        reverse("inventory:stocktake_scan_api", args=[stocktake.pk]),
        data=json.dumps(body),
        content_type="application/json",
        **EN,
    )


@pytest.mark.django_db
def test_the_scan_endpoint_counts_a_label_once(client, bench_worker, stocktake, shelf, laptop):
    client.force_login(bench_worker)
    first = post_scan(client, stocktake, code=laptop.asset_tag, location=shelf.tag)
    again = post_scan(client, stocktake, code=laptop.asset_tag, location=shelf.tag)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["device"] == laptop.asset_tag and again.json()["created"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "LY0000019", "location": "nowhere"}, 400, "location_unknown"),
        ({"code": "", "location": None}, 400, "location_unknown"),
    ],
)
def test_the_scan_endpoint_answers_errors_as_json(
    client, bench_worker, stocktake, shelf, body, status, code
):
    client.force_login(bench_worker)
    response = post_scan(client, stocktake, **body)
    assert response.status_code == status and response.json()["code"] == code


@pytest.mark.django_db
def test_the_scan_endpoint_refuses_a_body_that_is_not_json(client, bench_worker, stocktake):
    client.force_login(bench_worker)
    response = client.post(
        reverse("inventory:stocktake_scan_api", args=[stocktake.pk]),
        data="code=1",
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"


@pytest.mark.django_db
def test_a_manager_reconciles_resolves_and_closes_from_the_screens(
    client, manager, stocktake, shelf, laptop
):
    client.force_login(manager)
    client.post(reverse("inventory:stocktake_reconcile", args=[stocktake.pk]))
    line = stocktake.lines.get()
    assert line.kind == StocktakeLine.Kind.MISSING  # the laptop has no location: not scanned
    page = client.get(reverse("inventory:stocktake_detail", args=[stocktake.pk]), **EN)
    assert laptop.asset_tag in page.content.decode()
    client.post(
        reverse("inventory:stocktake_resolve", args=[stocktake.pk, line.pk]),
        {"resolution": "ignore"},
    )
    client.post(reverse("inventory:stocktake_close", args=[stocktake.pk]))
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.CLOSED
    pdf = client.get(reverse("inventory:stocktake_pdf", args=[stocktake.pk]))
    assert pdf.content.startswith(b"%PDF")
    rows = csv_table(client.get(reverse("inventory:stocktake_csv", args=[stocktake.pk])).content)
    assert rows[1][:2] == [laptop.asset_tag, "missing"] and rows[1][6] == "ignore"


@pytest.mark.django_db
def test_closing_with_unresolved_lines_shows_why_on_the_screen(
    client, manager, stocktake, shelf, laptop
):
    client.force_login(manager)
    response = client.post(
        reverse("inventory:stocktake_close", args=[stocktake.pk]), follow=True, **EN
    )
    assert "Resolve every line before closing" in response.content.decode()
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.OPEN


# ---------------------------------------------------------------------------- traceability


@pytest.mark.django_db
def test_the_device_history_lists_every_event_with_who_and_where(client, bench_worker, site, crew):
    device = walked_device(site=site, crew=crew, state=State.SOLD, now=T0)
    client.force_login(bench_worker)
    page = client.get(reverse("reports:device_history", args=[device.asset_tag]), **EN)
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<td class="num">') == device.event_seq
    assert "Poste erasure" in text and "Sold" in text


@pytest.mark.django_db
def test_the_donor_view_shows_the_outcome_of_every_device(client, manager, site, crew):
    donor = factories.DonorFactory(name="Mairie de Villeurbanne")
    collection = services.collection_create(donor=donor, site=site)
    plan = [State.SOLD, State.HARVESTED, State.RECYCLED, State.ON_SALE, State.WIPED]
    for state in plan:
        walked_device(site=site, crew=crew, state=state, now=T0, collection=collection)
    client.force_login(manager)
    text = client.get(reverse("reports:donor_outcomes", args=[donor.pk]), **EN).content.decode()
    for label in (
        "Reused (sold)",
        "Parts (harvested)",
        "Recycled",
        "Reused (on sale)",
        "In progress",
    ):
        assert f"<td>{label}</td>" in text


@pytest.mark.django_db
def test_the_donor_view_is_for_managers(client, bench_worker):
    donor = factories.DonorFactory()
    client.force_login(bench_worker)
    assert client.get(reverse("reports:donor_outcomes", args=[donor.pk])).status_code == 403
