"""The skills passport in a browser, in French: a bench worker's week of work shows on her
page; her coach validates "erase and check drives — autonomous" (and her four-eyes moves)
from the same screen; she signs in on a phone and sees it; the attestation lists it.

Salomé's week (set up through the services, as her bench walks would): devices registered,
drives erased, a tablet declared without storage and one erasure drawn for the independent
check. Claire signs in with her badge, chooses her bench, opens the team's skills from the
top bar and Salomé's page from the team table (no URL typed after signing in), signs the
tablet off, records the check, and validates the level, clicking every submit twice (one
row each time). Salomé then signs in with her badge on a 390×844 phone, opens "Mes
compétences" from the first screen and downloads her attestation, whose text (pypdfium2)
names the skill, the level and the coach. Screens are checked for raw codes and English,
run through axe, and saved to ``var/screenshots/skills-*.png``.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone

from refurb import services as refurb_services
from refurb.models import DeviceEvent, VerificationSample
from skills.models import Level, SkillValidation
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, axe_violations, settle
from tests.browser.test_workday_walk import RAW, Walk, french_page  # noqa: F401 (a fixture)
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_SKILLS = re.compile(
    r"\b(erase|autonomous|Autonomous|Discovered|My skills|Team skills|Validate|worker_\w+|"
    r"four_eyes|Attestation of skills)\b"
)
PHONE = {"width": 390, "height": 844}


class SkillsWalk(Walk):
    def check_screen(self, name: str, *, phone: bool = False) -> None:
        text = self.page.inner_text("#bench-main")
        found = sorted(set(RAW.findall(text)) | set(RAW_SKILLS.findall(text)))
        assert not found, f"{name}: raw codes or English on screen: {found}"
        violations = axe_violations(self.page)
        assert not violations, f"{name}: {violations}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(
            path=str(SCREENSHOTS / f"skills-{self.shots:02d}-{name}.png"), full_page=True
        )
        if phone:
            # Nothing wider than the phone: no sideways scrolling to read the page.
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: {width}px wide on a phone"


def _workshop():
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    factories.site_legal(site)
    names = {WK.INTAKE: "Accueil 1", WK.ERASURE: "Effacement 1", WK.TEST: "Test 1"}
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=name)
        for kind, name in names.items()
    }
    return site, stations


def _salomes_week(site, stations, salome, settings):
    """Five days at the benches: three laptops registered and erased, a tablet declared
    without storage; the last erasure is drawn for an independent check."""
    start = timezone.now() - timedelta(days=4)
    for day in range(3):
        now = start + timedelta(days=day)
        laptop = factories.make_device(
            site=site, actor=salome, make="Lenovo", model=f"ThinkPad T4{day}0"
        )
        drive = refurb_services.drive_add(
            device=laptop, actor=salome, serial_number=f"WD-{day}",
            workstation=stations[WK.ERASURE],
        )  # fmt: skip
        settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0 if day == 2 else 0.0
        refurb_services.drive_record_erasure(
            drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
            verified=True, actor=salome, workstation=stations[WK.ERASURE], now=now,
        )  # fmt: skip
    tablet = factories.make_device(
        site=site, category_code="tablet", actor=salome, make="Samsung", model="Galaxy Tab A"
    )
    refurb_services.device_confirm_no_storage(
        device=tablet, actor=salome, workstation=stations[WK.ERASURE], now=start
    )
    return tablet


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.mark.slow(11)
def test_a_week_of_work_a_coachs_validation_and_the_workers_phone(
    french_page,  # noqa: F811 (the workday walk's fixture)
    chromium,
    live_server,
    make_user,
    settings,
):
    assert CHROMIUM
    site, stations = _workshop()
    salome = make_user(
        roles.BENCH_WORKER, username="salome", first_name="Salomé", last_name="Petit", site=site
    )
    claire = make_user(
        roles.COACH, username="claire", first_name="Claire", last_name="Martin", site=site
    )
    badge_create(user=claire, code="BADGE-CLAIRE", pin="3691")
    badge_create(user=salome, code="BADGE-SALOME", pin="2580")
    tablet = _salomes_week(site, stations, salome, settings)
    sample = VerificationSample.objects.get()
    page, walk = french_page, SkillsWalk(french_page)

    # Claire signs in with her badge and chooses her bench.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    walk.scan("BADGE-CLAIRE")
    walk.scan("3691")
    page.wait_for_url("**/workstation/**")
    walk.click("button[name='workstation'][data-name='Effacement 1']")
    page.wait_for_url("**/erasure/")
    settle(page)

    # The team's skills, from the top bar: Salomé was never validated.
    walk.click("[data-nav='team-skills']")
    page.wait_for_url("**/skills/team/")
    settle(page)
    assert page.locator(f"[data-stale='{salome.pk}']").is_visible()
    walk.check_screen("team")
    walk.click(f"[data-table='team'] [data-worker='{salome.pk}'] a")
    page.wait_for_url(f"**/skills/worker/{salome.pk}/")
    settle(page)
    erase_card = page.locator("[data-skill='erase']")
    # Her week shows as evidence: three erasures and a declaration, nothing corrected.
    assert erase_card.locator("[data-evidence]").get_attribute("data-count") == "4"
    assert (
        page.locator("[data-skill='register'] [data-evidence]").get_attribute("data-count") == "4"
    )
    assert page.locator("[data-section='chart'] img").count() == 1
    walk.check_screen("worker-for-coach")

    # The four-eyes moves of her week, from the same screen: the tablet, then the check.
    walk.submit(f"[data-sign-off='{tablet.asset_tag}']")
    page.wait_for_url(f"**/skills/worker/{salome.pk}/")
    settle(page)
    assert tablet.events.filter(code=DeviceEvent.Code.NO_STORAGE_SIGNED_OFF).count() == 1
    assert page.locator(f"[data-sign-off-row='{tablet.asset_tag}']").count() == 0
    walk.submit(f"[data-verification='{sample.erasure.drive.tag}'] [data-action='check-passed']")
    page.wait_for_url(f"**/skills/worker/{salome.pk}/")
    settle(page)
    sample.refresh_from_db()
    assert sample.passed is True and sample.checked_by == claire
    assert page.locator("[data-no-checks]").is_visible()

    # The validation: erase and check drives, autonomous, with a comment; two clicks, one row.
    page.select_option("[data-validate-skill]", label="Effacer et contrôler les disques")
    walk.actions += 1
    page.select_option("[data-validate-level]", value=str(Level.AUTONOMOUS))
    walk.actions += 1
    walk.type("[data-validate-comment]", "Trouve tous les disques et vérifie chaque effacement.")
    walk.submit("[data-validate]")
    page.wait_for_url(f"**/skills/worker/{salome.pk}/")
    settle(page)
    assert SkillValidation.objects.filter(worker=salome).count() == 1
    validation = SkillValidation.objects.get(worker=salome)
    assert (validation.skill.code, validation.level, validation.coach) == (
        "erase", Level.AUTONOMOUS, claire,
    )  # fmt: skip
    assert erase_card.get_attribute("data-level") == "3"
    assert "Autonome" in erase_card.inner_text()
    assert page.locator("[role='alert'].alert--error").count() == 0
    walk.check_screen("validated")
    page.locator("form[action$='/signout/'] button").click()
    page.wait_for_url("**/signin/**")

    # Salomé, on her phone: badge and PIN, then her skills from the first screen.
    phone = chromium.new_context(
        viewport=PHONE, locale="fr-FR", base_url=live_server.url, accept_downloads=True,
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    phone.set_default_timeout(15_000)
    mobile = phone.new_page()
    errors: list[str] = []
    mobile.on("pageerror", lambda error: errors.append(str(error)))
    hands = SkillsWalk(mobile)
    hands.shots = walk.shots
    mobile.goto("/")
    mobile.wait_for_url("**/signin/**")
    hands.scan("BADGE-SALOME")
    hands.scan("2580")
    mobile.wait_for_url("**/workstation/**")
    hands.click("[data-my-skills]")
    mobile.wait_for_url("**/skills/me/")
    settle(mobile)
    card = mobile.locator("[data-skill='erase']")
    assert card.get_attribute("data-level") == "3"
    text = card.inner_text()
    assert "Effacer et contrôler les disques" in text and "Autonome" in text
    assert "Claire Martin" in text
    assert card.locator("[data-evidence]").get_attribute("data-count") == "4"
    assert "Mes compétences" in mobile.inner_text("h1")
    hands.check_screen("phone", phone=True)

    # Her attestation, from her page.
    with mobile.expect_download() as download:
        hands.click("[data-attestation]")
    text = _pdf_text(download.value.path().read_bytes())
    assert "Attestation de compétences" in text
    assert "Salomé Petit" in text
    assert "Effacer et contrôler les disques" in text
    assert "Autonome" in text and "Claire Martin" in text
    assert "Disques effacés" in text  # the volumes of her work
    phone.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert CHROMIUM_ARGS
