"""The job system in the suite's own process: claim once, leases, retry, the jobs page, health,
and a Redis outage (the queue pointed at a closed port)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tests.jobs.support import closed_port
from workshop import jobs, roles
from workshop.models import Heartbeat, Job

pytestmark = pytest.mark.django_db


def test_a_job_runs_at_once_in_immediate_mode_and_a_repeated_message_runs_nothing():
    job = jobs.job_create("command", {"command": "purge_idempotency_keys"})
    assert job.status == Job.Status.DONE and job.attempts == 1
    assert jobs.job_run(job.pk) == ""  # the queue said it again: not claimed, not run
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_failing_job_records_its_message_and_a_retry_runs_it_again():
    job = jobs.job_create("command", {"command": "rm -rf"})
    assert job.status == Job.Status.FAILED
    assert "rm -rf" in job.message
    retried = jobs.job_retry(job)
    assert (retried.status, retried.attempts) == (Job.Status.FAILED, 2)


def test_only_a_failed_job_is_retried():
    job = jobs.job_create("command", {"command": "purge_idempotency_keys"})
    with pytest.raises(jobs.DomainError) as info:
        jobs.job_retry(job)
    assert info.value.code == "job_not_failed"


def test_a_running_job_whose_lease_ran_out_is_marked_failed_and_retryable():
    job = Job.objects.create(kind="command", payload={"command": "purge_idempotency_keys"})
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now, lease_until=now + timedelta(minutes=10)
    )
    assert jobs.jobs_reap(now=now + timedelta(minutes=5)) == 0
    assert jobs.jobs_reap(now=now + timedelta(minutes=11)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert jobs.job_retry(job).status == Job.Status.DONE


def test_the_scheduler_creates_the_periodic_jobs_due_at_their_local_time(settings, tmp_path):
    settings.TIME_ZONE = "Europe/Paris"
    jobs.queue_configure("sqlite", sqlite_path=str(tmp_path / "jobs.sqlite3"))  # queued only
    at = timezone.make_aware(timezone.datetime(2026, 3, 4, 2, 30), timezone.get_fixed_timezone(60))
    created = jobs.scheduler_tick(now=at)
    kinds = sorted(job.kind for job in created)
    assert {job.status for job in created} == {Job.Status.QUEUED}
    # 02:30 on a Wednesday: the quarter-hourly reservation expiry and the nightly backup.
    assert kinds == ["backup", "command"]
    assert Heartbeat.objects.get(name="scheduler").seen_at == at


def test_the_nightly_backup_keeps_the_newest_copies(settings, tmp_path, monkeypatch):
    """The backup itself is tests/workshop/test_backups.py's; here the job and its rotation."""
    settings.ATELIER_BACKUP_KEEP = 2
    for day in ("20260101", "20260102", "20260103"):
        (tmp_path / f"atelier-{day}-023000.sqlite3").write_bytes(b"old")

    def backup_database(*, output_dir, now):
        path = output_dir / "atelier-20260104-023000.sqlite3"
        path.write_bytes(b"new")
        return path

    monkeypatch.setattr("workshop.tasks.backup_database", backup_database)
    job = jobs.job_create("backup", {"dir": str(tmp_path)})
    assert job.status == Job.Status.DONE, job.message
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["atelier-20260103-023000.sqlite3", "atelier-20260104-023000.sqlite3"]
    assert len(job.result["deleted"]) == 2


@pytest.fixture
def network_manager(make_user):
    return make_user(roles.MANAGER, username="nadia")


def test_the_jobs_page_lists_failures_with_their_message_and_retries_them(client, network_manager):
    failed = jobs.job_create("command", {"command": "nope"})
    client.force_login(network_manager)
    home = client.get(reverse("bench:home"), follow=True)
    assert reverse("bench:jobs") in home.content.decode()  # reached from the top bar
    page = client.get(reverse("bench:jobs") + "?status=failed")
    html = page.content.decode()
    assert page.status_code == 200 and f'data-job="{failed.pk}"' in html
    assert "nope" in html
    response = client.post(reverse("bench:job-retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.attempts == 2


def test_a_site_manager_sees_their_site_s_jobs_only_and_other_roles_none(
    client, make_user, site, bench_worker
):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    here = jobs.job_create("command", {"command": "nope"}, site=site)
    there = jobs.job_create("command", {"command": "nope"}, site=other)
    scheduled = jobs.job_create("command", {"command": "nope"})
    manager = make_user(roles.MANAGER, username="lyon-manager")
    from workshop.models import WorkerProfile

    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    client.force_login(manager)
    html = client.get(reverse("bench:jobs")).content.decode()
    assert f'data-job="{here.pk}"' in html
    assert f'data-job="{there.pk}"' not in html and f'data-job="{scheduled.pk}"' not in html
    assert client.post(reverse("bench:job-retry", args=[there.pk])).status_code == 404
    client.force_login(bench_worker)
    assert client.get(reverse("bench:jobs")).status_code == 403


def test_a_redis_outage_is_said_on_the_jobs_page_and_the_other_screens_keep_working(
    client, network_manager, django_capture_on_commit_callbacks
):
    jobs.queue_configure("redis", redis_url=f"redis://127.0.0.1:{closed_port()}/6")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_create("command", {"command": "purge_idempotency_keys"})
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "cannot be reached" in job.message
    client.force_login(network_manager)
    page = client.get(reverse("bench:jobs"))
    assert page.status_code == 200 and b"data-queue-problem" in page.content
    assert client.get(reverse("reports:index")).status_code == 200
    health = client.get("/health/")
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert client.get("/health/?jobs=1").status_code == 503


def test_health_turns_red_when_the_worker_was_not_seen_for_n_minutes(client, settings, tmp_path):
    settings.ATELIER_JOBS_STALE_MINUTES = 5
    jobs.queue_configure("sqlite", sqlite_path=str(tmp_path / "jobs.sqlite3"))
    now = timezone.now()
    jobs.heartbeat("worker", now=now - timedelta(minutes=6))
    jobs.heartbeat("scheduler", now=now - timedelta(seconds=30))
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert (body["worker"]["ok"], body["scheduler"]["ok"]) == (False, True)
    jobs.heartbeat("worker", now=now)
    assert client.get("/health/?jobs=1").json()["status"] == "ok"


def test_a_queued_print_shows_its_progress_and_the_bench_notice_says_it_is_printing(
    client, site, manager, tmp_path
):
    from labels.bench import job_notice
    from labels.models import Printer, PrintJob
    from labels.services import print_job_create

    jobs.queue_configure("sqlite", sqlite_path=str(tmp_path / "jobs.sqlite3"))  # no worker
    printer = Printer.objects.create(
        site=site,
        name="Zebra",
        kind=Printer.Kind.RAW9100,
        host="10.255.255.1",
        default_stock="zebra-57x32",
    )
    device = factories.make_device(site=site)
    job = print_job_create(
        template="device_tag", codes=[device.asset_tag], printer=printer, actor=manager
    )
    assert job.status == PrintJob.Status.QUEUED and job.job.status == Job.Status.QUEUED
    with translation.override("en"):
        notice = job_notice(job, device.asset_tag)
    assert notice["ok"] and "being printed" in notice["text"]
    client.force_login(manager)
    page = client.get(notice["job_url"]).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page
    assert 'data-job-status="queued"' in page
