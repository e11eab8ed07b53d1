"""A donation end to end in a real browser, through the screens only (issue 21).

A company offers 12 laptops through the public form; the manager accepts the offer and plans a
round; the driver's slip counts the 12 laptops and is signed on the tablet (the mouse draws on
both canvases); a bench worker opens the collection at intake by scanning its label and
registers the 12 laptops with the scanner; at the erasure bench each laptop's drive is added
and its nwipe log dropped on it; the manager issues the collection's certificates from the
donor's screen; the donor opens their page from the mail the loopback SMTP server received,
downloads a laptop's certificate and checks its code on /verify/, signed out. Every submit is
clicked twice (``Walk.submit``) and the screens are French.

The nwipe log is a real run read in place from ../shared/samples (never copied): it names no
serial, so the bench records it on the drive it is dropped on.

All 12 laptops go through the screens: measured on the shared 2-core machine, the intake of the
12 takes 7 to 14 s and their erasure 23 to 39 s (the test prints both), the whole walk about
3,5 min with the server's start.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Collection, DonationOffer, PickupSlip
from refurb.models import Certificate, Device, Drive
from refurb.states import State
from tests import factories
from tests.browser.conftest import SCREENSHOTS, focused, settle
from tests.browser.test_workday_walk import (  # noqa: F401  (french_page, printer: fixtures)
    NWIPE_LOG,
    Walk,
    _printed_codes,
    _workshop,
    french_page,
    printer,
)
from tests.refurb.parsers.samples import hw_path
from workshop import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
LAPTOPS = 12
SCAN = "#scan-code"


def draw(page, selector: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 25, y + (15 if step % 2 else -15))
    page.mouse.up()


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.wait_for_url("**/signin/**")
    page.click("summary")
    page.fill("#id_pw-username", username)
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")
    page.wait_for_url(lambda url: "/signin/" not in url)  # the workstation, or the bench kept


def sign_out(page) -> None:
    page.locator("form[action$='/signout/'] button").click()
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"donation-{name}.png"), full_page=True)


def choose_workstation(page, walk: Walk, name: str) -> None:
    page.goto("/workstation/")
    walk.click(f"button[name='workstation'][data-name='{name}']")
    page.wait_for_load_state()
    settle(page)


def scan_into(page, walk: Walk, code: str) -> None:
    """The scanner types into the scan field (which has the focus) and ends with Enter."""
    if not focused(page, SCAN):
        page.locator(SCAN).focus()
    walk.scan(code)


@pytest.mark.slow(35)
def test_a_company_offers_12_laptops_and_follows_them_to_a_certificate(
    french_page,  # noqa: F811  (the fixtures imported above)
    printer,  # noqa: F811
    make_user,
    smtp_server,
):
    page, walk = french_page, Walk(french_page, prefix="donation-bench")
    site = _workshop(printer.port)  # Accueil 1 and Effacement 1 print to the demo printer
    factories.site_legal(site)
    make_user(roles.MANAGER, username="lead", site=site, first_name="Marc")
    worker = make_user(roles.BENCH_WORKER, username="yanis", site=site, first_name="Yanis")

    # 1. The public form, reached from the sign-in page: 12 laptops.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    page.locator("[data-donate-link]").click()
    page.wait_for_url("**/donate/")
    today = timezone.localdate()
    page.select_option("#id_kind", "company")
    page.fill("#id_organisation", "Cabinet Martin & Associés")
    page.fill("#id_siret", "732 829 320 00074")
    page.fill("#id_contact_name", "Claire Dupont")
    page.fill("#id_contact_email", "claire@cabinet.example")
    page.fill("#id_address", "12 quai Perrache, 69002 Lyon")
    page.fill("#id_count_laptop", str(LAPTOPS))
    page.select_option("#id_age_laptop", "3to5")
    page.fill("#id_window_start", (today + timedelta(days=1)).isoformat())
    page.fill("#id_window_end", (today + timedelta(days=20)).isoformat())
    page.check("#id_consent")
    shot(page, "01-form")
    walk.submit("[data-donate-submit]")
    page.locator("[data-donate-thanks]").wait_for()
    offer = DonationOffer.objects.get()
    assert offer.total_count == LAPTOPS
    [ack] = smtp_server.wait(1)
    assert ack["To"] == "claire@cabinet.example"

    # 2. The manager: the top bar's offers, accept, plan a round.
    sign_in(page, "lead")
    page.locator("a[data-nav='offers']").click()
    shot(page, "02-offers")
    page.locator(f"tr[data-offer='{offer.pk}'] a").first.click()
    walk.submit("[data-accept]")
    page.locator("[data-offer-status='accepted']").wait_for()
    assert len(smtp_server.wait(2)) == 2  # received, accepted
    page.locator("a[data-plan-round]").click()
    page.fill("#id_date", (today + timedelta(days=2)).isoformat())
    page.fill("#id_time_from", "09:00")
    page.fill("#id_time_until", "12:30")
    page.fill("#id_vehicle", "Kangoo AB-123-CD")
    page.select_option("#id_driver", str(worker.pk))
    page.fill(f"#id_stop_{offer.pk}", "1")
    page.fill(f"#id_weight_{offer.pk}", "30,5")
    shot(page, "03-plan")
    walk.submit("[data-plan-submit]")
    page.locator("[data-stops]").wait_for()
    offer.refresh_from_db()
    assert offer.status == DonationOffer.Status.PLANNED
    with page.expect_download() as sheet:
        page.locator("[data-round-sheet]").click()
    assert sheet.value.suggested_filename.endswith(".pdf")
    planned = smtp_server.wait(3)[-1]  # the donor is told the day and the hours
    assert planned["To"] == "claire@cabinet.example"
    text = planned.get_body(("plain",)).get_content()
    assert "09:00" in text and "12:30" in text, text

    # 3. The driver's slip: the 12 laptops counted, signed on screen by both sides.
    page.locator("[data-slip-link]").click()
    assert page.input_value("#id_count_laptop") == str(LAPTOPS)  # the offer's count, to check
    page.fill("#id_count_laptop", str(LAPTOPS))
    page.fill("#id_weight_kg", "28,4")
    page.fill("#id_donor_signatory", "Claire Dupont")
    draw(page, "#sig-donor")
    draw(page, "#sig-driver")
    shot(page, "04-slip")
    walk.submit("[data-slip-submit]")
    try:
        page.locator("[data-slip-pdf]").wait_for()
    except Exception:
        raise AssertionError(page.inner_text("#bench-main")[:1500]) from None
    slip = PickupSlip.objects.get()
    assert slip.counts == {"laptop": LAPTOPS}
    assert bytes(slip.donor_signature).startswith(b"\x89PNG")
    assert bytes(slip.driver_signature).startswith(b"\x89PNG")
    collection = Collection.objects.get()
    assert collection.declared_count == LAPTOPS and str(collection.gross_weight_kg) == "28.400"
    collected = smtp_server.wait(4)[-1]  # the slip's summary, to the donor
    text = collected.get_body(("plain",)).get_content()
    assert f"{LAPTOPS} ×" in text and "28,4 kg" in text, text
    sign_out(page)

    # 4. Intake, as the bench worker: the collection's label scanned opens it, then the 12
    # laptops are registered with the scanner (the category and make stay from the last one).
    sign_in(page, "yanis")
    choose_workstation(page, walk, "Accueil 1")
    page.wait_for_url("**/intake/")
    scan_into(page, walk, collection.tag)
    assert collection.tag in page.inner_text(".collection-open")
    arrived = smtp_server.wait(5)[-1]  # the lot is here: the donor gets the link to their page
    assert arrived["To"] == "claire@cabinet.example"
    url = re.search(r"https?://\S+/my-donations/\S+/", arrived.get_body(("plain",)).get_content())
    walk.check_screen("intake-open")
    started = time.monotonic()
    tags: list[str] = []
    for n in range(1, LAPTOPS + 1):
        if n == 1:
            walk.click("[data-category='laptop']")
            walk.type("#id_make", "Dell")
        assert page.is_checked("[data-category='laptop']")
        assert page.input_value("#id_make") == "Dell"
        walk.type("#id_model", "Latitude 5490")
        page.locator("#id_serial_number").focus()
        walk.scan(f"CABINET-{n:04d}")  # the scanner's Enter moves on to the weight
        assert focused(page, "#id_weight_kg")
        walk.type("#id_weight_kg", "1,9")
        walk.submit("#register-title ~ form button[type='submit']")
        tags.append(page.inner_text("[data-new-tag]").strip())
        assert Device.objects.filter(collection=collection).count() == n  # once each
        assert page.locator(f"[data-collection-progress='{n}/{LAPTOPS}']").is_visible()
    intake_seconds = time.monotonic() - started
    walk.check_screen("intake-twelfth")
    devices = {d.asset_tag: d for d in Device.objects.filter(collection=collection)}
    assert len(smtp_server.messages) == 5, "the arrival is mailed once, not per device"
    assert sorted(devices) == sorted(tags)
    assert set(tags) <= _printed_codes(printer, LAPTOPS), "every tag label printed and scans"

    # 5. Erasure: each laptop scanned, its drive added, its nwipe log dropped on the drive,
    # then wiped; the next laptop's tag is scanned on the same screen.
    choose_workstation(page, walk, "Effacement 1")
    started = time.monotonic()
    for n, tag in enumerate(tags, start=1):
        scan_into(page, walk, tag)
        page.wait_for_url(f"**/erasure/{tag}/")
        walk.type("#id_serial_number", f"WD-CABINET-{n:04d}")
        walk.type("#id_capacity_gb", "256")
        walk.submit("[data-action='drive-add']")
        [drive] = Drive.objects.filter(device__asset_tag=tag)
        page.locator(f"#log-{drive.pk}").set_input_files(str(hw_path(NWIPE_LOG)))
        walk.actions += 1
        walk.submit(f"[data-drive='{drive.tag}'] [data-action='log-upload']")
        drive.refresh_from_db()
        assert drive.status == Drive.Status.ERASED and drive.erasures.count() == 1
        if n == 1:
            walk.check_screen("erasure-done")
        walk.submit("[data-move='wiped']")
        assert Device.objects.get(asset_tag=tag).state == State.WIPED
    erasure_seconds = time.monotonic() - started
    print(f"intake of {LAPTOPS} laptops: {intake_seconds:.1f} s; erasure: {erasure_seconds:.1f} s")
    sign_out(page)

    # 6. The manager issues every pending certificate of the collection from the donor's screen.
    sign_in(page, "lead")
    page.locator("a[href$='/donors/']").first.click()
    page.get_by_role("link", name=re.compile("Cabinet Martin")).first.click()
    walk.submit(f"[data-issue-pending='{collection.tag}']")
    assert Certificate.objects.filter(device__collection=collection).count() == LAPTOPS
    assert page.locator("[data-certificate-issued]").count() == LAPTOPS  # now to download
    shot(page, "06-donor-certificates")
    sign_out(page)

    # 7. The donor, signed out: the page the arrival mail links to, a laptop's certificate,
    # /verify/.
    page.goto(url.group(0))
    page.locator("[data-donor-page]").wait_for()
    listed = page.inner_text("[data-donor-devices]")
    assert all(f"CABINET-{n:04d}" in listed for n in range(1, LAPTOPS + 1))
    shot(page, "07-donor-page")
    device = devices[tags[0]]
    with page.expect_download() as pdf:
        page.locator(f"[data-device-certificate='{device.asset_tag}']").click()
    assert pdf.value.suggested_filename == f"certificate-{device.asset_tag}.pdf"
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    certificate = Certificate.objects.get(device=device)
    shown = page.inner_text(
        f"tr:has([data-device-certificate='{device.asset_tag}']) [data-certificate-code]"
    )
    code = shown.split()[-1]  # the donor reads the code beside the download
    assert code == certificate.code
    page.locator("a[href$='/verify/']").click()
    page.fill("#code", code)
    walk.submit("button[type='submit']")
    page.wait_for_url(f"**/verify/{certificate.code}")
    shot(page, "08-verify")
    assert page.locator("[data-status='valid']").is_visible()
    assert walk.second_clicks >= 4 * LAPTOPS  # intake, drive, log and wiped for each laptop
