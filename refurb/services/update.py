"""Corrections made after the fact: a device's identity and specs, and the reference data the
rules read. Nothing of either is ever changed silently (docs/design.md, "No silent edits").

``device_update`` changes what a device *is* (category, make, model, serial number, specs,
weight) and appends an ``updated`` event with the old and new value of each field, or refuses
(a ``DomainError``) a change that would break an invariant. ``reference_change`` changes one
field of a category, a checklist item or a grade, a manager's decision, and writes a
``ReferenceChange`` audit row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import (
    Category,
    Certificate,
    ChecklistItem,
    Device,
    DeviceEvent,
    Grade,
    ReferenceChange,
    SystemImage,
)
from refurb.selectors import device_data_safety
from refurb.services.lifecycle import _lock, _sync
from refurb.states import EXIT_STATES, State
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.roles import MANAGER, user_roles
from workshop.selectors import user_site

# The fields ``device_update`` changes; everything else of a device has its own service (the
# state, the grade and the storage check: the moves; the place: ``device_move``).
DEVICE_FIELDS = ("category", "make", "model", "serial_number", "specs", "weight_kg")
# The category decides the checklist passed and whether the device holds data: it may change
# only before the device is tested.
CATEGORY_STATES = frozenset({State.RECEIVED, State.WIPED})
# A device promised to a buyer, gone, or written off keeps the identity it had then (its sale
# line, its recycling weight and its write-off name it).
FROZEN_STATES = EXIT_STATES | {State.RESERVED, State.WRITTEN_OFF}


def _json(name: str, value):
    if name == "category":
        return value.code if value is not None else None
    if name == "weight_kg":
        return str(value) if value is not None else None
    return value


def _clean(name: str, value):
    if name in ("make", "model", "serial_number"):
        return (value or "").strip()
    if name == "specs":
        if not isinstance(value, dict):
            raise DomainError(
                "invalid",
                _("The specifications are a set of named values."),
                fields={"specs": [_("Enter an object.")]},
            )
        return value
    if name == "weight_kg":
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            raise DomainError(
                "invalid",
                _("The weight is a number of kilograms."),
                fields={"weight_kg": [_("Enter a number.")]},
            ) from None
    if name == "category" and not isinstance(value, Category):
        raise DomainError(
            "invalid",
            _("Choose a category."),
            fields={"category": [_("Unknown category.")]},
        )
    return value


def _refuse(code: str, message: str, field: str) -> None:
    raise DomainError(code, message, fields={field: [message]}, status=409)


def device_update(
    *,
    device: Device,
    actor,
    workstation=None,
    reason: str = "",
    now: datetime | None = None,
    **changes,
) -> DeviceEvent | None:
    """Change the identity or specs of ``device`` (``DEVICE_FIELDS``) and append one
    ``updated`` event with ``{"changes": {field: [old, new]}}``; return None when nothing
    changes.

    Refused (409, nothing written): any change once the device is reserved, gone (sold,
    recycled, harvested) or written off (``device_frozen``); a category change once it is
    tested (``category_locked``) or, after it left ``received``, to a category whose data
    safety would no longer hold (``category_unsafe``); a serial number an erasure certificate
    already names (``serial_certified``).
    """
    unknown = sorted(set(changes) - set(DEVICE_FIELDS))
    if unknown:
        raise DomainError(
            "invalid",
            _("These fields are not changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={name: [_("Not a field of this change.")] for name in unknown},
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        access_check("device", "update", site=locked.site_id, actor=actor, workstation=workstation)
        changed = {}
        for name, value in changes.items():
            new = _clean(name, value)
            old = getattr(locked, name)
            if name == "category" and old.pk == new.pk or name != "category" and old == new:
                continue
            changed[name] = (old, new)
        if not changed:
            return None
        if locked.state in FROZEN_STATES:
            _refuse(
                "device_frozen",
                _("A device that is “%(state)s” keeps the details it had: nothing is changed.")
                % {"state": State(locked.state).label},
                next(iter(changed)),
            )
        if "category" in changed:
            if locked.state not in CATEGORY_STATES:
                _refuse(
                    "category_locked",
                    _(
                        "The category decides the checklist it passed: it cannot change once "
                        "the device is tested."
                    ),
                    "category",
                )
            locked.category = changed["category"][1]
            if locked.state != State.RECEIVED and not device_data_safety(locked).safe:
                _refuse(
                    "category_unsafe",
                    _(
                        "A %(category)s holds data: with no drive erased or destroyed and no "
                        "storage check, this device would have left “received” unerased."
                    )
                    % {"category": locked.category.name},
                    "category",
                )
        certified = Q(device=locked)
        if locked.collection_id:  # a collection's certificate lists its devices' serials
            certified |= Q(collection_id=locked.collection_id)
        if "serial_number" in changed and Certificate.objects.filter(certified).exists():
            _refuse(
                "serial_certified",
                _("An erasure certificate names this serial number: it cannot change."),
                "serial_number",
            )
        for name, (_old, new) in changed.items():
            setattr(locked, name, new)
        validate(locked)
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.UPDATED,
            actor=actor,
            workstation=workstation,
            reason=(reason or "").strip(),
            payload={
                "changes": {
                    name: [_json(name, old), _json(name, new)]
                    for name, (old, new) in sorted(changed.items())
                }
            },
            now=now,
            device_fields=list(changed),
        )
    for name in changed:
        setattr(device, name, getattr(locked, name))
    _sync(device, locked)
    return event


# The reference fields the rules read, by model, and only through ``reference_change``.
REFERENCE_FIELDS: dict[type, tuple[str, ...]] = {
    Category: ("holds_data", "needs_system"),
    ChecklistItem: ("mandatory", "is_active"),
    Grade: ("name", "criteria", "order"),
    SystemImage: ("name", "version", "licence", "is_active", "order"),
}


def reference_check(*, actor, model: type, field: str) -> None:
    """Refuse (403) anyone but a manager, or a field ``reference_change`` does not own."""
    if field not in REFERENCE_FIELDS.get(model, ()):
        raise DomainError(
            "invalid",
            _("“%(field)s” is not reference data changed here.") % {"field": field},
            fields={field: [_("Not a field of this change.")]},
        )
    if MANAGER not in user_roles(actor):
        raise DomainError(
            "role_forbidden",
            _("Only a manager may change what the rules read (%(field)s).")
            % {"field": model._meta.get_field(field).verbose_name},
            status=403,
        )


def reference_change(
    *, obj, field: str, value, actor, reason: str = "", now: datetime | None = None
) -> ReferenceChange | None:
    """Set ``obj.<field>`` to ``value`` (a category's ``holds_data``, a checklist item's
    ``mandatory``/``is_active``, a grade's name, criteria or order) and write the audit row
    (who, when, their site, the object, the field, old and new). Managers only; returns None
    when the value does not change."""
    model = type(obj)
    reference_check(actor=actor, model=model, field=field)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        old = getattr(locked, field)
        if old == value:
            return None
        setattr(locked, field, value)
        validate(locked)
        locked.save(update_fields=[field])
        change = ReferenceChange.objects.create(
            actor=actor,
            site=user_site(actor),
            model=model._meta.label_lower,
            object_id=locked.pk,
            object_repr=str(locked)[:200],
            field=field,
            old=old,
            new=getattr(locked, field),
            reason=(reason or "").strip(),
            created_at=now or timezone.now(),
        )
    setattr(obj, field, getattr(locked, field))
    return change
