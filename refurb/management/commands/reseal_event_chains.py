"""Seal every event chain again under a new chain key (a rotation; server stopped)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from refurb.keys import MIN_CHAIN_KEY_LENGTH
from refurb.management.progress import Progress
from refurb.reseal import chains_reseal


class Command(BaseCommand):
    help = (
        "Rotate the chain key: check every chain under the old key (--old-key-file), then seal "
        "every event again under the key the settings name, move every device's head and "
        "every certificate's quoted link. Changes nothing and exits 1 if a chain is broken. "
        "Stop the server first; run sign_chain_heads after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--old-key-file", required=True, help="file holding the old key")
        parser.add_argument("--quiet", action="store_true", help="no progress")

    def handle(self, *args, old_key_file, quiet=False, **options):
        try:
            old_key = Path(old_key_file).read_bytes().strip()
        except OSError as error:
            raise CommandError(f"--old-key-file {old_key_file}: {error.strerror}.") from None
        if len(old_key) < MIN_CHAIN_KEY_LENGTH:
            raise CommandError(f"--old-key-file {old_key_file}: not a chain key (too short).")
        progress = Progress(self.stderr, label="checked", quiet=quiet)
        try:
            report = chains_reseal(old_key=old_key, progress=progress)
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=2) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.finish()
        if not report.checked.ok:
            for broken in report.checked.breaks:
                self.stdout.write(f"Broken event chain: {broken}")
            raise CommandError(
                f"{len(report.checked.breaks)} chain(s) do not verify under the old key: "
                "nothing was sealed again (is --old-key-file the key they were sealed with?).",
                returncode=1,
            )
        self.stdout.write(
            f"Sealed again under the new chain key: {report.devices} devices, {report.events} "
            f"events, {report.certificates} certificate(s). Next: manage.py sign_chain_heads."
        )
