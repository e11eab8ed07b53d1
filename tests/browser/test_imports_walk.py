"""The offline agent's USB stick imported from the erasure bench, walked in French.

Salomé signs in with her badge at « Effacement 1 » and types no address afterwards: she opens
the import screen from the bench's link, chooses the stick's files (a .zip of its folder and a
loose file), clicks « Importer ces fichiers » twice (one job), and watches the page update
itself (n of N) while the job runs, then reads each file's result: imported, refused with the
reason in French. She imports the same stick again: every file is « déjà importé » and nothing
is recorded twice. The queue is a real SQLite queue with no worker, so the page's own refresh
is what shows the job's progress, as the test runs the job.
"""

from __future__ import annotations

import pytest

from refurb.imports import zip_of
from refurb.models import Device, Snapshot
from tests import factories
from tests.browser.conftest import (
    CHROMIUM,
    assert_accessible,
    screenshot,
    settle,
    submit_twice,
)
from tests.jobs.report_files import laptop_snapshot
from workshop import jobs, roles
from workshop.models import Job, WorkstationKind
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


def _import(page, files) -> Job:
    before = set(Job.objects.filter(kind="report_import").values_list("pk", flat=True))
    page.set_input_files("input[name='files']", [str(path) for path in files])
    submit_twice(page, "[data-import-form] button[type='submit']")
    page.wait_for_url("**/imports/*/")
    settle(page)
    made = Job.objects.filter(kind="report_import").exclude(pk__in=before)
    assert made.count() == 1  # two clicks, one job
    return made.get()


def _run_and_watch(page, job: Job) -> None:
    """Run the queued job (the worker's part) and wait for the open page to show it done."""
    page.evaluate("window.__notReloaded = true")
    assert page.locator("#import-live").get_attribute("data-refresh")
    assert page.locator("#import-progress").get_attribute("value") == "0"
    assert jobs.job_run(job.pk) == Job.Status.DONE
    page.wait_for_selector("#import-live[data-status='done']", timeout=15_000)
    assert page.evaluate("window.__notReloaded === true")  # updated in place, not reloaded
    assert page.locator("#import-live").get_attribute("data-refresh") is None


@pytest.mark.slow(9)
def test_a_bench_worker_imports_an_offline_stick_twice_and_nothing_is_recorded_twice(
    chromium, live_server, tmp_path
):
    assert CHROMIUM
    jobs.queue_configure("sqlite", sqlite_path=str(tmp_path / "queue.sqlite3"))
    lyon = factories.SiteFactory(code="LY", name="Atelier solidaire de Lyon")
    factories.site_legal(lyon)
    salome = factories.UserFactory(username="salome", roles=[roles.BENCH_WORKER], site=lyon)
    badge_create(user=salome, code="BADGE-SALOME", pin="2580")
    factories.WorkstationFactory(site=lyon, kind=WorkstationKind.ERASURE, name="Effacement 1")
    stick = tmp_path / "cle.zip"
    stick.write_bytes(
        zip_of(
            {
                "snapshots/SYN14000051-20261202T090000Z.json": laptop_snapshot(51),
                "snapshots/SYN14000052-20261202T091500Z.json": laptop_snapshot(52),
                "snapshots/.Trash-1000/x.json": b"{}",
            }
        )
    )
    loose = tmp_path / "<img src=x onerror=alert(1)>.json"
    loose.write_bytes(b"pas du JSON")

    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto("/")
        page.wait_for_url("**/signin/**")
        for text in ("BADGE-SALOME", "2580"):
            page.keyboard.type(text, delay=5)
            page.keyboard.press("Enter")
            settle(page)
        page.wait_for_url("**/workstation/**")
        page.locator("button[data-name='Effacement 1']").click()
        settle(page)
        page.locator("a[data-link='imports']").click()
        page.wait_for_url("**/imports/")
        settle(page)
        assert "Importer les rapports d’un agent hors ligne" in page.inner_text("h1")
        assert_accessible(page, "imports")

        job = _import(page, [stick, loose])
        assert job.status == Job.Status.QUEUED and job.total == 3
        assert "0 fichiers sur 3" in page.inner_text("#import-live")
        _run_and_watch(page, job)
        live = page.inner_text("#import-live")
        assert "3 fichiers sur 3" in live
        assert "Importés\u202f: 2 · déjà importés\u202f: 0 · refusés\u202f: 1" in live, live
        rows = page.locator("tr[data-file-result]")
        assert [rows.nth(i).get_attribute("data-file-result") for i in range(3)] == [
            "imported",
            "imported",
            "refused",
        ]
        assert (
            "<img src=x onerror=alert(1)>.json" in rows.nth(2).inner_text()
        )  # shown as text, not markup
        assert "n’est pas un rapport écrit par l’agent" in rows.nth(2).inner_text()
        assert_accessible(page, "import-done")
        screenshot(page, "imports-done")
        assert Snapshot.objects.count() == 2 and Device.objects.count() == 2

        # The same stick again, from the page's link: every file already imported.
        page.locator("a[href='/imports/']").last.click()
        page.wait_for_url("**/imports/")
        settle(page)
        again = _import(page, [stick])
        _run_and_watch(page, again)
        rows = page.locator("tr[data-file-result]")
        assert [rows.nth(i).get_attribute("data-file-result") for i in range(2)] == [
            "duplicate",
            "duplicate",
        ]
        assert "Déjà importé" in rows.nth(0).inner_text()
        assert Snapshot.objects.count() == 2 and Device.objects.count() == 2
    finally:
        context.close()
        jobs.queue_configure("immediate")
    assert not errors, f"JavaScript errors: {errors}"
