"""R2v3 sampling in a real browser: another worker fails a drawn drive's check, clicking twice."""

from __future__ import annotations

import pytest

from refurb import services as refurb_services
from refurb.models import DeviceEvent, Drive, VerificationSample
from tests import factories
from tests.browser.conftest import axe_violations, screenshot, settle
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_another_worker_fails_a_drawn_drive_with_a_double_click(page, make_user, settings):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    factories.site_legal(site)
    factories.WorkstationFactory(site=site, kind=WK.ERASURE, name="Banc effacement")
    eraser = make_user(roles.BENCH_WORKER, username="salome")
    checker = make_user(roles.BENCH_WORKER, username="karim", first_name="Karim")
    badge_create(user=checker, code="B-KARIM", pin="1234")
    laptop = factories.make_device(site=site, actor=eraser)
    drive = refurb_services.drive_add(device=laptop, actor=eraser, serial_number="WD-1")
    refurb_services.drive_record_erasure(
        drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=True, actor=eraser,
    )  # fmt: skip
    sample = VerificationSample.objects.get(erasure__drive=drive)

    page.goto("/")
    page.wait_for_url("**/signin/**")
    page.keyboard.type("B-KARIM")
    page.keyboard.press("Enter")
    page.keyboard.type("1234")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workstation/**")
    page.locator("button[name='workstation'][data-name='Banc effacement']").click()
    page.wait_for_url("**/erasure/")
    settle(page)
    card = page.locator(f"[data-verification='{drive.tag}']")
    assert card.is_visible()
    assert not axe_violations(page)
    screenshot(page, "verification-checks")
    card.locator(f"#check-note-{sample.pk}").fill("secteurs non nuls à 12 %")
    card.locator("[data-action='check-failed']").evaluate(
        "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
    )
    settle(page)
    # The page the second click's answer loads no longer holds the first answer's message
    # (the first page load consumed it): what counts is one check recorded and the card gone.
    assert page.locator(f"[data-verification='{drive.tag}']").count() == 0
    sample.refresh_from_db()
    drive.refresh_from_db()
    assert (sample.passed, sample.checked_by, drive.status) == (
        False,
        checker,
        Drive.Status.PENDING,
    )
    assert DeviceEvent.objects.filter(code=DeviceEvent.Code.DRIVE_CHECK).count() == 1
