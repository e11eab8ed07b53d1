"""Job messages are stored as a msgid and its parameters and read in the reader's language:
a job failed by a French worker reads in English for an English reader, and the other way
round, on /jobs/ and in the API (``/api/jobs/``); rows written before keep their text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests import factories
from workshop import jobs, roles
from workshop.models import Job, WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_manager(make_user):
    return make_user(roles.MANAGER, username="nadia")


def page_line(client, job, language: str) -> str:
    html = client.get(reverse("bench:jobs"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    start = html.index(f'data-job="{job.pk}"')
    return html[start : html.index("</tr>", start)]


def test_a_job_failed_in_french_reads_in_english_for_an_english_reader_and_back(
    client, network_manager
):
    with translation.override("fr"):  # the worker's language
        failed = jobs.job_create("command", {"command": "rm -rf"})
    assert failed.status == Job.Status.FAILED
    assert failed.message_data["id"] == "Unknown command: %(name)s."
    assert failed.message_data["params"] == {"name": "rm -rf"}
    assert failed.message.startswith("Commande inconnue")  # the writer's text, kept

    client.force_login(network_manager)
    assert "Unknown command: rm -rf." in page_line(client, failed, "en")
    assert "Commande inconnue\u202f: rm -rf." in page_line(client, failed, "fr")

    with translation.override("en"):
        written_in_english = jobs.job_create("command", {"command": "nope"})
    assert "Commande inconnue\u202f: nope." in page_line(client, written_in_english, "fr")


def test_the_reaper_s_message_reads_in_each_reader_s_language(client, network_manager):
    job = Job.objects.create(kind="command", payload={"command": "purge_idempotency_keys"})
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now, lease_until=now + timedelta(minutes=1)
    )
    with translation.override("fr"):
        assert jobs.jobs_reap(now=now + timedelta(minutes=2)) == 1
    job.refresh_from_db()
    with translation.override("en"):
        assert job.shown_message.startswith("Interrupted: the worker stopped")
    with translation.override("fr"):
        assert job.shown_message.startswith("Interrompue")


def test_a_nested_message_renders_each_part_in_the_reader_s_language():
    from labels.services import PRINT_ERROR_MESSAGES

    inner = jobs.job_message(PRINT_ERROR_MESSAGES["refused"], printer="Zebra <b>1</b>")
    outer = jobs.job_message(jobs.MESSAGES["attempt_failed"], n=1, s=10, message=inner)
    with translation.override("en"):
        english = jobs.message_render(outer)
    with translation.override("fr"):
        french = jobs.message_render(outer)
    assert english.startswith("Attempt 1 failed, trying again in 10 s: ")
    assert "Zebra <b>1</b>" in english and "Zebra <b>1</b>" in french
    assert french.startswith("L’essai 1 a échoué") and "a refusé la connexion" in french
    with translation.override("en"):
        advice = str(PRINT_ERROR_MESSAGES["refused"]) % {"printer": "Zebra <b>1</b>"}
    assert english.split(": ", 1)[1] == advice


def test_a_row_written_before_the_msgids_keeps_its_text(client, network_manager):
    old = Job.objects.create(
        kind="command", status=Job.Status.FAILED, message="Ancien message <script>x</script>"
    )
    client.force_login(network_manager)
    line = page_line(client, old, "en")
    assert "Ancien message &lt;script&gt;x&lt;/script&gt;" in line  # escaped, never run
    api = APIClient()
    api.force_authenticate(network_manager)
    assert api.get(f"/api/jobs/{old.pk}/").json()["message"] == old.message


def test_a_hostile_parameter_is_escaped_on_the_jobs_page(client, network_manager):
    failed = jobs.job_create("command", {"command": "<script>alert(1)</script>"})
    client.force_login(network_manager)
    line = page_line(client, failed, "en")
    assert "<script>alert(1)" not in line and "&lt;script&gt;alert(1)" in line


def test_the_jobs_api_reads_in_the_request_s_language_and_retries_once(
    network_manager, django_assert_num_queries
):
    with translation.override("fr"):
        failed = jobs.job_create("command", {"command": "nope"})
        jobs.job_create("command", {"command": "purge_idempotency_keys"})
    api = APIClient()
    api.force_authenticate(network_manager)
    english = api.get("/api/jobs/?status=failed", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["id"] for row in english["results"]] == [failed.pk]
    assert english["results"][0]["message"] == "Unknown command: nope."
    french = api.get(f"/api/jobs/{failed.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["message"] == "Commande inconnue\u202f: nope."
    assert french["file"] is None and french["status"] == "failed"
    assert api.get("/api/jobs/?status=lost").status_code == 400

    first = api.post(f"/api/jobs/{failed.pk}/retry/")
    second = api.post(f"/api/jobs/{failed.pk}/retry/")
    assert first.status_code == 200 and first.json()["attempts"] == 2
    # Immediate queue: the retry ran and failed again, so a second retry is a new one; with a
    # worker the second click finds it queued (409), tested on the page's walk.
    assert second.status_code == 200 and second.json()["attempts"] == 3

    for _ in range(5):
        jobs.job_create("command", {"command": "nope"})
    with django_assert_num_queries(2):  # count, page (constant in the number of rows)
        assert api.get("/api/jobs/").status_code == 200


def test_the_jobs_api_is_for_managers_of_the_job_s_site(make_user, site, bench_worker):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    here = jobs.job_create("command", {"command": "nope"}, site=site)
    there = jobs.job_create("command", {"command": "nope"}, site=other)
    manager = make_user(roles.MANAGER, username="lyon-manager")
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    api = APIClient()
    api.force_authenticate(manager)
    ids = [row["id"] for row in api.get("/api/jobs/").json()["results"]]
    assert here.pk in ids and there.pk not in ids
    assert api.get(f"/api/jobs/{there.pk}/").status_code == 404
    assert api.post(f"/api/jobs/{there.pk}/retry/").status_code == 404
    api.force_authenticate(bench_worker)
    assert api.get("/api/jobs/").status_code == 403


def test_a_scheduled_command_is_named_by_its_schedule_and_its_english_report_is_folded(
    client, network_manager
):
    """/jobs/ names a periodic command by its schedule's label, never its code, and says it
    is done in the reader's language; the command line's own report (English) is folded."""
    done = jobs.job_create("command", {"command": "expire_reservations"})
    assert done.status == Job.Status.DONE
    client.force_login(network_manager)
    line = page_line(client, done, "fr")
    assert "expire_reservations" not in line
    assert "(expiration des réservations)" in line
    assert "Terminée\u202f: le compte rendu de la commande est ci-dessous." in line
    assert '<details class="job-output"><summary>Compte rendu de la commande (en anglais)' in line
    assert '<pre lang="en">' in line


def test_file_sizes_read_the_french_way_through_one_helper():
    from django.utils import translation

    from workshop.backups import human_size
    from workshop.units import file_size

    with translation.override("fr"):
        assert [file_size(n) for n in (345, 12_345, 1_234_567, 9_876_543_210)] == [
            "345\u00a0octets",
            "12,1\u00a0Kio",
            "1,2\u00a0Mio",
            "9,2\u00a0Gio",
        ]
    with translation.override("en"):
        assert file_size(12_345) == "12.1\u00a0KB"
    assert human_size(1_234_567) == "1.2\u00a0MB"  # the command line's English report


def test_the_backup_summary_says_its_size_in_the_readers_language(
    settings, tmp_path, monkeypatch, client, make_user
):
    from django.urls import reverse

    from workshop import roles

    def backup_database(*, output_dir, now):
        path = output_dir / "atelier-20260104-023000.sqlite3"
        path.write_bytes(b"x" * 12_345)
        return path

    monkeypatch.setattr("workshop.tasks.backup_database", backup_database)
    job = jobs.job_create("backup", {"dir": str(tmp_path)})
    client.force_login(make_user(roles.MANAGER, username="nadia"))
    html = client.get(reverse("bench:jobs")).content.decode()
    assert "atelier-20260104-023000.sqlite3 (12,1\u00a0Kio)" in html
    # As a word: a random CSRF token may hold the letters "KB".
    assert not re.search(r"\bKB\b", html) and "data-refresh" not in html  # nothing runs
    html = client.get(reverse("bench:jobs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(12.1\u00a0KB)" in html
    assert job.status == "done"


def test_the_jobs_page_refreshes_itself_only_while_a_job_runs(client, make_user):
    from django.urls import reverse

    from workshop import roles
    from workshop.models import Job

    client.force_login(make_user(roles.MANAGER, username="nadia"))
    Job.objects.create(kind="backup", status=Job.Status.RUNNING, total=10, done=3)
    html = client.get(reverse("bench:jobs")).content.decode()
    assert 'id="jobs-live"' in html and 'data-refresh="3000"' in html
    assert '<progress max="10" value="3">' in html
    Job.objects.update(status=Job.Status.DONE)
    assert "data-refresh" not in client.get(reverse("bench:jobs")).content.decode()
