"""Jobs through a real worker process, on the embedded queue (SQLite) and on Redis.

The worker is ``manage.py jobs_worker`` in a child process against the test database, so these
tests need a database another process can open: PostgreSQL, or SQLite in a file
(``ATELIER_TEST_SQLITE=/tmp/x.sqlite3``, as ``.ci/run`` runs them). The printer is a loopback
raw-9100 listener on an OS-chosen port that counts the labels it receives.
"""

from __future__ import annotations

import signal
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from labels.models import Printer, PrintJob
from labels.services import print_job_create, print_job_retry
from refurb.models import Category, Device, DeviceEvent
from tests.jobs.support import (
    REDIS_URL,
    CountingPrinter,
    closed_port,
    redis_available,
    start_worker,
    stop,
    wait_for,
    worker_env,
)
from workshop import jobs
from workshop.faults import MARKER
from workshop.models import Job
from workshop.reference import ensure_reference_data
from workshop.tags import make_tag

in_memory = connection.vendor == "sqlite" and (
    not connection.settings_dict.get("TEST", {}).get("NAME")
)
pytestmark = [
    pytest.mark.skipif(
        in_memory,
        reason="a worker process needs a shared database: PostgreSQL or ATELIER_TEST_SQLITE",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(params=["sqlite", "redis"])
def engine(request, tmp_path):
    """The queue of the test process and of its worker: huey on SQLite or on Redis."""
    name = request.param
    path = tmp_path / "jobs.sqlite3"
    if name == "redis" and not redis_available():
        if __import__("os").environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    jobs.queue_configure(name, redis_url=REDIS_URL, sqlite_path=str(path))
    jobs.queue.storage.flush_all()
    yield name, path
    jobs.queue.storage.flush_all()


@pytest.fixture
def floor(transactional_db, site):
    ensure_reference_data()
    return site


def devices(site, count: int):
    category = Category.objects.order_by("pk").first()
    Device.objects.bulk_create(
        Device(asset_tag=make_tag(site.code, "", i), site=site, category=category)
        for i in range(1, count + 1)
    )
    return Device.objects.filter(site=site).order_by("asset_tag")


def zebra(site, port: int) -> Printer:
    printer = Printer(
        site=site,
        name="Zebra test",
        kind=Printer.Kind.RAW9100,
        host="127.0.0.1",
        port=port,
        default_stock="zebra-57x32",
        timeout_seconds=5,
    )
    printer.full_clean()
    printer.save()
    return printer


def printed_events(job: PrintJob) -> int:
    return DeviceEvent.objects.filter(code=DeviceEvent.Code.PRINTED, payload__job=job.pk).count()


def sent(job: PrintJob):
    """The print job is sent *and* the worker has written its job row done: the print job turns
    "sent" a moment before the row does, and stopping the worker in between left the row
    "running" (a race of the tests, seen on both databases)."""
    job.refresh_from_db()
    return (
        job.status == PrintJob.Status.SENT
        and Job.objects.filter(pk=job.job_id, status=Job.Status.DONE).exists()
    )


def test_a_thousand_labels_are_sent_by_the_worker_each_exactly_once(floor, engine, manager):
    name, path = engine
    listener = CountingPrinter()
    printer = zebra(floor, listener.port)
    worker = start_worker(worker_env(name, path))
    try:
        job = print_job_create(
            template="device_tag", objects=devices(floor, 1000), printer=printer, actor=manager
        )
        assert job.status == PrintJob.Status.QUEUED  # the request did not wait for the printer
        wait_for(lambda: sent(job), what="the print job", process=worker, timeout=120)
        wait_for(lambda: listener.labels >= 1000, what="the labels", timeout=10)
    finally:
        output = stop(worker)
        listener.close()
    assert listener.labels == 1000, output
    assert printed_events(job) == 1000
    task = Job.objects.get(pk=job.job_id)
    assert (task.status, task.done, task.total) == (Job.Status.DONE, 1000, 1000)
    assert task.result["batches_sent"] == len(listener.jobs) == 20  # 50 labels a batch


def test_an_unreachable_printer_fails_the_job_with_its_message_and_a_retry_prints(
    floor, engine, manager
):
    name, path = engine
    printer = zebra(floor, closed_port())
    worker = start_worker(worker_env(name, path))
    listener = None
    try:
        job = print_job_create(
            template="device_tag", objects=devices(floor, 3), printer=printer, actor=manager
        )
        task = Job.objects.get(pk=job.job_id)
        wait_for(
            lambda: Job.objects.get(pk=task.pk).status == Job.Status.FAILED,
            what="the job to fail",
            process=worker,
        )
        task.refresh_from_db()
        job.refresh_from_db()
        assert (
            "a refusé la connexion" in task.message and "Zebra test" in task.message
        )  # French first: the worker's language
        # Stored as the msgid: an English reader reads the worker's message in English.
        with translation.override("en"):
            assert task.shown_message == (
                "The printer “Zebra test” refused the connection. Check that it is switched "
                "on, that its address is right and that raw printing is enabled, then retry."
            )
        assert (job.status, job.error_code) == (PrintJob.Status.FAILED, "refused")
        assert printed_events(job) == 0

        listener = CountingPrinter()  # the printer is switched on
        Printer.objects.filter(pk=printer.pk).update(port=listener.port)
        print_job_retry(job=job, actor=manager)
        wait_for(lambda: sent(job), what="the retried job", process=worker)
        wait_for(lambda: listener.labels >= 3, what="the labels", timeout=10)
    finally:
        output = stop(worker)
        if listener:
            listener.close()
    assert listener.labels == 3, output
    assert printed_events(job) == 3
    assert Job.objects.get(pk=task.pk).attempts == 2


def test_a_worker_killed_mid_job_leaves_it_retryable_and_nothing_half_written(
    floor, engine, manager
):
    """SIGKILL inside the transaction that records the job as sent and writes its events: that
    transaction is lost whole; the batches already sent are recorded, so the retry (another
    worker) sends no label again and writes every event once."""
    name, path = engine
    listener = CountingPrinter()
    printer = zebra(floor, listener.port)
    worker = start_worker(worker_env(name, path, ATELIER_FAULT_PAUSE="print_record:120"))
    paused = threading.Event()
    lines: list[str] = []

    def watch():
        for line in worker.stderr:
            lines.append(line)
            if line.startswith(MARKER):
                paused.set()
                return

    threading.Thread(target=watch, daemon=True).start()
    job = print_job_create(
        template="device_tag", objects=devices(floor, 120), printer=printer, actor=manager
    )
    try:
        assert paused.wait(120), "".join(lines)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL
    wait_for(lambda: listener.labels >= 120, what="the labels", timeout=10)

    job.refresh_from_db()
    task = Job.objects.get(pk=job.job_id)
    assert job.status == PrintJob.Status.QUEUED  # not "sent": the transaction died
    assert printed_events(job) == 0
    assert task.status == Job.Status.RUNNING and task.result["batches_sent"] == 3

    # The lease runs out: the scheduler marks the job failed, a manager retries it.
    with translation.override("fr"):  # written in French, read in each reader's language
        assert jobs.jobs_reap(now=timezone.now() + timezone.timedelta(hours=1)) == 1
    task.refresh_from_db()
    assert task.status == Job.Status.FAILED and "Interrompue" in task.message
    with translation.override("en"):
        assert task.shown_message.startswith("Interrupted: the worker stopped")
    second = start_worker(worker_env(name, path))
    try:
        jobs.job_retry(task, actor=manager)
        wait_for(lambda: sent(job), what="the retried job", process=second)
    finally:
        output = stop(second)
        listener.close()
    assert listener.labels == 120, output  # no label sent twice
    assert printed_events(job) == 120
    assert Job.objects.get(pk=task.pk).status == Job.Status.DONE


def test_a_scheduled_command_runs_on_the_worker(floor, engine):
    name, path = engine
    worker = start_worker(worker_env(name, path))
    try:
        task = jobs.job_create("command", {"command": "purge_idempotency_keys"})
        wait_for(
            lambda: Job.objects.get(pk=task.pk).status == Job.Status.DONE,
            what="the command job",
            process=worker,
        )
        wait_for(
            lambda: jobs.heartbeats()["worker"]["ok"], what="the worker's heartbeat", timeout=10
        )
    finally:
        stop(worker)
    task.refresh_from_db()
    assert task.result["summary"] == "Deleted 0 idempotency key(s) older than 48 h."


def test_a_usb_stick_import_runs_on_the_worker_and_twice_records_nothing_twice(
    floor, engine, settings, bench_worker
):
    """The uploads wait in the media storage (shared with the worker); the worker imports
    them through the services the API uses, and the same files again are all duplicates."""
    from refurb.imports import UploadedReport, report_import_start
    from refurb.models import ReportImport, Snapshot
    from tests import factories
    from tests.jobs.report_files import laptop_snapshot
    from workshop.models import WorkstationKind

    name, path = engine
    station = factories.WorkstationFactory(
        site=floor, kind=WorkstationKind.ERASURE, name="Effacement 1"
    )
    reports = [UploadedReport(f"{n}.json", laptop_snapshot(n)) for n in (71, 72)]
    worker = start_worker(worker_env(name, path, MEDIA_ROOT=str(settings.MEDIA_ROOT)))
    try:
        made = [
            report_import_start(reports=reports, actor=bench_worker, workstation=station)
            for _ in range(2)
        ]
        for job in made:
            wait_for(
                lambda job=job: Job.objects.get(pk=job.pk).status == Job.Status.DONE,
                what="the import job",
                process=worker,
            )
    finally:
        stop(worker)
    first, second = (Job.objects.get(pk=job.pk) for job in made)
    assert [f["status"] for f in first.result["files"]] == ["imported", "imported"]
    assert [f["status"] for f in second.result["files"]] == ["duplicate", "duplicate"]
    assert (first.done, first.total) == (2, 2)
    assert Snapshot.objects.count() == 2 and ReportImport.objects.count() == 2
