"""Put back on sale the devices whose reservation has expired; run it from cron."""

from django.core.management.base import BaseCommand

from shop.services import orders_expire, reservations_expire


class Command(BaseCommand):
    help = "Return devices with an expired reservation to sale and print each one (cron-safe)."

    def handle(self, *args, **options):
        failures = []
        # Online orders first: a basket's item or a placed order past its hold (shop.orders).
        for order in orders_expire():
            self.stdout.write(f"{order.number or order.pk}: order hold(s) expired, back on sale")
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
