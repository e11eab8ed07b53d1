"""A slow printer holds no row lock: the job is committed before the bytes leave (PostgreSQL)."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest
from django.db import connection, connections, transaction

from labels.models import Printer, PrintJob
from labels.services import print_job_create
from refurb.models import Device
from tests import factories
from workshop import roles

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are real only on PostgreSQL (SQLite serialises every writer)",
    ),
]


def test_device_and_job_rows_stay_unlocked_while_the_printer_is_slow(tmp_path, monkeypatch):
    release = tmp_path / "release"
    started = tmp_path / "started"  # the printer has the job: the print is under way
    bindir = tmp_path / "bin"
    bindir.mkdir()
    lp = bindir / "lp"
    lp.write_text(
        f"#!/bin/sh\ntouch {started}\ncat > /dev/null\n"
        f"while [ ! -f {release} ]; do sleep 0.05; done\n"
    )
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")

    site = factories.SiteFactory(code="LY")
    worker = factories.UserFactory(username="bench", roles=[roles.BENCH_WORKER])
    device = factories.make_device(site=site, actor=worker)
    printer = Printer.objects.create(
        site=site,
        name="Laser",
        kind=Printer.Kind.CUPS,
        queue="laser",
        default_stock="avery-l7160",
        timeout_seconds=20,
    )
    outcome = {}

    def print_in_thread():
        try:
            outcome["job"] = print_job_create(
                template="device_tag", codes=[device.asset_tag], printer=printer, actor=worker
            )
        finally:
            connections.close_all()

    thread = threading.Thread(target=print_in_thread)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        # Wait for the printer itself to hold the job, not only for the queued row: between the
        # two the service briefly locks the job to claim it (a race of the test, seen on CI).
        while not started.exists():
            assert thread.is_alive(), "the print failed before reaching the printer"
            assert time.monotonic() < deadline, "the printer never received the job"
            time.sleep(0.02)
        assert PrintJob.objects.filter(status=PrintJob.Status.QUEUED).exists()
        with transaction.atomic():  # another bench moves the device meanwhile
            Device.objects.select_for_update(nowait=True).get(pk=device.pk)
            PrintJob.objects.select_for_update(nowait=True).get()
    finally:
        release.touch()
        thread.join(20)
    assert outcome["job"].status == PrintJob.Status.SENT
