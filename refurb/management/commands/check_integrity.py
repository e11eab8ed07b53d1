"""Report every contradiction between cached or derived state and its evidence."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from refurb.integrity import CHECKS, integrity_problems


class Command(BaseCommand):
    help = (
        "Check drive statuses against their erasures and destructions, device states against "
        "their events, exits against drive safety, and (registered by the shop) sales and "
        "reservations against device states. Exits 1 when something contradicts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="append",
            choices=[name for name, _check in CHECKS],
            help="run only this check (repeatable)",
        )

    def handle(self, *args, check=None, **options):
        problems = integrity_problems(only=check)
        for problem in problems[:200]:
            self.stdout.write(str(problem))
        if len(problems) > 200:
            self.stdout.write(f"… and {len(problems) - 200} more")
        if problems:
            raise CommandError(f"{len(problems)} integrity problem(s) found.", returncode=1)
        names = ", ".join(check or [name for name, _check in CHECKS])
        self.stdout.write(f"No integrity problem found ({names}).")
