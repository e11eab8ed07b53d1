"""Recompute every device's state from its event log and report where the cache disagrees."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from refurb.models import Device, DeviceEvent


def state_mismatches(*, chunk: int = 10_000, progress=None):
    """Yield ``(device_id, asset_tag, cached_state, logged_state)`` where the two differ."""
    last_state = (
        DeviceEvent.objects.filter(device=OuterRef("pk"))
        .exclude(to_state="")
        .order_by("-seq")
        .values("to_state")[:1]
    )
    last_id = 0
    total = Device.objects.count()
    seen = 0
    while True:
        rows = list(
            Device.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .annotate(logged=Subquery(last_state))
            .values_list("pk", "asset_tag", "state", "logged")[:chunk]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        seen += len(rows)
        for pk, tag, cached, logged in rows:
            if cached != (logged or ""):
                yield pk, tag, cached, logged or ""
        if progress:
            progress(seen, total)


class Command(BaseCommand):
    help = (
        "Rebuild each device's current state from its events. Reports every mismatch; "
        "with --fix, rewrites the cached state. Exits 1 when mismatches remain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the state found in the log")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, fix=False, quiet=False, **options):
        def progress(seen, total):
            if not quiet:
                self.stderr.write(f"  checked {seen}/{total} devices")

        mismatches = list(state_mismatches(progress=progress))
        for _pk, tag, cached, logged in mismatches[:50]:
            self.stdout.write(f"{tag}: cached state '{cached}', event log says '{logged or '∅'}'")
        if len(mismatches) > 50:
            self.stdout.write(f"… and {len(mismatches) - 50} more")
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("Every device's state matches its event log."))
            return
        if not fix:
            raise CommandError(
                f"{len(mismatches)} device(s) disagree with their event log. "
                "Run again with --fix to rewrite the cached state from the log."
            )
        with transaction.atomic():
            for pk, _tag, _cached, logged in mismatches:
                Device.objects.filter(Q(pk=pk)).update(state=logged)
        self.stdout.write(self.style.SUCCESS(f"Fixed {len(mismatches)} device(s) from their log."))
