"""Create a person's API token and print its key, which is shown only this once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workshop.exceptions import DomainError
from workshop.services import user_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (stored hashed, expiring)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="Days it stays valid")
        parser.add_argument("--label", default="", help="What the token is for")

    def handle(self, *args, username, days, label, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            token, key = user_token_create(user=user, days=days, label=label)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"Token {token.prefix}… for {user.get_username()}, valid until "
            f"{token.expires_at:%Y-%m-%d}. Keep the key now: it is not stored and cannot be "
            "shown again."
        )
        self.stdout.write(key)
