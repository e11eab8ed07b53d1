"""Sign the chain head of every device whose history grew since its last signed head."""

from __future__ import annotations

import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from refurb.chain import chain_heads_sign
from refurb.management.progress import Progress


class Command(BaseCommand):
    help = (
        "Sign (Ed25519, ATELIER_SIGNING_KEY_FILE) the head of each device's event chain that "
        "changed since it was last signed, after checking that chain. Run it once a day (cron). "
        "Exits 1 when a chain is broken: that device is not signed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress")

    def handle(self, *args, quiet=False, **options):
        progress = Progress(self.stderr, label="signed", quiet=quiet)
        try:
            report = chain_heads_sign(progress=progress)
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=2) from None
        finally:
            progress.finish()
        for broken in report.refused:
            self.stdout.write(f"Not signed, broken event chain: {broken}")
        summary = {
            "day": report.day.isoformat(),
            "signed": report.signed,
            "unchanged": report.unchanged,
            "refused": len(report.refused),
            "public_key": report.public_key_id,
        }
        self.stdout.write(
            f"Signed {report.signed} chain head(s) for {report.day.isoformat()} with key "
            f"{report.public_key_id}; {report.unchanged} unchanged. {json.dumps(summary)}"
        )
        if report.refused:
            raise CommandError(
                f"{len(report.refused)} broken chain(s) not signed, each listed above.",
                returncode=1,
            )
