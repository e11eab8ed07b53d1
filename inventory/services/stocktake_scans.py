"""Open a stocktake and record what the scanners find, one label at a time.

Scanners at several shelves record their scans side by side: each scan takes a shared lock on
the stocktake (closing it waits for them), and a label counts once, where it was first found.
Comparing the scans with the system is :mod:`inventory.services.stocktake_reconcile`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Location, Part, Stocktake, StocktakePartScan, StocktakeScan
from inventory.scan import scan_resolve
from refurb.models import Device
from workshop import tags
from workshop.access import site_check
from workshop.exceptions import DomainError, validate
from workshop.models import Site


def stocktake_open(
    *,
    site: Site,
    actor,
    locations: Iterable[Location] = (),
    note: str = "",
    now: datetime | None = None,
) -> Stocktake:
    """Open a stocktake of ``site`` (or only of ``locations``, all of that site).

    Only at one of the actor's sites (``workshop/access.py``): a manager counts their own site.
    """
    site_check(site, actor=actor)
    locations = list(locations)
    strangers = [location.tag for location in locations if location.site_id != site.pk]
    if strangers:
        raise DomainError(
            "wrong_site",
            _("These locations belong to another site: %(tags)s.") % {"tags": ", ".join(strangers)},
            fields={"locations": strangers},
        )
    with transaction.atomic():
        stocktake = Stocktake(
            site=site,
            note=(note or "").strip(),
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
            opened_at=now or timezone.now(),
        )
        validate(stocktake)
        stocktake.save()
        if locations:
            stocktake.locations.set(locations)
    return stocktake


def _lock_open_shared(stocktake: Stocktake) -> Stocktake:
    """Read the stocktake under a shared lock: scanners run side by side, closing waits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Stocktake._meta.db_table} WHERE id = %s FOR SHARE",
                [stocktake.pk],
            )
            row = cursor.fetchone()
        status = row[0] if row else None
    else:
        status = Stocktake.objects.filter(pk=stocktake.pk).values_list("status", flat=True).first()
    if status != Stocktake.Status.OPEN:
        raise DomainError(
            "stocktake_closed",
            _("This stocktake is closed: scans are no longer taken."),
            status=409,
        )
    return stocktake


def _scan_device(code: str) -> tuple[str, Device | None]:
    """Return the code to count (the asset tag when known) and the device it designates."""
    try:
        result = scan_resolve(code)
    except DomainError as error:
        if error.code == "scan_unknown":
            return code.strip(), None
        raise
    if result.kind != "device":
        raise DomainError(
            "not_a_device",
            _("“%(code)s” is a %(kind)s label, not a device: scan the device's asset tag.")
            % {"code": result.code, "kind": result.kind},
            fields={"code": [_("Not a device.")]},
        )
    return result.obj.asset_tag, result.obj


def scan_part(code: str) -> Part | None:
    """The part a scanned ``P`` tag names (a mistyped one is refused), or None."""
    text = tags.normalize((code or "").strip())
    if not tags.looks_like_tag(text) or tags.parse_tag(text).kind != tags.PART:
        return None
    part = Part.objects.filter(tag=text).first()
    if part is None:
        raise DomainError(
            "scan_unknown",
            _("“%(code)s” is no part of this workshop.") % {"code": text},
            fields={"code": [_("Unknown part.")]},
            status=404,
        )
    return part


def _record_part_scan(stocktake, part, *, location, actor, now):
    """Count a part where it was found (once); ``stocktake_parts`` compares with the stock."""
    if part.site_id != stocktake.site_id:
        raise DomainError(
            "wrong_site",
            _("Part %(tag)s belongs to another site.") % {"tag": part.tag},
            fields={"code": [part.tag]},
        )
    with transaction.atomic():
        _lock_open_shared(stocktake)
        scan, created = StocktakePartScan.objects.get_or_create(
            stocktake=stocktake,
            part=part,
            defaults={
                "location": location,
                "scanned_by": actor if getattr(actor, "is_authenticated", False) else None,
                "scanned_at": now,
            },
        )
    return scan, created


def stocktake_record_scan(
    *,
    stocktake: Stocktake,
    code: str,
    location: Location,
    actor,
    now: datetime | None = None,
) -> tuple[StocktakeScan, bool]:
    """Record that the label ``code`` was found at ``location``; return ``(scan, created)``.

    Idempotent per code: a device scanned twice (by tag or by serial, by one scanner or two at
    once) counts once, where it was first found. An unknown code is kept, to be shown as an
    unknown label; a mistyped tag is refused so the worker scans again.
    """
    if location.site_id != stocktake.site_id:
        raise DomainError(
            "wrong_site",
            _("Location %(tag)s is not at the site being counted.") % {"tag": location.tag},
            fields={"location": [_("Another site's location.")]},
        )
    now = now or timezone.now()
    part = scan_part(code)
    if part is not None:
        return _record_part_scan(stocktake, part, location=location, actor=actor, now=now)
    counted, device = _scan_device(code)
    with transaction.atomic():
        _lock_open_shared(stocktake)
        scope = list(stocktake.locations.values_list("pk", flat=True))
        if scope and location.pk not in scope:
            raise DomainError(
                "location_out_of_scope",
                _("Location %(tag)s is not part of this stocktake.") % {"tag": location.tag},
                fields={"location": [_("Not counted in this stocktake.")]},
            )
        try:
            with transaction.atomic():
                scan = StocktakeScan.objects.create(
                    stocktake=stocktake,
                    code=counted[:80],
                    device=device,
                    location=location,
                    scanned_by=actor if getattr(actor, "is_authenticated", False) else None,
                    scanned_at=now,
                )
            created = True
        except IntegrityError:
            scan = StocktakeScan.objects.get(stocktake=stocktake, code=counted[:80])
            created = False
    return scan, created
