"""The jobs page, walked by a manager in French from her own screens.

Nadia signs in with her badge and types no address afterwards: on the reports she asks for a
table's CSV « en arrière-plan » (the button clicked twice: one job), follows the link to the
job on the jobs page, sees its progress and downloads the file; then she retries a print that
failed while the printer was off (the Retry button clicked twice: one retry), and the printer,
switched on since, receives its label once.
"""

from __future__ import annotations

import pytest

from labels.models import Printer, PrintJob
from labels.services import print_job_create
from tests import factories
from tests.browser.conftest import CHROMIUM, assert_accessible, settle, submit_twice
from tests.jobs.support import CountingPrinter, closed_port, wait_for
from workshop import jobs, roles
from workshop.exceptions import DomainError
from workshop.models import Job, WorkstationKind
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


def test_a_manager_follows_an_export_on_the_jobs_page_and_retries_a_failed_print(
    chromium, live_server
):
    assert CHROMIUM
    jobs.queue_configure("immediate")
    lyon = factories.SiteFactory(code="LY", name="Atelier solidaire de Lyon")
    factories.site_legal(lyon)
    nadia = factories.UserFactory(username="nadia", roles=[roles.MANAGER], site=lyon)
    badge_create(user=nadia, code="BADGE-NADIA", pin="7315")
    factories.WorkstationFactory(site=lyon, kind=WorkstationKind.STOCK, name="Poste stock")
    device = factories.make_device(site=lyon, actor=nadia)

    # A print sent while the printer was off: failed, with the printer's message.
    printer = Printer.objects.create(
        site=lyon,
        name="Zebra <accueil>",
        kind=Printer.Kind.RAW9100,
        host="127.0.0.1",
        port=closed_port(),
        default_stock="zebra-57x32",
        timeout_seconds=2,
    )
    with pytest.raises(DomainError):
        print_job_create(
            template="device_tag", codes=[device.asset_tag], printer=printer, actor=nadia
        )
    failed = Job.objects.get(kind="print")
    assert failed.status == Job.Status.FAILED

    context = chromium.new_context(
        viewport=DESKTOP, locale="fr-FR", base_url=live_server.url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    listener = CountingPrinter()
    try:
        page.goto("/")
        page.wait_for_url("**/signin/**")
        for text in ("BADGE-NADIA", "7315"):
            page.keyboard.type(text, delay=5)
            page.keyboard.press("Enter")
            settle(page)
        page.wait_for_url("**/workstation/**")
        page.locator("button[data-name='Poste stock']").click()
        settle(page)

        # An export from the reports, prepared in the background.
        page.locator(".topbar a[href='/reports/']").click()
        settle(page)
        page.locator("[data-export-form] select[name='report']").select_option("stock_by_state")
        submit_twice(page, "[data-export-form] button[type='submit']")
        main = page.inner_text("main")
        assert "arrière-plan" in main, main
        assert page.locator("[data-export-job]").count() == 1  # two clicks, one job
        export = Job.objects.get(kind="export")
        assert export.status == Job.Status.DONE
        assert_accessible(page, "reports-exports")

        # Its link leads to the jobs page, where it shows with its progress and its file.
        page.locator(f"[data-export-job='{export.pk}'] [data-job-link]").click()
        page.wait_for_url("**/jobs/**")
        settle(page)
        row = page.locator(f"tr[data-job='{export.pk}']")
        assert row.get_attribute("data-status") == "done"
        assert row.locator("progress").get_attribute("value") == "1"
        assert "Fichier prêt" in row.inner_text()
        assert_accessible(page, "jobs")
        with page.expect_download() as download:
            row.locator("[data-job-file]").click()
        csv_text = download.value.path().read_text(encoding="utf-8-sig")
        assert csv_text.splitlines()[0].count(",") >= 1

        # The failed print: its message, in French, names the printer (escaped).
        row = page.locator(f"tr[data-job='{failed.pk}']")
        assert row.get_attribute("data-status") == "failed"
        assert "Zebra <accueil>" in row.inner_text()
        # The printer is switched on (listening now); Retry is clicked twice: one retry.
        Printer.objects.filter(pk=printer.pk).update(port=listener.port)
        submit_twice(page, f"tr[data-job='{failed.pk}'] button[type='submit']")
        assert page.locator(".alert--success").count() >= 1, page.inner_text("main")
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (Job.Status.DONE, 2)
        wait_for(lambda: listener.labels >= 1, what="the label", timeout=10)
        page.wait_for_timeout(300)
        assert listener.labels == 1
        assert PrintJob.objects.get(job=failed).status == PrintJob.Status.SENT
        assert page.locator(f"tr[data-job='{failed.pk}']").get_attribute("data-status") == "done"
    finally:
        listener.close()
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
