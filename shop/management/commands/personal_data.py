"""Export or pseudonymise what is stored about one buyer or donor (GDPR access and erasure)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.models import Donor
from shop.models import Buyer
from shop.services import personal_data_export, personal_data_pseudonymise
from workshop.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "personal_data export --buyer ID|--donor ID: print everything stored about the person "
        "as JSON. personal_data pseudonymise --buyer ID|--donor ID: replace their name, e-mail "
        "and address with a stable pseudonym (issued invoices stay as issued, by law)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "pseudonymise"])
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--buyer", type=int, help="buyer id")
        who.add_argument("--donor", type=int, help="donor id")

    def handle(self, *args, action, buyer, donor, **options):
        try:
            person = {
                "buyer": Buyer.objects.get(pk=buyer) if buyer is not None else None,
                "donor": Donor.objects.get(pk=donor) if donor is not None else None,
            }
        except (Buyer.DoesNotExist, Donor.DoesNotExist) as missing:
            raise CommandError(
                f"No {'buyer' if buyer is not None else 'donor'} with this id."
            ) from missing
        try:
            if action == "export":
                with transaction.atomic():
                    data = personal_data_export(**person)
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                record = personal_data_pseudonymise(**person)
                self.stdout.write(f"Pseudonymised: {record.name}")
        except DomainError as error:
            raise CommandError(error.message) from error
