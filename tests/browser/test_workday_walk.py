"""A bench worker's day in French, clicking and scanning: a laptop from intake to `graded`.

Every submit button is clicked twice (one result each time), the maker's serial is scanned
with its Enter, weights are typed with a decimal comma, and the labels printed at intake and
erasure reach the loopback printer (``demo/printer.py``) and scan back to their tags. No URL
is typed after signing in. The walk counts the worker's actions (a click, a scan or one field
typed each count as one; the deliberate second click of each submit is counted apart) and
writes the figure to ``var/screenshots/workday-actions.txt``; the README quotes it.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from demo.printer import DemoPrinter
from inventory.models import Collection
from labels.models import Printer
from refurb.models import Device, Drive
from refurb.states import State
from tests import factories
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, axe_violations, focused, settle
from tests.labels.label_samples import decode
from tests.refurb.parsers.samples import hw_path
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 30
NWIPE_LOG = "local_nwipe_success_dodshort_verified.log"  # a real run, ../shared/samples/hw
# What a French screen must never show: stored codes and English words.
RAW = re.compile(
    r"\b(received|wiped|tested|graded|in_repair|on_sale|drive_added|nvme;|kind:|failing:|"
    r"True|False|None|Forbidden|Not Found|Next step|Register|Sign out)\b"
)


class Walk:
    """The worker's hands: every click, scan and typed field goes through here and is counted."""

    def __init__(self, page, prefix: str = "workday"):
        self.page = page
        self.prefix = prefix  # of the screenshots' names
        self.actions = 0
        self.second_clicks = 0
        self.shots = 0

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.actions += 1

    def submit(self, selector: str) -> None:
        """Click a submit button twice, as an impatient hand does; wait for the answer.

        Both clicks hit the same button (the second 40 ms later, if it is still on the page):
        a mouse double click can land its second click on whatever the answer put there.
        """
        self.page.locator(selector).first.evaluate(
            "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
        )
        self.actions += 1
        self.second_clicks += 1
        settle(self.page)

    def type(self, selector: str, text: str) -> None:
        self.page.locator(selector).first.fill(text)
        self.actions += 1

    def scan(self, text: str) -> None:
        """A USB scanner types into the focused field and ends with Enter."""
        self.page.keyboard.type(text, delay=5)
        self.page.keyboard.press("Enter")
        self.actions += 1
        settle(self.page)

    def check_screen(self, name: str) -> None:
        text = self.page.inner_text("#bench-main")
        found = sorted(set(RAW.findall(text)))
        assert not found, f"{name}: raw codes or English on screen: {found}"
        violations = axe_violations(self.page)
        assert not violations, f"{name}: {violations}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.prefix}-{self.shots:02d}-{name}.png"), full_page=True
        )
        self.page.set_viewport_size({"width": 768, "height": 1024})  # a tablet, portrait
        violations = axe_violations(self.page)
        assert not violations, f"{name} (tablet): {violations}"
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.prefix}-{self.shots:02d}-{name}-tablet.png"),
            full_page=True,
        )
        self.page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def french_page(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def printer(tmp_path):
    server = DemoPrinter("127.0.0.1", 0, tmp_path / "printed").start()
    yield server
    server.stop()


def _workshop(printer_port: int):
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    zebra = Printer(
        site=site,
        name="Zebra démo",
        kind=Printer.Kind.RAW9100,
        host="127.0.0.1",
        port=printer_port,
        default_stock="zebra-57x32",
        timeout_seconds=3,
    )
    zebra.full_clean()
    zebra.save()
    names = {
        WK.INTAKE: "Accueil 1",
        WK.ERASURE: "Effacement 1",
        WK.TEST: "Test 1",
        WK.GRADING: "Tri et grade",
    }
    for kind, name in names.items():
        factories.WorkstationFactory(
            site=site,
            kind=kind,
            name=name,
            printer=zebra if kind in (WK.INTAKE, WK.ERASURE) else None,
        )
    return site


def _printed_codes(printer: DemoPrinter, count: int) -> set[str]:
    printer.wait_for_jobs(count)
    codes: set[str] = set()
    for image in printer.images:
        codes |= decode(Image.open(image))
    return codes


@pytest.mark.slow(12)
def test_a_bench_worker_takes_a_laptop_from_intake_to_graded(french_page, printer, make_user):
    assert CHROMIUM
    _workshop(printer.port)
    worker = make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé")
    badge_create(user=worker, code="BADGE-SALOME", pin="2580")
    page, walk = french_page, Walk(french_page)

    # Sign in with the badge and the PIN, then choose the intake bench.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    walk.scan("BADGE-SALOME")
    assert focused(page, "[data-pin]")
    walk.scan("2580")
    page.wait_for_url("**/workstation/**")
    walk.click("button[name='workstation'][data-name='Accueil 1']")
    page.wait_for_url("**/intake/")
    settle(page)
    walk.check_screen("intake")

    # A new collection, its weight typed with a comma.
    walk.click("#collection-new summary")
    walk.type("#id_donor_name", "Mme Durand")
    walk.type("#id_gross_weight_kg", "14,5")
    walk.submit("#collection-new button[type='submit']")
    [collection] = Collection.objects.all()
    assert collection.gross_weight_kg == 14.5
    # A private person's name is for managers (workshop.access): the bench shows the kind.
    opened = page.inner_text(".collection-open")
    assert "un particulier" in opened and "Mme Durand" not in opened

    # The laptop: the serial is scanned (its Enter moves on), the weight has a comma.
    walk.click("[data-category='laptop']")
    walk.type("#id_make", "Lenovo")
    walk.type("#id_model", "ThinkPad T470")
    page.locator("#id_serial_number").focus()
    walk.scan("PF0XK2LM")
    assert not Device.objects.exists(), "the scanner's Enter must not submit a half form"
    assert focused(page, "#id_weight_kg")
    walk.type("#id_weight_kg", "2,1")
    walk.submit("#register-title ~ form button[type='submit']")
    [device] = Device.objects.all()
    tag = device.asset_tag
    assert (device.serial_number, str(device.weight_kg)) == ("PF0XK2LM", "2.100")
    assert page.inner_text("[data-new-tag]").strip() == tag
    assert tag in _printed_codes(printer, 1), "the tag label reached the printer and scans"
    try:
        page.locator("[data-print='sent']").wait_for(state="visible")
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "workday-failure.png"), full_page=True)
        raise AssertionError(page.inner_text("#bench-main")[:1500]) from None
    walk.check_screen("intake-tag")

    # Erasure: carry on at Effacement 1, add the drive (its label prints), drop its nwipe log.
    walk.submit("[data-continue-at='Effacement 1']")
    page.wait_for_url(f"**/erasure/{tag}/")
    walk.check_screen("erasure")
    walk.type("#id_serial_number", "WD-WCC4N7RR")
    walk.type("#id_capacity_gb", "500")
    walk.submit("[data-action='drive-add']")
    [drive] = Drive.objects.filter(device=device)
    assert drive.tag in _printed_codes(printer, 2), "the drive label reached the printer"
    page.locator(f"#log-{drive.pk}").set_input_files(str(hw_path(NWIPE_LOG)))  # the tool's log
    walk.actions += 1
    walk.submit(f"[data-drive='{drive.tag}'] [data-action='log-upload']")
    drive.refresh_from_db()
    assert drive.status == Drive.Status.ERASED and drive.erasures.count() == 1
    assert page.locator("[data-safety='safe']").is_visible()
    walk.check_screen("erasure-done")
    walk.submit("[data-move='wiped']")
    device.refresh_from_db()
    assert device.state == State.WIPED
    assert page.locator("[role='alert'].alert--error").count() == 0

    # Test: carry on at Test 1, every mandatory check passed, tested.
    walk.submit("[data-continue-at='Test 1']")
    page.wait_for_url(f"**/test/{tag}/")
    walk.check_screen("test")
    walk.submit("[data-action='all-passed']")
    walk.submit("[data-move='tested']")
    device.refresh_from_db()
    assert device.state == State.TESTED

    # Grading: carry on at Tri et grade, grade B.
    walk.submit("[data-continue-at='Tri et grade']")
    page.wait_for_url(f"**/grading/{tag}/")
    walk.check_screen("grading")
    walk.submit("[data-grade='B']")
    device.refresh_from_db()
    assert (device.state, device.grade.code) == (State.GRADED, "B")
    assert device.events.filter(code="transition").count() == 3
    # A laptop goes on sale with a system whose first boot passed: that comes first.
    assert page.locator("[data-next-step='system']").is_visible()
    assert page.locator("[data-system-card]").is_visible()
    walk.check_screen("graded")

    figure = (
        f"intake to graded: {walk.actions} actions (clicks, scans, fields typed), "
        f"plus {walk.second_clicks} deliberate second clicks on submit buttons\n"
    )
    (SCREENSHOTS / "workday-actions.txt").write_text(figure)
    print(figure)
    assert walk.actions <= MAX_ACTIONS, figure
