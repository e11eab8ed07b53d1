"""Run the jobs: huey's consumer on the configured queue (docs/operations.md, "Jobs")."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workshop.jobs import WORKER, heartbeat_thread, queue


class Command(BaseCommand):
    help = (
        "Run the background jobs (prints, imports, exports, the scheduled work) from the "
        "queue named by ATELIER_JOBS_ENGINE. Stop it with Ctrl-C or SIGTERM: the job in hand "
        "finishes first (SIGINT: at once, the job is retried after its lease)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="jobs run at once (threads)")

    def handle(self, *args, workers=2, **options):
        if queue.immediate:
            raise CommandError(
                "ATELIER_JOBS_ENGINE is 'immediate': jobs run inside the requests, there is "
                "nothing for a worker to do."
            )
        logging.getLogger("huey").setLevel(logging.INFO)
        stop = heartbeat_thread(WORKER)
        self.stdout.write(
            f"Job worker: {workers} thread(s) on the {settings.ATELIER_JOBS_ENGINE} queue",
        )
        self.stdout.flush()
        consumer = queue.create_consumer(
            workers=workers,
            worker_type="thread",
            periodic=False,  # the scheduler process creates the periodic jobs
            initial_delay=0.1,
            backoff=1.15,
            max_delay=1.0,
            check_worker_health=True,
        )
        try:
            consumer.run()
        finally:
            stop.set()
