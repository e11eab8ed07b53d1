"""A manager's compliance records in French, from the screens only.

Nadia (network manager, badge ``BADGE-NADIA`` · ``7315``) signs in, chooses the stock bench of
Lyon and scans a graded laptop: from its card she opens its refurbishing evidence («
Reconditionné en France », tested and erased at Lyon) and downloads its PDF. From the reports
she opens the waste register, sees a shipment whose register details are missing, fills them
in on the shipment (submit clicked twice: one save) and downloads the register's CSV; then the
audit archive of Lyon for the quarter, whose manifest she checks. No typed address after the
sign-in; axe finds no serious or critical violation on any of these screens.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from inventory.models import Carrier, ReceivingFacility, RecyclingShipment
from inventory.waste import REGISTER_COLUMNS
from refurb import services as refurb_services
from refurb.states import State
from reports.audit_export import archive_verify
from tests import factories
from tests.browser.conftest import (
    CHROMIUM,
    SCREENSHOTS,
    axe_violations,
    settle,
    sign_in_with_badge,
)
from tests.shop.support import siren_valid, siret_valid
from workshop import roles
from workshop.models import WorkstationKind
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


def _workshop():
    lyon = factories.SiteFactory(code="LY", name="Atelier solidaire de Lyon")
    factories.site_legal(lyon)
    nadia = factories.UserFactory(
        username="nadia", first_name="Nadia", last_name="Lefèvre", roles=[roles.MANAGER]
    )
    badge_create(user=nadia, code="BADGE-NADIA", pin="7315")
    bench = factories.UserFactory(username="salome", roles=["bench_worker"], site=lyon)
    coach = factories.UserFactory(username="claire", roles=["coach"], site=lyon)
    shop = factories.UserFactory(username="lucas", roles=["shop"], site=lyon)
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
    start = timezone.now() - timedelta(days=1)
    laptop = factories.make_device(
        site=lyon, actor=bench, make="Lenovo", model="ThinkPad T470", now=start
    )
    refurb_services.drive_add(device=laptop, actor=bench, kind="ssd", now=start)
    device_advance(laptop, State.GRADED, crew, now=start, step=timedelta(minutes=30))
    shipment = inventory_services.shipment_open(site=lyon, recycler="Envie 2E Rhône")
    inventory_services.shipment_add_parts(
        shipment=shipment, description="Cartes et câbles", weight_kg="48.250"
    )
    inventory_services.shipment_ship(shipment=shipment, actor=nadia)
    Carrier.objects.create(
        name="Transports Rhodaniens",
        siren=siren_valid("44455566"),
        address="4 rue du Port, 69007 Lyon",
        receipt_number="69-2024-0012",
    )
    ReceivingFacility.objects.create(
        name="Envie 2E Rhône", siret=siret_valid("51122233"), address="Vénissieux"
    )
    return {"lyon": lyon, "laptop": laptop, "shipment": shipment}


def _submit_twice(page, selector: str) -> None:
    page.locator(selector).first.evaluate(
        "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
    )
    settle(page)
    page.wait_for_timeout(150)
    settle(page)


def _check(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"compliance-{name}.png"), full_page=True)


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.mark.slow(10)
def test_a_manager_reads_the_evidence_fills_the_waste_register_and_exports_the_audit(
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

    sign_in_with_badge(page, "BADGE-NADIA", "7315")
    page.locator("button[data-name='Poste stock']").click()
    settle(page)

    # The device card links to its refurbishing evidence.
    page.keyboard.type(floor["laptop"].asset_tag, delay=5)
    page.keyboard.press("Enter")
    settle(page)
    page.locator("[data-evidence-link]").click()
    page.wait_for_url("**/evidence/")
    assert page.inner_text("[data-claim]").strip() == "Reconditionné en France"
    assert page.inner_text("[data-in-france]").strip().startswith("oui")
    _check(page, "evidence")
    with page.expect_download() as download:
        page.locator("[data-evidence-pdf]").click()
    text = _pdf_text(download.value.path().read_bytes()).replace("\u00a0", " ")
    assert floor["laptop"].asset_tag in text and "R. 122-4" in text

    # The waste register, from the reports: the shipment lacks its register details.
    page.locator(".topbar a[href='/reports/']").click()
    settle(page)
    page.locator("[data-waste-register-link]").click()
    page.wait_for_url("**/waste-register/**")
    assert page.locator("[data-incomplete]").is_visible()
    _check(page, "register-incomplete")
    shipment = floor["shipment"]
    page.locator(f"[data-register] a[href='/shipments/{shipment.pk}/']").click()
    page.wait_for_url(f"**/shipments/{shipment.pk}/")
    form = page.locator("[data-register-form] form")
    form.locator("select[name='waste_code']").select_option(
        label="16 02 14 · "
        + ("Équipements mis au rebut autres que ceux visés aux rubriques 16 02 09 à 16 02 13")
    )
    form.locator("select[name='carrier']").select_option(label="Transports Rhodaniens")
    form.locator("select[name='facility']").select_option(label="Envie 2E Rhône")
    form.locator("input[name='treatment_code']").fill("R4")
    form.locator("input[name='eco_organisation']").fill("Ecosystem")
    eco = siren_valid("83303332")
    form.locator("input[name='eco_organisation_siren']").fill(f"{eco[:3]} {eco[3:6]} {eco[6:]}")
    _submit_twice(page, "[data-register-form] button[type='submit']")
    assert page.locator(".alert--success").count() == 1, page.inner_text("main")
    shipment = RecyclingShipment.objects.get(pk=shipment.pk)
    assert shipment.waste_code.code == "16 02 14" and shipment.eco_organisation_siren == eco
    _check(page, "shipment-register")
    page.locator("[data-register-form] a").click()
    page.wait_for_url("**/waste-register/**")
    assert page.locator("[data-incomplete]").count() == 0
    with page.expect_download() as download:
        page.locator("[data-register-csv]").click()
    table = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert table[0] == REGISTER_COLUMNS
    line = dict(zip(table[0], table[1], strict=True))
    assert line["Code du déchet"] == "16 02 14" and line["Quantité (tonnes)"] == "0.048"

    # The audit archive of Lyon for the quarter, from the reports.
    page.locator(".topbar a[href='/reports/']").click()
    settle(page)
    page.locator("[data-audit-link]").click()
    page.wait_for_url("**/reports/audit/")
    page.locator("select[name='site']").select_option(label=str(floor["lyon"]))
    _check(page, "audit")
    # Prepared in the background (an export job): the screen links to the job and its file.
    _submit_twice(page, "[data-audit-form] button[type='submit']")
    assert page.locator("[data-export-job]").count() == 1, page.inner_text("main")
    assert "arrière-plan" in page.inner_text("main")
    _check(page, "audit-prepared")
    with page.expect_download() as download:
        page.locator("[data-export-file]").click()
    assert archive_verify(download.value.path().read_bytes()) == []

    context.close()
    assert not errors, f"JavaScript errors: {errors}"
