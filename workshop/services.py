"""Writes about the workshop's places, benches and people: sites, workstations and their
tokens, worker badges (barcode + hashed PIN)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop import tags
from workshop.exceptions import DomainError, validate
from workshop.models import (
    Site,
    TagSequence,
    UserToken,
    WorkerBadge,
    Workstation,
    WorkstationKind,
    WorkstationToken,
)

TOKEN_PREFIX = "ws_"


def token_digest(key: str) -> str:
    """Return the SHA-256 hex digest under which a workstation token is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


USER_TOKEN_PREFIX = "ut_"


def user_token_create(*, user, days: int | None = None, label: str = "", now=None):
    """Create an API token for ``user``; return it with its key, which is never shown again.

    It expires after ``days`` (default ``ATELIER_USER_TOKEN_DAYS``); only its digest is kept.
    """
    if not getattr(user, "is_active", False):
        raise DomainError("user_inactive", _("This user is inactive."), status=409)
    days = settings.ATELIER_USER_TOKEN_DAYS if days is None else days
    if days < 1:
        raise DomainError("invalid", _("A token lasts at least one day."))
    now = now or timezone.now()
    key = USER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = UserToken.objects.create(
        user=user,
        label=(label or "").strip(),
        prefix=key[:10],
        digest=token_digest(key),
        expires_at=now + timedelta(days=days),
    )
    return token, key


def site_create(*, code: str, name: str, address: str = "", country: str = "FR") -> Site:
    """Create a site; its code starts every tag printed there; ``country`` (ISO 3166) says
    whether its steps count as made in France (``refurb.compliance``)."""
    site = Site(
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        address=address,
        country=(country or "FR").strip().upper(),
    )
    validate(site)
    site.save()
    office_workstation(site)
    return site


OFFICE_NAME = "Bureau"


def office_workstation(site: Site) -> Workstation:
    """Return the site's office workstation (managers' moves, system jobs), created if missing."""
    office = (
        Workstation.objects.filter(site=site, kind=WorkstationKind.OFFICE, is_active=True)
        .order_by("pk")
        .first()
    )
    if office is None:
        office, _created = Workstation.objects.get_or_create(
            site=site, name=OFFICE_NAME, defaults={"kind": WorkstationKind.OFFICE}
        )
    return office


def workstation_create(*, site: Site, name: str, kind: str, is_active: bool = True) -> Workstation:
    """Create a workstation of ``kind`` at ``site``."""
    workstation = Workstation(site=site, name=(name or "").strip(), kind=kind, is_active=is_active)
    validate(workstation)
    workstation.save()
    return workstation


def workstation_token_create(
    *, workstation: Workstation, created_by=None, label: str = ""
) -> tuple[WorkstationToken, str]:
    """Create a token for ``workstation``; return it with its key, which is never shown again.

    ``created_by`` (a person) must be a manager of the workstation's site; without it the call
    comes from the server itself (``manage.py create_workstation_token``).
    """
    from workshop.access import access_check

    if created_by is not None:
        access_check("workstation_token", "create", site=workstation.site, actor=created_by)
    if not workstation.is_active:
        raise DomainError(
            "workstation_inactive",
            _("This workstation is not active: activate it before giving it a token."),
            status=409,
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = WorkstationToken(
        workstation=workstation,
        label=(label or "").strip(),
        prefix=key[:10],
        digest=token_digest(key),
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    validate(token)
    token.save()
    return token, key


def workstation_token_revoke(
    *, token: WorkstationToken, now: datetime | None = None, actor=None
) -> WorkstationToken:
    """Revoke a token at once; requests that send it are refused from then on.

    ``actor`` (a person) must be a manager of the token's site.
    """
    from workshop.access import access_check

    if actor is not None:
        access_check("workstation_token", "revoke", site=token.workstation.site_id, actor=actor)
    with transaction.atomic():
        locked = WorkstationToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    return token


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


def tag_allocate(*, site: Site, kind: str) -> str:
    """Hand out the next tag of ``kind`` at ``site``; concurrent callers never get the same."""
    return tag_allocate_many(site=site, kind=kind, count=1)[0]


def _counter_step(site: Site, kind: str, count: int) -> int | None:
    """Add ``count`` to the counter in one ``UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35);
    return its new last number, None when the counter has no row yet (or the database cannot
    return it). The update locks the row until the caller's transaction ends."""
    if not connection.features.can_return_columns_from_insert:
        return None
    meta = TagSequence._meta
    quote = connection.ops.quote_name
    column = quote(meta.get_field("last_number").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {column} = {column} + %s "
            f"WHERE {quote(meta.get_field('site').column)} = %s "
            f"AND {quote(meta.get_field('kind').column)} = %s RETURNING {column}",
            [count, site.pk, kind],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def tag_allocate_many(*, site: Site, kind: str, count: int) -> list[str]:
    """Hand out the next ``count`` tags of ``kind`` at ``site`` in one step of the counter.

    The counter's row is locked for the rest of the caller's transaction, so concurrent
    callers never get the same tag, whether they ask for one or for many. One statement once
    the counter exists (``UPDATE … RETURNING``); its first use creates it.
    """
    if count < 1:
        return []
    last = _counter_step(site, kind, count)
    if last is not None:
        first = last - count + 1
        return [tags.make_tag(site.code, kind, number) for number in range(first, last + 1)]
    with transaction.atomic():
        try:
            sequence = TagSequence.objects.select_for_update().get(site=site, kind=kind)
        except TagSequence.DoesNotExist:
            try:
                with transaction.atomic():
                    sequence = TagSequence.objects.create(site=site, kind=kind, last_number=0)
            except IntegrityError:
                sequence = TagSequence.objects.select_for_update().get(site=site, kind=kind)
        first = sequence.last_number + 1
        sequence.last_number += count
        sequence.save(update_fields=["last_number"])
    return [tags.make_tag(site.code, kind, number) for number in range(first, first + count)]
