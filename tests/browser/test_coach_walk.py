"""A technical coach's day in French, clicking and scanning only: sign-offs, repairs, results.

Salomé, a bench worker, has declared a tablet without storage at the erasure bench and failed a
mandatory check of a laptop at the test bench (set up through the services, as her own walk
would). Claire signs in with her badge, chooses her bench, and from her screens alone (no URL
typed after signing in) signs off the tablet, opens the failed laptop and sends it to repair,
reads Salomé's results of the day on the coach view and in the workers' report, and finds the
sign-off in the tablet's history. Every submit button is clicked twice (one result each time);
each screen is checked for raw codes and English words, run through axe at 1280×800 and
768×1024, and saved to ``var/screenshots/coach-*.png``. The walk counts the coach's actions
and writes the figure to ``var/screenshots/coach-actions.txt``; the README quotes it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from refurb import services as refurb_services
from refurb.models import ChecklistItem, Device, DeviceEvent
from refurb.states import State
from tests import factories
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, axe_violations, focused, settle
from tests.browser.test_workday_walk import RAW, Walk, french_page  # noqa: F401 (a fixture)
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 20
# The coach's screens must not show these either: the sign-off's codes and English labels.
RAW_COACH = re.compile(
    r"\b(sign_off|no_storage\w*|signed off|To sign off|To decide|Coach view|Declared by|"
    r"Failed check|Tested by|in repair|Sign off|username)\b"
)


class CoachWalk(Walk):
    """The workday walk's hands, with the coach's screenshots and word list."""

    def check_screen(self, name: str) -> None:
        region = "#bench-main" if self.page.locator("#bench-main").count() else "main"
        text = self.page.inner_text(region)
        found = sorted(set(RAW.findall(text)) | set(RAW_COACH.findall(text)))
        assert not found, f"{name}: raw codes or English on screen: {found}"
        violations = axe_violations(self.page)
        assert not violations, f"{name}: {violations}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        stem = SCREENSHOTS / f"coach-{self.shots:02d}-{name}"
        self.page.screenshot(path=f"{stem}.png", full_page=True)
        self.page.set_viewport_size({"width": 768, "height": 1024})  # a tablet, portrait
        violations = axe_violations(self.page)
        assert not violations, f"{name} (tablet): {violations}"
        self.page.screenshot(path=f"{stem}-tablet.png", full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 800})


def _workshop():
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    names = {
        WK.INTAKE: "Accueil 1",
        WK.ERASURE: "Effacement 1",
        WK.TEST: "Test 1",
        WK.GRADING: "Tri et grade",
    }
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=name)
        for kind, name in names.items()
    }
    return site, stations


def _salomes_morning(site, stations, salome, claire, manager):
    """What Salomé did before the coach came by: a tablet declared without storage, a laptop
    erased and tested with its screen failing."""
    now = timezone.now() - timedelta(minutes=30)
    tablet = factories.make_device(
        site=site, category_code="tablet", actor=salome, make="Samsung", model="Galaxy Tab A"
    )
    refurb_services.device_confirm_no_storage(
        device=tablet, actor=salome, workstation=stations[WK.ERASURE], now=now
    )
    laptop = factories.make_device(site=site, actor=salome, make="Lenovo", model="ThinkPad T470")
    refurb_services.drive_add(
        device=laptop, actor=salome, serial_number="WD-1", workstation=stations[WK.ERASURE]
    )
    crew = Crew(bench=salome, coach=claire, shop=manager, manager=manager, stations=stations)
    device_advance(laptop, State.WIPED, crew, now=now, step=timedelta(seconds=1))
    items = {item.code: item for item in ChecklistItem.objects.filter(category=laptop.category)}
    refurb_services.test_record_result(
        device=laptop, item=items["power_on"], passed=True, actor=salome,
        workstation=stations[WK.TEST],
    )  # fmt: skip
    refurb_services.test_record_result(
        device=laptop, item=items["screen"], passed=False, note="des pixels morts en haut",
        actor=salome, workstation=stations[WK.TEST],
    )  # fmt: skip
    return tablet, laptop


@pytest.mark.slow(12)
def test_a_coach_signs_off_no_storage_and_sends_a_device_to_repair(
    french_page,  # noqa: F811 (the workday walk's fixture)
    make_user,
):
    assert CHROMIUM
    site, stations = _workshop()
    salome = make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé", site=site)
    claire = make_user(
        roles.COACH, username="claire", first_name="Claire", last_name="Martin", site=site
    )
    manager = make_user(roles.MANAGER, username="nadia", first_name="Nadia", site=site)
    badge_create(user=claire, code="BADGE-CLAIRE", pin="3691")
    tablet, laptop = _salomes_morning(site, stations, salome, claire, manager)
    page, walk = french_page, CoachWalk(french_page)

    # Sign in with the badge and the PIN, then choose the test bench.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    walk.scan("BADGE-CLAIRE")
    assert focused(page, "[data-pin]")
    walk.scan("3691")
    page.wait_for_url("**/workstation/**")
    walk.check_screen("workstation")
    walk.click("button[name='workstation'][data-name='Test 1']")
    page.wait_for_url("**/test/")
    settle(page)
    walk.check_screen("test-bench")

    # The coach view: what waits for her, and what each bench and worker did today.
    walk.click("a.topbar__link[href$='/coach/']")
    page.wait_for_url("**/coach/")
    settle(page)
    assert page.locator(f"[data-sign-off-row='{tablet.asset_tag}']").is_visible()
    assert "Salomé" in page.inner_text(f"[data-sign-off-row='{tablet.asset_tag}']")
    assert page.locator(f"[data-failed-row='{laptop.asset_tag}']").is_visible()
    assert "Salomé" in page.inner_text("[data-table='workers']")
    walk.check_screen("coach")

    # Sign off the tablet: one event, however many clicks.
    walk.submit(f"[data-sign-off='{tablet.asset_tag}']")
    page.wait_for_url("**/coach/")
    tablet.refresh_from_db()
    assert tablet.no_storage_signed_off
    assert tablet.events.filter(code=DeviceEvent.Code.NO_STORAGE_SIGNED_OFF).count() == 1
    assert page.locator(f"[data-sign-off-row='{tablet.asset_tag}']").count() == 0
    assert page.locator("[role='alert'].alert--error").count() == 0
    # Signed off, it stays on the list until Salomé marks it erased (a flash message alone
    # can be lost to the second click's answer).
    assert "Validé" in page.inner_text(f"[data-signed-off-row='{tablet.asset_tag}']")
    walk.check_screen("coach-signed-off")

    # The failed laptop: open it from the list, send it to repair.
    walk.click(f"[data-open-failed='{laptop.asset_tag}']")
    page.wait_for_url(f"**/test/{laptop.asset_tag}/")
    settle(page)
    assert page.locator("[data-checklist='failed']").is_visible()
    walk.check_screen("failed-test")
    walk.submit("[data-move='in_repair']")
    laptop.refresh_from_db()
    assert laptop.state == State.IN_REPAIR
    assert laptop.events.filter(code="transition", to_state=State.IN_REPAIR).count() == 1
    assert page.locator("[role='alert'].alert--error").count() == 0
    walk.check_screen("in-repair")

    # Back on the coach view: nothing left to decide; Claire's own actions are counted too.
    walk.click("a.topbar__link[href$='/coach/']")
    page.wait_for_url("**/coach/")
    settle(page)
    assert page.locator("[data-failed-row]").count() == 0
    assert page.locator("[data-sign-off-row]").count() == 0
    assert "Claire" in page.inner_text("[data-table='workers']")

    # Every device held today (0 days), then the tablet's card and its history.
    walk.type("#days", "0")
    walk.submit("form[action$='/coach/'] button")
    walk.click(f"[data-table='stuck'] a[href$='/device/{tablet.asset_tag}/']")
    page.wait_for_url(f"**/device/{tablet.asset_tag}/")
    settle(page)
    history = page.inner_text("#bench-main")
    assert "validé" in history and "Salomé" in history
    walk.check_screen("tablet-card")

    # The workers' report: Salomé's results.
    walk.click("a.topbar__link[href*='/reports/']")
    settle(page)
    assert "Salomé" in page.inner_text("main")
    walk.check_screen("workers-report")

    assert Device.objects.get(pk=tablet.pk).state == State.RECEIVED  # Salomé marks it erased
    figure = (
        f"coach's day (sign-in, sign-off, repair, results): {walk.actions} actions (clicks, "
        f"scans, fields typed), plus {walk.second_clicks} deliberate second clicks on submit "
        "buttons\n"
    )
    (SCREENSHOTS / "coach-actions.txt").write_text(figure)
    print(figure)
    assert walk.actions <= MAX_ACTIONS, figure
