"""The two keys of the event chain, kept outside the database (docs/operations.md, "Keys").

- The **chain key** seals every event (HMAC-SHA256, ``refurb.events``): someone who can write
  to the database but does not hold the key cannot seal an edited history again. It is
  ``ATELIER_CHAIN_KEY`` (the secret itself, at least 32 characters) or the contents of the file
  ``ATELIER_CHAIN_KEY_FILE``.
- The **signing key** (Ed25519) signs the chain heads each day (``refurb.chain.chain_heads_sign``):
  the file ``ATELIER_SIGNING_KEY_FILE``, PKCS#8 PEM without a passphrase. Its public half is
  shown on ``/verify/``, so anyone can check a signed head; ``ATELIER_SIGNING_RETIRED_KEYS``
  lists the public halves of retired signing keys, whose signatures still verify.

In development and under the test suite (``ATELIER_KEYS_CREATE``), a key file that does not
exist yet is created at first use with mode 0600 (under ``var/keys/`` by default). In
production nothing is created: the system checks (``refurb.checks``) stop the server, and
``migrate``, when the chain key is missing or unreadable.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_CHAIN_KEY_LENGTH = 32
_KEY_ID_LABEL = b"atelier chain key id"


def key_file_create(path: Path, contents: bytes) -> None:
    """Write ``contents`` to ``path`` (mode 0600) unless it exists; safe between processes."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.chmod(temporary, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(contents)
        try:
            os.link(temporary, path)  # atomic, and refuses to replace a key another made
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"{setting}={path}: no such file. Create the key with "
            f"`manage.py create_chain_keys --dir DIR` and point {setting} at it."
        ) from None
    except OSError as error:
        raise ImproperlyConfigured(
            f"{setting}={path}: cannot be read ({error.strerror}). The server's user must be "
            "able to read it (mode 0600, owned by that user)."
        ) from None


# --- the chain key (HMAC)


@functools.lru_cache(maxsize=8)
def _chain_key(value: str, path: str, create: bool) -> bytes:
    if value:
        key = value.encode("utf-8")
        origin = "ATELIER_CHAIN_KEY"
    elif path:
        if create and not Path(path).exists():
            key_file_create(Path(path), secrets.token_urlsafe(48).encode("ascii") + b"\n")
        key = _read(path, "ATELIER_CHAIN_KEY_FILE").strip()
        origin = f"ATELIER_CHAIN_KEY_FILE={path}"
    else:
        raise ImproperlyConfigured(
            "No chain key: set ATELIER_CHAIN_KEY_FILE (a file holding the secret, mode 0600) "
            "or ATELIER_CHAIN_KEY. Every device event is sealed with it; "
            "`manage.py create_chain_keys --dir DIR` makes one."
        )
    if len(key) < MIN_CHAIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{origin}: the chain key is {len(key)} bytes long, it must be at least "
            f"{MIN_CHAIN_KEY_LENGTH}."
        )
    return key


def chain_key() -> bytes:
    """Return the secret that seals events; raise ``ImproperlyConfigured`` with what to do."""
    return _chain_key(
        getattr(settings, "ATELIER_CHAIN_KEY", "") or "",
        str(getattr(settings, "ATELIER_CHAIN_KEY_FILE", "") or ""),
        bool(getattr(settings, "ATELIER_KEYS_CREATE", False)),
    )


def chain_key_id(key: bytes | None = None) -> str:
    """Return a public name of the chain key (16 hex digits), which reveals nothing of it."""
    return hmac.new(key or chain_key(), _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes):
    return hmac.new(key, digestmod=hashlib.sha256)


def chain_mac(data: bytes, key: bytes | None = None) -> str:
    """Return the hex HMAC-SHA256 of ``data`` under the chain key (or ``key``)."""
    mac = _keyed(key or chain_key()).copy()  # the key's pads are hashed once per process
    mac.update(data)
    return mac.hexdigest()


# --- the signing key (Ed25519)


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey
    raw: bytes

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw 32-byte public key, in hex."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the fingerprint: what each signed head names."""
        return self.fingerprint[:16]

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @property
    def fingerprint_groups(self) -> str:
        return " ".join(self.fingerprint[i : i + 4] for i in range(0, 64, 4))

    def verifies(self, signature_hex: str, message: bytes) -> bool:
        try:
            self.key.verify(bytes.fromhex(signature_hex), message)
        except (InvalidSignature, ValueError):
            return False
        return True


def public_of(key: Ed25519PublicKey) -> PublicKey:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(key, raw)


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@functools.lru_cache(maxsize=8)
def _signing_key(path: str, create: bool) -> Ed25519PrivateKey:
    if not path:
        raise ImproperlyConfigured(
            "No signing key: set ATELIER_SIGNING_KEY_FILE (an Ed25519 private key in PEM, "
            "mode 0600); `manage.py create_chain_keys --dir DIR` makes one."
        )
    if create and not Path(path).exists():
        key_file_create(Path(path), private_key_pem(Ed25519PrivateKey.generate()))
    data = _read(path, "ATELIER_SIGNING_KEY_FILE")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"ATELIER_SIGNING_KEY_FILE={path}: not an unencrypted PEM private key ({error})."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"ATELIER_SIGNING_KEY_FILE={path}: a {type(key).__name__}, not an Ed25519 key."
        )
    return key


def signing_key() -> Ed25519PrivateKey:
    """Return the Ed25519 key that signs chain heads; raise ``ImproperlyConfigured``."""
    return _signing_key(
        str(getattr(settings, "ATELIER_SIGNING_KEY_FILE", "") or ""),
        bool(getattr(settings, "ATELIER_KEYS_CREATE", False)),
    )


def signing_configured() -> bool:
    return bool(getattr(settings, "ATELIER_SIGNING_KEY_FILE", ""))


def public_key() -> PublicKey | None:
    """The public half of the signing key, or None when no signing key is configured."""
    if not signing_configured():
        return None
    return public_of(signing_key().public_key())


@functools.lru_cache(maxsize=8)
def _retired(values: tuple[str, ...]) -> tuple[PublicKey, ...]:
    keys = []
    for value in values:
        try:
            raw = base64.b64decode(value, validate=True)
            keys.append(public_of(Ed25519PublicKey.from_public_bytes(raw)))
        except ValueError:
            raise ImproperlyConfigured(
                f"ATELIER_SIGNING_RETIRED_KEYS: {value!r} is not the base64 of a raw Ed25519 "
                "public key (32 bytes), as /verify/ shows it."
            ) from None
    return tuple(keys)


def public_keys() -> dict[str, PublicKey]:
    """Every public key a signed head may name: the current one and the retired ones."""
    keys = {key.key_id: key for key in _retired(tuple(settings.ATELIER_SIGNING_RETIRED_KEYS))}
    current = public_key()
    if current is not None:
        keys[current.key_id] = current
    return keys


def key_files() -> list[tuple[str, str]]:
    """The (setting, path) of each key file configured."""
    files = []
    for setting in ("ATELIER_CHAIN_KEY_FILE", "ATELIER_SIGNING_KEY_FILE"):
        path = str(getattr(settings, setting, "") or "")
        if path and not (setting == "ATELIER_CHAIN_KEY_FILE" and settings.ATELIER_CHAIN_KEY):
            files.append((setting, path))
    return files


def readable_by_others(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))
