"""Writes that take a device in: its registration with an asset tag, and its storage check."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import Category, Device, DeviceEvent
from refurb.services.lifecycle import _lock, _sync
from refurb.states import State
from workshop import tags
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.roles import COACH, MANAGER, user_roles
from workshop.services import tag_allocate


def person_name(user) -> str:
    """A person as the screens name them: first and last name, else the user name."""
    full = " ".join(part for part in (user.first_name, user.last_name) if part)
    return full or user.get_username()


def device_confirm_no_storage(*, device: Device, actor, workstation=None, now=None) -> DeviceEvent:
    """Record that a worker checked the device and found no drive in it.

    Bench roles only (``("device", "declare_no_storage")``), at the device's site, while it is
    ``received``: the declaration is what lets it leave, once a coach signs it off.
    """
    access_check(
        "device", "declare_no_storage", site=device.site_id, actor=actor, workstation=workstation
    )
    with transaction.atomic():
        locked = _lock(device)
        if locked.state != State.RECEIVED:
            raise DomainError(
                "not_received",
                _("%(tag)s is no longer “Received”: a “no storage” declaration is made before.")
                % {"tag": locked.asset_tag},
                status=409,
            )
        if locked.drives.exists():
            raise DomainError(
                "has_drives",
                _("Drives are recorded for this device: erase or destroy them instead."),
                status=409,
            )
        # A fresh declaration is never signed off yet (a drive recorded clears both); saying it
        # again keeps a sign-off already given.
        locked.no_storage_confirmed = True
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.UPDATED,
            actor=actor,
            workstation=workstation,
            payload={"no_storage_confirmed": True},
            now=now,
            device_fields=["no_storage_confirmed"],
        )
    _sync(device, locked)
    return event


def no_storage_declaration(device: Device) -> DeviceEvent | None:
    """The event that declared ``device`` without storage (the latest one), or ``None``."""
    return (
        DeviceEvent.objects.filter(
            device=device, code=DeviceEvent.Code.UPDATED, payload__no_storage_confirmed=True
        )
        .select_related("actor")
        .order_by("-seq")
        .first()
    )


def _reviewer_check(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError(
            "person_required",
            _("A sign-off is given by a person: sign in as a technical coach or a manager."),
            status=403,
        )
    if not user_roles(actor) & {COACH, MANAGER}:
        raise DomainError(
            "role_forbidden",
            _("Only a technical coach or a manager signs off a device declared without storage."),
            status=403,
        )


def _review_check(locked: Device, *, actor, workstation) -> None:
    """What a sign-off and a refusal both need: the site, and a declaration still pending."""
    access_check(
        "device", "sign_off_no_storage", site=locked.site_id, actor=actor, workstation=workstation
    )
    if locked.drives.exists():
        raise DomainError(
            "has_drives",
            _("Drives are recorded for this device: erase or destroy them instead."),
            status=409,
        )
    if not locked.no_storage_confirmed:
        raise DomainError(
            "no_storage_not_declared",
            _(
                "Nobody has declared %(tag)s without storage: there is nothing to sign off. "
                "Its drives are recorded at the erasure bench."
            )
            % {"tag": locked.asset_tag},
            status=409,
        )
    if locked.no_storage_signed_off:
        raise DomainError(
            "already_signed_off",
            _("%(tag)s is already signed off: it can be marked as erased.")
            % {"tag": locked.asset_tag},
            status=409,
        )
    if locked.state != State.RECEIVED:
        raise DomainError(
            "not_received",
            _("%(tag)s is no longer “Received”: there is nothing to sign off.")
            % {"tag": locked.asset_tag},
            status=409,
        )


def device_refuse_no_storage(
    *, device: Device, actor, reason: str, workstation=None, now=None
) -> DeviceEvent:
    """A coach or a manager refuses a "no storage" declaration: it is undone, with the reason
    (what was found), and the device goes back to having its drives recorded."""
    _reviewer_check(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required",
            _("Say what you found (for example “an M.2 SSD under the cover”)."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        locked = _lock(device)
        _review_check(locked, actor=actor, workstation=workstation)
        declaration = no_storage_declaration(locked)
        declarer = declaration.actor if declaration is not None else None
        locked.no_storage_confirmed = False
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.NO_STORAGE_REFUSED,
            actor=actor,
            workstation=workstation,
            reason=reason[:500],
            payload={
                "declared_by": person_name(declarer) if declarer is not None else "",
                "declaration_seq": declaration.seq if declaration is not None else 0,
            },
            now=now,
            device_fields=["no_storage_confirmed"],
        )
    _sync(device, locked)
    return event


def device_sign_off_no_storage(*, device: Device, actor, workstation=None, now=None) -> DeviceEvent:
    """A coach or a manager of the device's site confirms a worker's "no storage" declaration.

    Four eyes: the person who declared it never signs it off. Until it is signed off the device
    cannot leave ``received`` (``guards.no_storage_signed_off``); a drive recorded later undoes
    both the declaration and the sign-off (``drive_add``).
    """
    _reviewer_check(actor)
    with transaction.atomic():
        locked = _lock(device)
        _review_check(locked, actor=actor, workstation=workstation)
        declaration = no_storage_declaration(locked)
        if declaration is not None and declaration.actor_id == actor.pk:
            raise DomainError(
                "four_eyes",
                _(
                    "You declared %(tag)s without storage yourself: another technical coach "
                    "or a manager must sign it off."
                )
                % {"tag": locked.asset_tag},
                status=403,
            )
        declarer = declaration.actor if declaration is not None else None
        locked.no_storage_signed_off = True
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.NO_STORAGE_SIGNED_OFF,
            actor=actor,
            workstation=workstation,
            payload={
                "declared_by": person_name(declarer) if declarer is not None else "",
                "declaration_seq": declaration.seq if declaration is not None else 0,
            },
            now=now,
            device_fields=["no_storage_signed_off"],
        )
    _sync(device, locked)
    return event


def device_register(
    *,
    site: Site,
    category: Category,
    actor,
    collection=None,
    make: str = "",
    model: str = "",
    serial_number: str = "",
    weight_kg: Decimal | str | None = None,
    location=None,
    specs: dict | None = None,
    workstation=None,
    now: datetime | None = None,
) -> Device:
    """Take a device in: give it an asset tag, put it in ``received`` and log the first event."""
    now = now or timezone.now()
    with transaction.atomic():
        device = device_new(
            site=site,
            category=category,
            actor=actor,
            collection=collection,
            make=make,
            model=model,
            serial_number=serial_number,
            weight_kg=weight_kg,
            location=location,
            specs=specs,
            now=now,
        )
        device.save()
        event_append(
            device=device,
            code=DeviceEvent.Code.REGISTERED,
            actor=actor,
            workstation=workstation,
            to_state=State.RECEIVED,
            payload=registered_payload(device),
            now=now,
        )
    return device


def registered_payload(device: Device) -> dict:
    """What the ``registered`` event of a device just taken in records."""
    return {
        "category": device.category.code,
        "collection": device.collection.tag if device.collection_id else None,
        "make": device.make,
        "model": device.model,
        "serial": device.serial_number,
        "weight_kg": str(device.weight_kg) if device.weight_kg is not None else None,
    }


def _known(**related) -> list[str]:
    """The names of the related rows given as instances read from the database (they exist:
    ``full_clean`` need not look them up again)."""
    return [
        name
        for name, obj in related.items()
        if obj is not None and obj.pk is not None and not obj._state.adding
    ]


def device_new(
    *,
    site: Site,
    category: Category,
    actor,
    collection=None,
    make: str = "",
    model: str = "",
    serial_number: str = "",
    weight_kg: Decimal | str | None = None,
    location=None,
    specs: dict | None = None,
    now: datetime,
) -> Device:
    """The device ``device_register`` takes in, validated and tagged, not saved yet.

    Call inside the caller's transaction, which saves it and appends its ``registered`` event
    (``registered_payload``). Every field's rules are checked; what the database already
    says is not asked again: related rows given as instances read from it exist, and the asset
    tag comes fresh from the site's counter (``tag_allocate``, after the checks, so a refused
    device uses no tag).
    """
    if collection is not None and collection.site_id != site.pk:
        raise DomainError(
            "wrong_site",
            _("This collection was received at another site: pick a collection of this site."),
            fields={"collection": [_("Another site's collection.")]},
        )
    if location is not None and location.site_id != site.pk:
        raise DomainError(
            "wrong_site",
            _("This location is at another site: pick a location of this site."),
            fields={"location": [_("Another site's location.")]},
        )
    device = Device(
        site=site,
        category=category,
        collection=collection,
        make=(make or "").strip(),
        model=(model or "").strip(),
        serial_number=(serial_number or "").strip(),
        weight_kg=weight_kg if weight_kg not in ("",) else None,
        location=location,
        specs=specs or {},
        state=State.RECEIVED,
        received_at=now,
        state_changed_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        asset_tag="pending",
    )
    known = _known(
        site=site,
        category=category,
        collection=collection,
        location=location,
        created_by=device.created_by,
    )
    validate(device, exclude=known, validate_unique=False)
    device.asset_tag = tag_allocate(site=site, kind=tags.DEVICE)
    return device
