"""Writes about the workshop's people: worker badges (barcode + hashed PIN)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from workshop.exceptions import DomainError, validate
from workshop.models import WorkerBadge

PIN_RE = re.compile(r"^\d{4,8}$")


def badge_normalize(code: str) -> str:
    """Return a scanned or typed badge code without surrounding spaces, upper-cased."""
    return (code or "").strip().upper()


def _check_pin(pin: str) -> None:
    if not PIN_RE.match(pin or ""):
        raise DomainError(
            "invalid_pin",
            _("A PIN is 4 to 8 digits."),
            fields={"pin": [_("Use 4 to 8 digits.")]},
        )


def badge_create(*, user, code: str, pin: str, is_active: bool = True) -> WorkerBadge:
    """Give ``user`` a badge with ``code``; the PIN is stored hashed, never in clear."""
    _check_pin(pin)
    code = badge_normalize(code)
    with transaction.atomic():
        if WorkerBadge.objects.filter(code=code).exists():
            raise DomainError(
                "badge_taken",
                _("Badge %(code)s is already given to someone: use another badge.")
                % {"code": code},
                fields={"code": [_("Already in use.")]},
                status=409,
            )
        badge = WorkerBadge(user=user, code=code, is_active=is_active)
        badge.set_pin(pin)
        validate(badge)
        badge.save()
    return badge


def badge_set_pin(*, badge: WorkerBadge, pin: str) -> WorkerBadge:
    """Replace the PIN of ``badge``."""
    _check_pin(pin)
    with transaction.atomic():
        locked = WorkerBadge.objects.select_for_update().get(pk=badge.pk)
        locked.set_pin(pin)
        locked.save(update_fields=["pin_hash"])
    badge.pin_hash = locked.pin_hash
    return badge
