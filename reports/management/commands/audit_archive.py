"""``manage.py audit_archive --site LY --from 2026-01-01 --to 2026-03-31 --out DIR``: write the
audit archive of a site and period (``reports.audit_export``), saying each step as it goes.

The screen (Rapports → Archive d'audit) builds the same archive while the browser waits; for a
large site over a long period, run it here.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.audit_export import AuditScope, audit_archive
from workshop.models import Site


class Command(BaseCommand):
    help = "Write the audit archive (ZIP with its SHA-256 manifest) of a site and a period."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site's two-letter code")
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--out", default=".", help="directory to write the ZIP into")

    def handle(self, *args, **options):
        site = Site.objects.filter(code=options["site"].upper()).first()
        if site is None:
            raise CommandError(f"No site {options['site']!r}.")
        try:
            date_from = date.fromisoformat(options["date_from"])
            date_to = date.fromisoformat(options["date_to"])
        except ValueError as error:
            raise CommandError(f"Dates are YYYY-MM-DD: {error}") from error
        if date_from > date_to:
            raise CommandError("The end of the period comes before its start.")
        scope = AuditScope(site=site, date_from=date_from, date_to=date_to)
        archive = audit_archive(scope, progress=lambda step: self.stdout.write(f"… {step}"))
        target = Path(options["out"]) / f"{scope.name}.zip"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(archive, out)
        self.stdout.write(f"{target}")
