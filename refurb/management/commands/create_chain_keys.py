"""Create the chain key and the signing key files (mode 0600) for a production server."""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from refurb.keys import key_file_create, private_key_pem, public_of


class Command(BaseCommand):
    # The keys it makes are what the system checks ask for: it must run before they exist.
    requires_system_checks = []
    help = (
        "Write a new chain key (chain.key) and a new Ed25519 signing key (signing.pem) into "
        "--dir, mode 0600, and print the settings that name them. Never replaces a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", required=True, help="directory outside the database")

    def handle(self, *args, dir, **options):
        folder = Path(dir)
        chain, signing = folder / "chain.key", folder / "signing.pem"
        for path in (chain, signing):
            if path.exists():
                raise CommandError(f"{path} exists already: keys are never replaced.")
        key_file_create(chain, secrets.token_urlsafe(48).encode("ascii") + b"\n")
        private = Ed25519PrivateKey.generate()
        key_file_create(signing, private_key_pem(private))
        public = public_of(private.public_key())
        self.stdout.write(f"ATELIER_CHAIN_KEY_FILE={chain.resolve()}")
        self.stdout.write(f"ATELIER_SIGNING_KEY_FILE={signing.resolve()}")
        self.stdout.write(f"Public key {public.base64} (fingerprint {public.fingerprint}).")
        self.stdout.write("Back both files up apart from the database backups (operations.md).")
