"""Put back on sale the devices whose reservation has expired; run it from cron."""

from django.core.management.base import BaseCommand

from shop.services import reservations_expire


class Command(BaseCommand):
    help = "Return devices with an expired reservation to sale and print each one (cron-safe)."

    def handle(self, *args, **options):
        failures = []
        done = reservations_expire(failures=failures)
        for reservation in done:
            self.stdout.write(
                f"{reservation.device.asset_tag}: reservation for {reservation.buyer.name} "
                f"expired {reservation.expires_at:%Y-%m-%d %H:%M}, back on sale"
            )
        for reservation, error in failures:
            self.stderr.write(
                f"{reservation.device.asset_tag}: reservation {reservation.pk} not expired "
                f"({error.code}): {error.message}"
            )
        self.stdout.write(f"{len(done)} reservation(s) expired.")
