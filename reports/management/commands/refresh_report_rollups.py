"""Fold the finished weeks of the event log into the report rollups; run it nightly from cron."""

from django.core.management.base import BaseCommand

from reports.rollups import refresh_report_rollups


class Command(BaseCommand):
    help = (
        "Bring the report rollups (stays, weekly bench throughput, weekly worker activity) up "
        "to the start of the current week. Idempotent; reports stay exact without it, only "
        "slower as the history grows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="recompute the rollups from the whole event log instead of the new weeks",
        )

    def handle(self, *args, **options):
        result = refresh_report_rollups(
            full=options["full"], progress=lambda text: self.stdout.write(text, ending="\n")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Rollups complete before {result.complete_before:%Y-%m-%d %H:%M %Z}: "
                f"{result.stays:,} stays, {result.bench_weeks:,} bench weeks and "
                f"{result.worker_weeks:,} worker weeks written in {result.seconds:.1f} s."
            )
        )
