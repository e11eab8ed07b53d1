"""Recompute the public catalogue from the devices on sale (a scheduled job runs it hourly)."""

from django.core.management.base import BaseCommand

from shop.models import CatalogueOffer
from shop.services.catalogue import catalogue_rebuild


class Command(BaseCommand):
    help = "Rebuild the public catalogue's offers from every device on sale."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print the summary line only.")

    def handle(self, *args, **options):
        def progress(done, total):
            if not options["quiet"]:
                self.stdout.write(f"{done}/{total} devices")

        listed = catalogue_rebuild(progress)
        offers = CatalogueOffer.objects.count()
        self.stdout.write(f"{listed} device(s) on sale in {offers} offer(s).")
