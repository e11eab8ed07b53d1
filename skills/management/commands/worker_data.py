"""Export or pseudonymise what the skills passport stores about one worker (GDPR access and
erasure), as ``personal_data`` does for buyers and donors."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from skills.services import worker_data_export, worker_data_pseudonymise
from workshop.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "worker_data export --user ID: print everything the skills passport stores about the "
        "worker as JSON. worker_data pseudonymise --user ID: replace their names, e-mail and "
        "user name with a stable pseudonym and close the account and badges (validations stay, "
        "append-only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "pseudonymise"])
        parser.add_argument("--user", type=int, required=True, help="user id of the worker")

    def handle(self, *args, action, user, **options):
        worker = get_user_model().objects.filter(pk=user).first()
        if worker is None:
            raise CommandError("No user with this id.")
        try:
            if action == "export":
                with transaction.atomic():
                    data = worker_data_export(worker=worker)
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                record = worker_data_pseudonymise(worker=worker)
                self.stdout.write(f"Pseudonymised: {record.first_name}")
        except DomainError as error:
            raise CommandError(error.message) from error
