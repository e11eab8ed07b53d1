"""A manager's day in French, from the screens only: a stocktake, every report, a donor's
certificate, then its check on the public page, signed out.

Nadia signs in with her badge (the demo's ``BADGE-NADIA`` · ``7315``, a network manager) and
types no address afterwards: she opens a stocktake of Lyon, scans a shelf and its labels (an
unknown one among them), resolves the differences many at a time and closes; opens the reports,
the workers' page and a CSV export; issues a donor's collection certificate (one device still
pending), signs out, and checks the certificate at the address it prints, as a member of the
public would. Every submit button is clicked twice (one result each time); each screen's text
is checked against raw codes and English words, axe finds no serious or critical violation,
and every screen is written to ``var/screenshots/manager-*.png`` at 1280×800 and 768×1024.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from inventory.models import Stocktake, StocktakeLine
from inventory.services import collection_create
from refurb import services as refurb_services
from refurb.models import Certificate, DeviceEvent
from refurb.states import State
from tests import factories
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, axe_violations, focused, settle
from workshop import roles
from workshop.models import WorkstationKind
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a French manager's screen must never show: stored codes and English words.
RAW = re.compile(
    r"\b(received|wiped|tested|graded|in_repair|on_sale|sold|written_off|harvested|recycled|"
    r"elsewhere|missing|unexpected|unknown|write_off|found_again|ignore|reuse_rate|"
    r"association|solidarity|public_body|erased|destroyed|pending|laptop|desktop|"
    r"True|False|None|Forbidden|Not Found|Stocktakes?|Reports?|Donors?|Devices?|Issue|"
    r"Resolve|Apply|Close|Sign out|Counted|Unknown label|column|June)\b"
)
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}
UNKNOWN = "CARTON-SANS-NOM-7"


class Walk:
    """The manager's hands: clicks, scans and submits (each submit clicked twice)."""

    def __init__(self, page):
        self.page = page
        self.shots = 0

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        settle(self.page)

    def submit(self, selector: str) -> None:
        """Click a submit button twice, 40 ms apart, as an impatient hand does."""
        self.page.locator(selector).first.evaluate(
            "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
        )
        settle(self.page)
        self.page.wait_for_timeout(150)  # the second answer, when there is one, lands too
        settle(self.page)

    def scan(self, text: str) -> None:
        self.page.keyboard.type(text, delay=5)
        self.page.keyboard.press("Enter")
        settle(self.page)

    def check_screen(self, name: str, *, main: str = "#bench-main") -> None:
        text = self.page.inner_text(main)
        found = sorted(set(RAW.findall(text)))
        assert not found, f"{name}: raw codes or English on screen: {found}"
        self.shots += 1
        for size, suffix in ((DESKTOP, ""), (TABLET, "-tablet")):
            self.page.set_viewport_size(size)
            violations = axe_violations(self.page)
            assert not violations, f"{name}{suffix}: {violations}"
            if size is TABLET:
                self.check_tablet(name)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(
                path=str(SCREENSHOTS / f"manager-{self.shots:02d}-{name}{suffix}.png"),
                full_page=True,
            )
        self.page.set_viewport_size(DESKTOP)

    def check_tablet(self, name: str) -> None:
        """At 768×1024 the manager's bar stays two rows and certificate links are targets."""
        bar = self.page.evaluate(
            "() => { const b = document.querySelector('.topbar');"
            " return b ? b.getBoundingClientRect().height : 0; }"
        )
        assert bar <= 130, f"{name}: the top bar is {bar} px tall on a tablet"
        small = self.page.evaluate(
            """() => [...document.querySelectorAll(
                    '[data-issue-certificate], .certificate-link, [data-donors-link]')]
                .map(a => [a.textContent.trim(), a.getBoundingClientRect().height])
                .filter(([_t, h]) => h < 44)"""
        )
        assert not small, f"{name}: touch targets under 44 px: {small}"


def _workshop():
    """Lyon and Saint-Étienne, Nadia (both sites), shelves, devices and a donor's collection."""
    lyon = factories.SiteFactory(code="LY", name="Atelier solidaire de Lyon")
    factories.site_legal(lyon)
    factories.SiteFactory(code="SE", name="Atelier solidaire de Saint-Étienne")
    nadia = factories.UserFactory(
        username="nadia", first_name="Nadia", last_name="Lefèvre", roles=[roles.MANAGER]
    )
    badge_create(user=nadia, code="BADGE-NADIA", pin="7315")
    bench = factories.UserFactory(username="salome", first_name="Salomé", roles=["bench_worker"])
    coach = factories.UserFactory(username="claire", first_name="Claire", roles=["coach"])
    shop = factories.UserFactory(username="lucas", first_name="Lucas", roles=["shop"])
    crew = Crew(
        bench=bench,
        coach=coach,
        shop=shop,
        manager=nadia,
        stations={
            kind: factories.WorkstationFactory(site=lyon, kind=kind, name=f"Poste {kind}")
            for kind in WorkstationKind.values
        },
    )
    a1 = inventory_services.location_create(site=lyon, name="Étagère A1")
    a2 = inventory_services.location_create(site=lyon, name="Étagère A2")
    shelf = [
        factories.make_device(site=lyon, actor=bench, location=a1, make="Dell", model=f"E{n}")
        for n in range(4)
    ]
    moved = factories.make_device(site=lyon, actor=bench, location=a2, make="HP")
    donor = factories.DonorFactory(name="Mairie de Villeurbanne", kind="public_body")
    collection = collection_create(donor=donor, site=lyon)
    start = timezone.now() - timedelta(days=2)
    done = factories.make_device(
        site=lyon, actor=bench, collection=collection, location=a1, now=start,
        make="Lenovo", model="ThinkPad T470", serial_number="PF0XK2LM",
    )  # fmt: skip
    refurb_services.drive_add(
        device=done, actor=bench, serial_number="WD-WCC4N7RR", model="WDC WD5000LPVX",
        kind="hdd", capacity_bytes=500_107_862_016, now=start,
    )  # fmt: skip
    device_advance(done, State.GRADED, crew, now=start, step=timedelta(hours=1))
    waiting = factories.make_device(site=lyon, actor=bench, collection=collection, location=a1)
    factories.make_device(site=lyon, actor=bench, category_code="screen", location=a2)
    return {
        "nadia": nadia,
        "a1": a1,
        "a2": a2,
        "shelf": shelf,
        "moved": moved,
        "collection": collection,
        "done": done,
        "waiting": waiting,
    }


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.mark.slow(22)
def test_a_manager_runs_a_stocktake_reads_the_reports_and_issues_a_certificate(
    chromium, live_server
):
    assert CHROMIUM
    floor = _workshop()
    context = chromium.new_context(
        viewport=DESKTOP, locale="fr-FR", base_url=live_server.url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    walk = Walk(page)

    # Sign in with the badge and the PIN.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    walk.scan("BADGE-NADIA")
    walk.scan("7315")
    page.wait_for_url("**/workstation/**")
    walk.check_screen("workstation")

    # A stocktake of Lyon, the whole site: one site at a time, locations by their names.
    walk.click(".topbar a[href='/stocktakes/']")
    page.wait_for_url("**/stocktakes/")
    assert page.locator("[data-site-choice]").is_visible()  # Nadia has both sites
    assert "Étagère A1" in page.inner_text("[data-stocktake-open]")
    assert floor["a1"].tag not in page.inner_text("[data-stocktake-open]")
    walk.check_screen("stocktakes")
    walk.submit("[data-stocktake-open] button[type='submit']")
    page.wait_for_url("**/stocktakes/*/")
    [stocktake] = Stocktake.objects.all()
    assert stocktake.site.code == "LY"
    walk.check_screen("stocktake-open")

    # Scan shelf A1, three of its four laptops, the device from A2, and an unknown label.
    walk.click(f"a[href='/stocktakes/{stocktake.pk}/scan/']")
    page.wait_for_url("**/scan/")
    assert focused(page, "#scan-code")
    walk.scan(floor["a1"].tag)
    page.locator("#stocktake-location option:checked:text('Étagère A1')").wait_for(state="attached")
    for device in [*floor["shelf"][:3], floor["moved"], floor["done"]]:
        page.locator("#scan-code").focus()
        walk.scan(device.asset_tag)
        page.locator(f"[data-last-scan='counted'] :text('{device.asset_tag}')").wait_for()
    page.locator("#scan-code").fill(UNKNOWN)
    walk.submit(".scan button[type='submit']")  # the OK button, clicked twice
    page.locator("[data-last-scan='unknown']").wait_for()
    assert "Compté" not in page.inner_text("[data-last-scan]")
    assert stocktake.scans.count() == 6  # the double click counted the label once
    walk.check_screen("stocktake-scan")

    # Reconcile, then resolve the differences many at a time.
    walk.click(f"a[href='/stocktakes/{stocktake.pk}/']")
    walk.submit(f"form[action='/stocktakes/{stocktake.pk}/reconcile/'] button")
    kinds = dict(stocktake.lines.values_list("code", "kind"))
    assert kinds[floor["moved"].asset_tag] == StocktakeLine.Kind.ELSEWHERE
    assert kinds[UNKNOWN] == StocktakeLine.Kind.UNKNOWN
    missing = [code for code, kind in kinds.items() if kind == StocktakeLine.Kind.MISSING]
    assert len(missing) == 3  # a laptop of A1, the pending device, the screen of A2
    walk.check_screen("stocktake-differences")
    page.locator(f"[data-line='{floor['moved'].asset_tag}'] input[type='checkbox']").check()
    page.locator("[data-bulk-selected] select").select_option("move")
    walk.submit("[data-bulk-selected] button")
    page.locator("[data-bulk-kind='missing'] select").select_option("ignore")
    walk.submit("[data-bulk-kind='missing'] button")  # the three at once
    walk.submit("[data-bulk-kind='unknown'] button")
    assert not stocktake.lines.filter(resolution=StocktakeLine.Resolution.PENDING).exists()
    walk.check_screen("stocktake-resolved")
    walk.submit(f"form[action='/stocktakes/{stocktake.pk}/close/'] button")
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.CLOSED
    moved = floor["moved"]
    moved.refresh_from_db()
    assert moved.location == floor["a1"]
    assert DeviceEvent.objects.filter(device=moved, code="moved").count() == 1
    assert page.locator("[role='alert'].alert--error").count() == 0
    walk.check_screen("stocktake-closed")

    # Every report: the figures, the workers' page and a CSV export.
    walk.click(".topbar a[href='/reports/']")
    page.wait_for_url("**/reports/")
    assert page.locator("[data-definition]").count() >= 10
    walk.check_screen("reports")
    with page.expect_download() as download:
        page.locator("a[href^='/reports/outcomes.csv']").click()
    exported = download.value.path().read_text(encoding="utf-8")
    assert exported.splitlines()[0].split(",")[1] == "code"
    walk.click("a[href^='/reports/workers/']")
    page.wait_for_url("**/reports/workers/**")
    walk.check_screen("reports-workers")

    # A donor's collection certificate: it covers the device done and names the pending one.
    walk.click(".topbar a[href='/donors/']")
    page.wait_for_url("**/donors/")
    walk.check_screen("donors")
    walk.click("a:text('Mairie de Villeurbanne')")
    page.wait_for_url("**/donors/*/")
    tag = floor["collection"].tag
    assert floor["waiting"].asset_tag in page.inner_text(f"[data-pending='{tag}']")
    walk.check_screen("donor")
    with page.expect_download() as download:
        page.locator(f"[data-issue-certificate='{tag}']").click()
    pdf = _pdf_text(download.value.path().read_bytes())
    certificate = Certificate.objects.get(collection=floor["collection"])
    assert certificate.code in pdf and floor["waiting"].asset_tag in pdf
    assert floor["done"].asset_tag in certificate.content["devices"][0]["tag"]
    printed = re.search(r"https?://\S+/verify/[A-Z0-9]+", " ".join(pdf.split()))
    assert printed, pdf[:800]

    # Signed out, a member of the public checks the certificate at the address it prints.
    walk.submit(".topbar form[action='/signout/'] button")
    page.wait_for_url("**/signin/**")
    page.goto(printed.group(0))
    page.locator("[data-status='valid']").wait_for()
    assert floor["waiting"].asset_tag in page.inner_text("[data-pending]")
    walk.check_screen("verify", main="body")

    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert walk.shots == 12
