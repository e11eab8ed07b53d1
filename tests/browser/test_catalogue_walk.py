"""The public catalogue and the grading bench's photos, walked in Chromium by clicking.

A visitor opens the catalogue from the certificate-check page (a public page), filters on
laptops, and opens an offer: the specs, the grade, the prices and the order link are there, no
serial number. A bench worker at "Tri et grade" then adds two photos of a graded laptop from
the grading screen, clicking the submit button twice: two photos, not four; once it goes on
sale, the catalogue shows their thumbnails.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from demo.walks import device_advance
from refurb.models import DevicePhoto
from refurb.states import State
from shop.models import CatalogueOffer
from tests import factories
from tests.browser import test_shop_day_walk as shop_day
from tests.browser import test_workday_walk as workday
from tests.browser.conftest import CHROMIUM, settle
from tests.browser.test_software_walk import _sign_in, _workshop
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

french_page = workday.french_page
printer = workday.printer
SPECS = {"cpu_model": "Intel Core i5-8350U", "ram_gb": 8, "storage_gb": 256, "storage_kind": "ssd"}


def _photo(path, colour) -> str:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.mark.slow(9)
def test_a_visitor_filters_the_catalogue_and_a_grader_adds_photos_once(
    french_page, chromium, live_server, printer, make_user, tmp_path, settings
):
    assert CHROMIUM
    settings.MEDIA_ROOT = tmp_path / "media"
    site, crew, tested = _workshop(printer.port, make_user)
    yesterday = timezone.now() - timedelta(days=1)
    for number in range(2):
        device = factories.make_device(
            site=site,
            actor=crew.bench,
            serial_number=f"PF-HIDDEN-{number}",
            make="Lenovo",
            model="ThinkPad T480",
            specs=SPECS,
            now=yesterday,
        )
        device_advance(device, State.ON_SALE, crew, now=yesterday, step=timedelta(minutes=5))
    screen = factories.make_device(
        site=site, category_code="screen", actor=crew.bench, make="Dell", model="P2214H"
    )
    device_advance(screen, State.ON_SALE, crew, now=yesterday, step=timedelta(minutes=5))
    # The shop's hook refreshed the catalogue as each move committed.
    assert CatalogueOffer.objects.filter(model="ThinkPad T480").get().units == 2
    page = french_page
    walk = shop_day.ShopWalk(page, prefix="catalogue")

    # A visitor, signed out, on the certificate-check page.
    page.goto("/verify/")
    walk.click("a[href='/catalogue/']")
    page.wait_for_url("**/catalogue/")
    assert page.locator("[data-offer]").count() == 2
    walk.check_screen("catalogue")
    page.select_option("#category", "laptop")
    walk.submit("[data-filter-submit]")
    page.wait_for_url("**/catalogue/?*category=laptop*")
    assert page.locator("[data-offer]").count() == 1
    walk.click("[data-offer] h3 a")
    page.wait_for_url("**/catalogue/*/")
    text = page.inner_text("#bench-main")
    assert "Lenovo ThinkPad T480" in text
    assert "Mémoire\u202f: 8\u00a0Go" in text
    assert "Grade B" in text
    assert "Connectez-vous pour réserver" in text
    assert "PF-HIDDEN" not in page.content()
    assert page.locator("[data-no-photo]").count() == 1
    walk.check_screen("offer")

    # A bench worker at the grading bench adds two photos, clicking twice.
    badge_create(user=crew.bench, code="BADGE-SALOME", pin="2580")
    _sign_in(page, walk, "BADGE-SALOME", "2580", "Tri et grade")
    page.wait_for_url("**/grading/")
    walk.scan(tested.asset_tag)
    page.wait_for_url(f"**/grading/{tested.asset_tag}/")
    walk.submit("[data-grade='B']")
    page.locator("#photo-input").set_input_files(
        [_photo(tmp_path / "face.jpg", (200, 40, 40)), _photo(tmp_path / "dos.jpg", (40, 40, 200))]
    )
    walk.submit("[data-photo-submit]")
    settle(page)
    assert DevicePhoto.objects.filter(device=tested).count() == 2, "a double click adds them once"
    assert page.locator("[data-photo]").count() == 2
    assert "2 photos ajoutées." in page.inner_text("#bench-main")
    walk.check_screen("grading-photos")
