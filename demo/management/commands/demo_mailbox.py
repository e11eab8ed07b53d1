"""Run the demo's mailbox (``demo/mailbox.py``): an SMTP server keeping mails in var/mail/."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.mailbox import Mailbox


class Command(BaseCommand):
    help = "Receive mails by SMTP on loopback and save each under var/mail/ (.eml)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)
        parser.add_argument("--out", default=str(settings.ATELIER_DEMO_MAIL_DIR))

    def handle(self, *args, **options):
        try:
            mailbox = Mailbox(options["host"], options["port"], options["out"]).start()
        except OSError as exc:
            where = f"{options['host']}:{options['port']}"
            self.stderr.write(f"Demo mailbox not started on {where}: {exc}")
            return
        self.stdout.write(
            f"Demo mailbox on {options['host']}:{mailbox.port}: mails go to {mailbox.out_dir}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            mailbox.stop()
