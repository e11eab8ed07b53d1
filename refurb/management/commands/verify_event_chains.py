"""Check every device's keyed event chain and signed heads; name every broken device."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from refurb.chain import chains_verify
from refurb.integrity import drive_status_problems
from refurb.keys import chain_key_id
from refurb.management.progress import Progress
from refurb.models import ChainHeadSignature, Device


class Command(BaseCommand):
    help = (
        "Recompute the keyed seal of every device's events (or of one device's), check the "
        "anchors of the unkeyed first events and every signed chain head. Names the first "
        "broken link of every broken device and exits 1 if there is any. A progress bar on a "
        "terminal, a line every 10 seconds otherwise (stderr)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--device", metavar="TAG", help="check this asset tag only")
        parser.add_argument("--quiet", action="store_true", help="no progress")

    def handle(self, *args, device=None, quiet=False, **options):
        if device and not Device.objects.filter(asset_tag=device).exists():
            raise CommandError(f"No device with asset tag {device}.")
        try:
            key_id = chain_key_id()
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=2) from None

        progress = Progress(self.stderr, label="checked", quiet=quiet)
        try:
            report = chains_verify(asset_tag=device, progress=progress)
        finally:
            progress.finish()
        if report.breaks:
            for broken in report.breaks:
                self.stdout.write(f"Broken event chain: {broken}")
            hint = ""
            if self._wrong_key(report, key_id):
                hint = (
                    f" Every device breaks at its first keyed event and the signed heads name "
                    f"another chain key than this one ({key_id}): check ATELIER_CHAIN_KEY_FILE "
                    "(or ATELIER_CHAIN_KEY) — is it the key the workshop seals with?"
                )
            raise CommandError(
                f"Broken event chain: {report.breaks[0]} — {len(report.breaks)} broken "
                f"device(s) out of {report.devices}, each listed above.{hint}",
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
        self.stdout.write(f"Signed chain heads verified: {report.signatures}.")

    @staticmethod
    def _wrong_key(report, key_id: str) -> bool:
        """Whether every break looks like a seal made under another chain key."""
        if len(report.breaks) < report.devices:
            return False
        if not all(b.problem == "content altered" for b in report.breaks):
            return False
        return (
            ChainHeadSignature.objects.exclude(chain_key_id=key_id).exists()
            and not ChainHeadSignature.objects.filter(chain_key_id=key_id).exists()
        )
