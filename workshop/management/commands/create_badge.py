"""Give a worker a badge: ``manage.py create_badge <username> <badge> <pin>``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workshop.exceptions import DomainError
from workshop.services import badge_create


class Command(BaseCommand):
    help = "Give a worker a badge (its barcode) and a PIN of 4 to 8 digits, stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("badge", help="the code printed on the badge")
        parser.add_argument("pin", help="4 to 8 digits")

    def handle(self, *args, username, badge, pin, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            made = badge_create(user=user, code=badge, pin=pin)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Badge {made.code} given to {user.username}.")
