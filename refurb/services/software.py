"""Installing a system on a device, and the licence stock of proprietary images.

``system_install`` records, at the test or grading bench (or a manager at the office), which
image was installed on a device, when, by whom (a person, or the bench's agent through its
workstation token) and whether the first boot check passed; a proprietary image takes one
licence of the device's site's stock once its installation is confirmed (its first boot
passed), which is then used for good. A failed first boot uses no licence: a key it named is
checked (known, of this image, unused) and stays in stock for the installation done again.
``licence_keys_load`` (a manager) adds licences to a site's stock; ``system_image_create`` (a
manager) adds an image to the configured list, whose fields then change through
``reference_change`` only.

Everything refused raises a ``DomainError`` with nothing written.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_actor_kind, event_append
from refurb.models import (
    Device,
    DeviceEvent,
    LicenceKey,
    ReferenceChange,
    SystemImage,
    SystemInstallation,
)
from refurb.models.software import licence_masked
from refurb.services.lifecycle import _lock, _sync
from refurb.states import State
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.models import WorkstationKind as WK
from workshop.roles import MANAGER, user_roles
from workshop.selectors import user_site

# A system is installed once the drives are erased and before the device goes on sale.
INSTALL_STATES = frozenset(
    {State.WIPED, State.TESTED, State.IN_REPAIR, State.RETURNED, State.GRADED}
)
INSTALL_STATIONS = frozenset({WK.TEST, WK.GRADING})
# A bench agent's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,99}$")


def _refuse(code: str, message: str, field: str, status: int = 409):
    raise DomainError(code, message, fields={field: [message]}, status=status)


def image_get(image) -> SystemImage:
    """Return the active image ``image`` names (a ``SystemImage`` or its code), or refuse."""
    code = image.code if isinstance(image, SystemImage) else str(image or "").strip()
    found = SystemImage.objects.filter(code=code).first() if code else None
    active = ", ".join(SystemImage.objects.filter(is_active=True).values_list("code", flat=True))
    if found is None:
        _refuse(
            "image_unknown",
            _("“%(image)s” is not a system image of the workshop. Choose one of: %(images)s.")
            % {"image": code or "—", "images": active or "—"},
            "image",
            status=400,
        )
    if not found.is_active:
        _refuse(
            "image_inactive",
            _(
                "%(image)s is no longer installed here (a manager withdrew it). Choose one "
                "of: %(images)s."
            )
            % {"image": found.label, "images": active or "—"},
            "image",
            status=400,
        )
    return found


def _check_station(workstation, actor) -> None:
    if workstation is None:
        _refuse(
            "workstation_required",
            _("A system is recorded at the test or the grading bench: choose your bench."),
            "workstation",
            status=403,
        )
    if workstation.kind == WK.OFFICE and MANAGER in user_roles(actor):
        return
    if workstation.kind not in INSTALL_STATIONS:
        _refuse(
            "workstation_forbidden",
            _("A system is recorded at the test or the grading bench, not at a %(kind)s bench.")
            % {"kind": WK(workstation.kind).label},
            "workstation",
            status=403,
        )


def _licence_for(*, device, image: SystemImage, key: str):
    """The licence the installation uses: the one named (``key``) or the next free one of the
    device's site's stock, locked; None for free software."""
    key = (key or "").strip()
    if not image.needs_licence:
        if key:
            _refuse(
                "licence_not_needed",
                _("%(image)s is free software: it takes no licence key.") % {"image": image.label},
                "licence_key",
                status=400,
            )
        return None
    unused = ~Exists(SystemInstallation.objects.filter(licence=OuterRef("pk")))
    if key:
        licence = (
            LicenceKey.objects.select_for_update(of=("self",))
            .filter(key=key, site_id=device.site_id)
            .select_related("image")
            .first()
        )
        if licence is None:
            _refuse(
                "licence_unknown",
                _("This licence key is not in the stock of this site: ask a manager to load it."),
                "licence_key",
                status=400,
            )
        if licence.image_id != image.pk:
            _refuse(
                "licence_wrong_image",
                _("This licence is for %(other)s, not for %(image)s.")
                % {"other": licence.image.label, "image": image.label},
                "licence_key",
                status=400,
            )
        if SystemInstallation.objects.filter(licence=licence).exists():
            _refuse(
                "licence_used",
                _("This licence key (%(key)s) is already used: a licence is used only once.")
                % {"key": licence.masked},
                "licence_key",
            )
        return licence
    licence = (
        LicenceKey.objects.select_for_update(skip_locked=True)
        .filter(unused, site_id=device.site_id, image=image)
        .order_by("id")
        .first()
    )
    if licence is None:
        _refuse(
            "licence_out_of_stock",
            _("No licence of %(image)s is left in this site's stock: ask a manager to load some.")
            % {"image": image.label},
            "licence_key",
        )
    return licence


def system_install(
    *,
    device: Device,
    image,
    first_boot_passed: bool,
    actor,
    workstation=None,
    installed_at: datetime | None = None,
    licence_key: str = "",
    note: str = "",
    now: datetime | None = None,
) -> SystemInstallation:
    """Record that ``image`` (a ``SystemImage`` or its code) was installed on ``device`` and
    whether its first boot check passed; append one ``system_installed`` event.

    Refused, nothing written: an image unknown or withdrawn (400), a device not erased yet or
    already on sale (``device_state``, 409), a category with no system (409), a workstation
    other than the test or grading bench (403), another site (403), a licence key unknown,
    of another image, already used or none left in stock.
    """
    now = now or timezone.now()
    installed_at = installed_at or now
    with transaction.atomic():
        locked = _lock(device)
        access_check(
            "installation", "record", site=locked.site_id, actor=actor, workstation=workstation
        )
        _check_station(workstation, actor)
        chosen = image_get(image)
        category = locked.category
        if not (category.needs_system or category.holds_data):
            _refuse(
                "category_no_system",
                _("A %(category)s has no system to install.") % {"category": category.name},
                "image",
            )
        if locked.state not in INSTALL_STATES:
            _refuse(
                "device_state",
                _(
                    "%(tag)s is “%(state)s”: a system is installed once its drives are erased "
                    "and before it goes on sale (erased, tested, in repair, returned or graded)."
                )
                % {"tag": locked.asset_tag, "state": State(locked.state).label},
                "device",
            )
        if installed_at > now + CLOCK_SKEW:
            _refuse(
                "invalid",
                _("The installation date is in the future: check the bench's clock."),
                "installed_at",
                status=400,
            )
        confirmed = bool(first_boot_passed)
        released = None
        if confirmed:
            licence = _licence_for(device=locked, image=chosen, key=licence_key)
        else:
            # Not confirmed: the key named is checked, and released (never attached).
            if (licence_key or "").strip() or not chosen.needs_licence:
                released = _licence_for(device=locked, image=chosen, key=licence_key)
            licence = None
        person = actor if getattr(actor, "is_authenticated", False) else None
        installation = SystemInstallation(
            device=locked,
            image=chosen,
            name=chosen.name,
            version=chosen.version,
            installed_at=installed_at,
            first_boot_passed=bool(first_boot_passed),
            licence=licence,
            operator=person,
            workstation=workstation,
            actor_kind=event_actor_kind(person, workstation),
            cycle=locked.test_cycle,
            note=(note or "").strip(),
            created_at=now,
        )
        validate(installation, exclude=["licence"])
        try:
            with transaction.atomic():
                installation.save()
        except IntegrityError:
            # Another installation took this licence between our read and our write: the
            # database's one-to-one column refuses it.
            _refuse(
                "licence_used",
                _("This licence was just used by another installation: record it again."),
                "licence_key",
            )
        payload = {
            "installation": installation.pk,
            "image": chosen.code,
            "system": installation.label,
            "first_boot_passed": installation.first_boot_passed,
            "cycle": installation.cycle,
        }
        if licence is not None:
            payload["licence"] = licence.masked
        if released is not None:
            payload["licence_released"] = released.masked
        event_append(
            device=locked,
            code=DeviceEvent.Code.SYSTEM_INSTALLED,
            actor=person,
            workstation=workstation,
            payload=payload,
            now=now,
        )
    _sync(device, locked)
    device.__dict__.pop("_installation", None)
    return installation


def _manager_only(actor, what: str) -> None:
    if MANAGER not in user_roles(actor):
        raise DomainError(
            "role_forbidden", _("Only a manager may %(what)s.") % {"what": what}, status=403
        )


def licence_keys_load(
    *,
    site,
    image,
    keys,
    actor,
    kind: str = LicenceKey.Kind.PRODUCT_KEY,
    now: datetime | None = None,
) -> list[LicenceKey]:
    """Add ``keys`` (one licence each) to ``site``'s stock of the proprietary ``image``.

    Managers of that site only. The whole batch is refused (nothing loaded) when a key is
    malformed, given twice or already loaded, or the image is free software.
    """
    now = now or timezone.now()
    access_check("licence", "load", site=getattr(site, "pk", site), actor=actor)
    chosen = image if isinstance(image, SystemImage) else image_get(image)
    if not chosen.needs_licence:
        _refuse(
            "licence_not_needed",
            _("%(image)s is free software: it takes no licence key.") % {"image": chosen.label},
            "image",
            status=400,
        )
    if kind not in LicenceKey.Kind.values:
        _refuse("invalid", _("Choose a kind of licence."), "kind", status=400)
    cleaned = [str(key).strip() for key in keys if str(key).strip()]
    if not cleaned:
        _refuse("invalid", _("Paste the licence keys, one per line."), "keys", status=400)
    malformed = [key for key in cleaned if not KEY_PATTERN.match(key)]
    if malformed:
        _refuse(
            "invalid",
            _(
                "These lines are not licence keys (letters, digits and dashes, 4 to 100 "
                "characters): %(keys)s."
            )
            % {"keys": ", ".join(licence_masked(key) for key in malformed[:5])},
            "keys",
            status=400,
        )
    twice = sorted({key for key in cleaned if cleaned.count(key) > 1})
    known = sorted(LicenceKey.objects.filter(key__in=cleaned).values_list("key", flat=True))
    if twice or known:
        _refuse(
            "licence_duplicate",
            _("These keys are already loaded or given twice: %(keys)s. Nothing was loaded.")
            % {"keys": ", ".join(licence_masked(key) for key in (twice + known)[:5])},
            "keys",
        )
    site_id = getattr(site, "pk", site)
    rows = [
        LicenceKey(
            site_id=site_id, image=chosen, kind=kind, key=key, loaded_by=actor, loaded_at=now
        )
        for key in cleaned
    ]
    try:
        with transaction.atomic():
            LicenceKey.objects.bulk_create(rows)
    except IntegrityError:
        _refuse(
            "licence_duplicate",
            _("Some of these keys were loaded meanwhile: nothing was loaded, try again."),
            "keys",
        )
    return rows


def system_image_create(
    *,
    code: str,
    name: str,
    version: str,
    actor,
    licence: str = SystemImage.Licence.FREE,
    order: int = 0,
    now: datetime | None = None,
) -> SystemImage:
    """Add an image to the configured list (managers), with its audit row."""
    _manager_only(actor, _("change the list of system images"))
    image = SystemImage(
        code=(code or "").strip(),
        name=(name or "").strip(),
        version=(version or "").strip(),
        licence=licence,
        order=order,
    )
    validate(image)
    with transaction.atomic():
        image.save()
        ReferenceChange.objects.create(
            actor=actor,
            site=user_site(actor),
            model=SystemImage._meta.label_lower,
            object_id=image.pk,
            object_repr=str(image)[:200],
            field="created",
            old=None,
            new={
                "code": image.code,
                "name": image.name,
                "version": image.version,
                "licence": image.licence,
            },
            created_at=now or timezone.now(),
        )
    return image
