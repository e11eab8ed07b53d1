"""Replace the database's content with a backup written by ``manage.py backup``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from workshop.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restore FILE (a backup from manage.py backup) into the configured database, "
        "replacing everything in it. Stop the application server first. Asks for "
        "confirmation unless --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup file (.sqlite3 or .dump)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, file, yes=False, quiet=False, **options):
        source = Path(file).resolve()
        target = connection.settings_dict["NAME"]
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Refusing to restore without confirmation: pass --yes.")
            answer = input(
                f"This replaces EVERYTHING in database {target} with {source}. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")

        def progress(line: str) -> None:
            if not quiet:
                self.stderr.write(line)

        try:
            restore_database(source=source, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(
            f"Restored {source} into {target}. Next: manage.py migrate, then "
            "manage.py verify_event_chains."
        )
