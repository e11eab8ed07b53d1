"""Find the device a report is about, register it when it is new, and fill in its identity.

A report names its device by asset tag (the agent's ``--asset-tag``), else by the system
serial number; a machine seen for the first time is registered in ``received`` at the site of
the workstation that sent it. The make, model and serial only fill empty fields (a different
serial is a warning, never an overwrite); the ``specs`` are merged.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from refurb.events import NewEvent
from refurb.ingest.specs import specs_from_snapshot
from refurb.models import Category, Device, DeviceEvent
from refurb.selectors import devices_by_serial
from refurb.services.intake import device_new, registered_payload
from refurb.snapshots import ParsedSnapshot
from refurb.snapshots.placeholders import is_placeholder
from refurb.states import State
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.tags import parse_tag

CATEGORY_FOR_HINT = {
    "laptop": "laptop",
    "desktop": "desktop",
    "server": "server",
    "all-in-one": "all_in_one",
    "tablet": "tablet",
}
DEFAULT_CATEGORY = "desktop"


def device_by_tag(tag: str) -> Device:
    """Return the device with this asset tag; raise ``device_not_found`` (404) if none."""
    code = parse_tag(tag).text
    device = Device.objects.filter(asset_tag=code).first()
    if device is None:
        raise DomainError(
            "device_not_found",
            _("No device has asset tag %(tag)s: check the tag on the device and try again.")
            % {"tag": code},
            fields={"asset_tag": [_("Unknown asset tag.")]},
            status=404,
        )
    return device


def device_by_serial(serial: str | None) -> Device | None:
    """Return the one device with this serial, None if none; raise 409 if several match."""
    if not serial or is_placeholder(serial, "serial"):
        return None  # a firmware placeholder is shared by many machines: never a match
    found = devices_by_serial(serial)
    if len(found) > 1:
        tags = [d.asset_tag for d in found]
        raise DomainError(
            "serial_ambiguous",
            _(
                "Serial number %(serial)s matches several devices (%(tags)s). Run the agent "
                "again with --asset-tag and the tag stuck on this device."
            )
            % {"serial": serial, "tags": ", ".join(tags)},
            fields={"serial": tags},
            status=409,
        )
    return found[0] if found else None


def _category(hint: str | None) -> Category:
    code = CATEGORY_FOR_HINT.get(hint or "", DEFAULT_CATEGORY)
    return Category.objects.get(code=code)


def _site_for(workstation, site):
    if workstation is not None:
        return workstation.site
    if site is not None:
        return site
    sites = list(Site.objects.all()[:2])
    if len(sites) == 1:
        return sites[0]
    raise DomainError(
        "site_required",
        _(
            "This device is new and Atelier cannot tell which site received it: send the "
            "report with a workstation token, or give the site code."
        ),
        fields={"site": [_("This field is required.")]},
    )


def device_for_report(
    parsed: ParsedSnapshot, *, workstation, site, actor, now: datetime
) -> tuple[Device, bool, list[NewEvent]]:
    """Return the report's device, locked, whether it was registered just now, and the events
    still to append to it (a new device's ``registered`` event).

    Call inside the ingestion's transaction: the device is found by the report's asset tag,
    else by its system serial number, else registered in ``received`` as ``device_register``
    does (``device_new``), its ``registered`` event left for the caller to append with the
    report's other events (``event_append_many``, one insert).
    """
    if parsed.asset_tag:
        device = device_by_tag(parsed.asset_tag)
    else:
        device = device_by_serial(parsed.identity.serial)
    registered = device is None
    if registered:
        ident = parsed.identity
        register_site = _site_for(workstation, site)
        if ident.serial and connection.features.has_select_for_update:
            # Two benches posting the same new machine at once: the site row lock makes
            # the second wait, then find the device the first one registered. (SQLite
            # already serialises writers: the transaction began IMMEDIATE.)
            Site.objects.select_for_update().filter(pk=register_site.pk).first()
            device = device_by_serial(ident.serial)
            registered = device is None
    if not registered:
        # A device registered in this transaction is already ours; others are locked.
        device = (
            Device.objects.select_for_update(of=("self",))
            .select_related("category", "site")
            .get(pk=device.pk)
        )
        return device, False, []
    device = device_new(
        site=register_site,
        category=_category(ident.category_hint),
        actor=actor,
        make=(ident.manufacturer or "")[:80],
        model=(ident.model or "")[:120],
        serial_number=(ident.serial or "")[:80],
        now=now,
    )
    device.save()
    event = NewEvent(
        device=device,
        code=DeviceEvent.Code.REGISTERED,
        to_state=State.RECEIVED,
        payload=registered_payload(device),
    )
    return device, True, [event]


def fill_identity(device: Device, parsed: ParsedSnapshot, warnings: list[str]) -> list[str]:
    """Fill the device's empty make, model and serial and merge its specs; return the fields.

    A serial that differs from the recorded one is not written: it adds a warning.
    """
    ident = parsed.identity
    changed = []
    for attr, value, limit in (
        ("make", ident.manufacturer, 80),
        ("model", ident.model, 120),
        ("serial_number", ident.serial, 80),
    ):
        if not value:
            continue
        value = value.strip()[:limit]
        current = getattr(device, attr)
        if not current:
            setattr(device, attr, value)
            changed.append(attr)
        elif attr == "serial_number" and current.casefold() != value.casefold():
            warnings.append(
                _(
                    "The report says serial %(new)s but %(tag)s is recorded with %(old)s: "
                    "check the device and correct it if needed."
                )
                % {"new": value, "tag": device.asset_tag, "old": current}
            )
    specs = {**device.specs, **specs_from_snapshot(parsed)}
    if specs != device.specs:
        device.specs = specs
        changed.append("specs")
    return changed
