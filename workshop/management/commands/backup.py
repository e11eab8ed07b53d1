"""Write a checked backup of the database (SQLite backup API or pg_dump)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workshop.backups import BackupError, backup_database, human_size


class Command(BaseCommand):
    help = (
        "Back up the whole database into DIR (default: var/backups/): "
        "atelier-YYYYmmdd-HHMMSS.sqlite3 on SQLite, .dump (pg_dump custom format) on "
        "PostgreSQL. The copy is checked before it gets its final name. Exits 1 on failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="directory to write the backup in")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, output=None, quiet=False, **options):
        output_dir = Path(output or settings.BACKUP_DIR).resolve()

        def progress(line: str) -> None:
            if not quiet:
                self.stderr.write(line)

        now = timezone.localtime()
        try:
            path = backup_database(output_dir=output_dir, now=now, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        size = path.stat().st_size
        self.stdout.write(f"Backup written: {path} ({human_size(size)}, {size} bytes)")
