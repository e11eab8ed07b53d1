"""Run the demo's pretend label printer (``demo/printer.py``) until interrupted."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.printer import DemoPrinter

DEFAULT_PORT = 9100


class Command(BaseCommand):
    help = "Listen like a raw-9100 label printer and save what arrives under var/printed/."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--out", default=str(settings.VAR_DIR / "printed"))

    def handle(self, *args, **options):
        try:
            server = DemoPrinter(options["host"], options["port"], options["out"])
        except OSError as exc:
            self.stderr.write(
                f"Demo printer not started on {options['host']}:{options['port']}: {exc}"
            )
            return
        self.stdout.write(
            f"Demo label printer on {options['host']}:{server.port}: labels go to {server.out_dir}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
