"""Create a workstation token and print its key, which is shown only this once."""

from django.core.management.base import BaseCommand, CommandError

from workshop.exceptions import DomainError
from workshop.models import Workstation
from workshop.services import workstation_token_create


class Command(BaseCommand):
    help = "Create a token for a workstation (site code, workstation name) and print its key."

    def add_arguments(self, parser):
        parser.add_argument("site", help="Site code, e.g. LY")
        parser.add_argument("workstation", help="Workstation name at that site")
        parser.add_argument("--label", default="", help="What the token is for (e.g. agent)")

    def handle(self, *args, site, workstation, label, **options):
        station = (
            Workstation.objects.select_related("site")
            .filter(site__code=site.upper(), name=workstation)
            .first()
        )
        if station is None:
            raise CommandError(f"No workstation named {workstation!r} at site {site!r}.")
        try:
            token, key = workstation_token_create(workstation=station, label=label)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"Token {token.prefix}… for {station} ({station.kind}). "
            "Keep the key now: it is not stored and cannot be shown again."
        )
        self.stdout.write(key)
