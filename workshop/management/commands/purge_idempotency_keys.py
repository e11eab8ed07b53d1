"""Delete stored Idempotency-Key answers older than a given age (run it from cron)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from workshop.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete idempotency keys older than --older-than-hours (default 48)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=48)

    def handle(self, *args, older_than_hours, **options):
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} idempotency key(s) older than {older_than_hours} h.")
