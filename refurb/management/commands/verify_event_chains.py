"""Check every device's tamper-evident event chain; name every broken device."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from refurb.chain import chains_verify
from refurb.integrity import drive_status_problems
from refurb.models import Device


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of every device's events (or of one device) and compare it "
        "with the stored hashes. Names the first broken link of every broken device and exits "
        "1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--device", metavar="TAG", help="check this asset tag only")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, device=None, quiet=False, **options):
        if device and not Device.objects.filter(asset_tag=device).exists():
            raise CommandError(f"No device with asset tag {device}.")

        def progress(done: int, total: int) -> None:
            if not quiet:
                self.stderr.write(f"checked {done}/{total} devices")

        report = chains_verify(asset_tag=device, progress=progress)
        if report.breaks:
            for broken in report.breaks:
                self.stdout.write(f"Broken event chain: {broken}")
            raise CommandError(
                f"Broken event chain: {report.breaks[0]} — {len(report.breaks)} broken "
                f"device(s) out of {report.devices}, each listed above.",
                returncode=1,
            )
        # The drive statuses are derived from evidence the chain covers: check them too.
        drives = list(drive_status_problems(device))
        if drives:
            for problem in drives[:50]:
                self.stdout.write(str(problem))
            raise CommandError(
                f"{len(drives)} drive status(es) contradict their evidence.", returncode=1
            )
        self.stdout.write(
            f"All event chains intact: {report.devices} devices, {report.events} events."
        )
