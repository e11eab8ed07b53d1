"""Create the periodic jobs on time, reap the jobs of dead workers, re-send stranded ones."""

from __future__ import annotations

import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from workshop.jobs import periodic_tasks, scheduler_tick


class Command(BaseCommand):
    help = (
        "Once a minute: record the scheduler's heartbeat, mark failed the running jobs whose "
        "worker died (their lease ran out), enqueue again the jobs the queue missed, and create "
        "the periodic jobs that are due (docs/operations.md lists them). Run exactly one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one tick, then exit")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"Job scheduler: {len(periodic_tasks())} periodic job(s)")
        self.stdout.flush()
        while True:
            now = timezone.now()
            try:
                for job in scheduler_tick(now=now):
                    self.stdout.write(f"{timezone.localtime(now):%H:%M} {job.kind} #{job.pk}")
                self.stdout.flush()
            except Exception as exc:  # the database or the queue is down: try next minute
                self.stderr.write(f"scheduler tick failed: {exc}")
            finally:
                connection.close()
            if once:
                return
            # Wake at the start of the next minute.
            stop.wait(60 - time.time() % 60 + 0.5)
            if stop.is_set():
                return
