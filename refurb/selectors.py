"""Reads about the bench process shared by services, screens and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from refurb.models import (
    ChecklistItem,
    Device,
    DeviceEvent,
    Drive,
    LicenceKey,
    Repair,
    SystemImage,
    SystemInstallation,
    TestResult,
    VerificationSample,
)
from refurb.states import HELD_STATES, State


@dataclass(frozen=True)
class DataSafety:
    """Whether a device may leave the erasure stage, and which drives hold it back."""

    safe: bool
    holds_data: bool
    drive_count: int
    unsafe_drives: list[Drive] = field(default_factory=list)
    needs_storage_check: bool = False


def device_data_safety(device) -> DataSafety:
    """Tell whether every drive recorded in ``device`` is erased-and-verified or destroyed.

    A device of a data-holding category with no drive recorded is safe only once a worker has
    confirmed it has no storage at all, so forgetting to record a drive cannot skip erasure. A
    drive fitted into another device as a part belongs to that device from then on; a device
    whose only drives were taken out that way is safe (one more query, in that case only).
    """
    drives = list(device.drives.all())
    unsafe = [drive for drive in drives if not drive.is_safe]
    holds_data = device.category.holds_data
    if unsafe:
        return DataSafety(False, holds_data, len(drives), unsafe)
    if drives or not holds_data:
        return DataSafety(True, holds_data, len(drives))
    if device.no_storage_confirmed:
        return DataSafety(True, holds_data, 0)
    cached = getattr(device, "_prefetched_objects_cache", {}).get("drives_taken_out")
    if cached is not None:
        taken_out = bool(cached)
    elif device.pk is None or device.state == State.RECEIVED:
        # Parts are taken out in repair only: a device at intake (the common case of "no
        # drive recorded") costs no query. One sent back to intake after a repair is asked
        # for its storage again: a refusal, never a wrong "safe".
        taken_out = False
    else:
        taken_out = Drive.objects.filter(taken_from_id=device.pk).exists()
    if taken_out:
        # Its drives were taken out as parts and fitted into other devices: their evidence
        # went with them (``Drive.taken_from``), and their new device's guard keeps them.
        return DataSafety(True, holds_data, 0)
    return DataSafety(False, holds_data, 0, needs_storage_check=True)


@dataclass(frozen=True)
class ChecklistLine:
    item: ChecklistItem
    result: TestResult | None

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.passed


def device_checklist(device) -> list[ChecklistLine]:
    """Return the device's category checklist with the latest result of each item in the
    device's current test cycle (results of earlier cycles do not count)."""
    latest = TestResult.objects.filter(
        device=device, item=OuterRef("pk"), cycle=device.test_cycle
    ).order_by("-id")
    items = (
        ChecklistItem.objects.filter(category_id=device.category_id, is_active=True)
        .annotate(latest_id=Subquery(latest.values("id")[:1]))
        .order_by("order", "id")
    )
    items = list(items)
    results = TestResult.objects.in_bulk([item.latest_id for item in items if item.latest_id])
    return [ChecklistLine(item, results.get(item.latest_id)) for item in items]


def device_state_before_write_off(device) -> str:
    """Return the state a written-off device was in before it was written off."""
    event = (
        DeviceEvent.objects.filter(device=device, to_state=State.WRITTEN_OFF)
        .order_by("-seq")
        .only("from_state")
        .first()
    )
    return event.from_state if event else ""


def device_timeline(device):
    """Return the device's events in order, with who and where."""
    return (
        DeviceEvent.objects.filter(device=device)
        .select_related("actor", "workstation", "workstation__site")
        .order_by("seq")
    )


@dataclass(frozen=True)
class ChainHead:
    """The last link of a device's event chain: what a certificate quotes."""

    seq: int
    hash: str


def device_chain_head(device) -> ChainHead:
    """Return the current head of ``device``'s event hash chain, read from the database."""
    from refurb.models import Device

    seq, head = Device.objects.values_list("event_seq", "event_head").get(pk=device.pk)
    return ChainHead(seq=seq, hash=head)


def device_failing_drives(device) -> list[Drive]:
    """Return the device's drives whose SMART data says they are failing (for the test bench).

    A failing drive still has to be erased or destroyed; the test bench shows it so the
    worker does not sell a device with a dying disk.
    """
    return list(device.drives.filter(failing=True).order_by("id"))


# --- bench screens: a fixed number of queries whatever the amount of data

VERIFICATION_LIMIT = 50


def verification_pending(*, site, limit: int = VERIFICATION_LIMIT) -> list[VerificationSample]:
    """Return the drives of ``site`` drawn for an independent check and not checked yet.

    Oldest draw first, one query (the erasure, its drive, device and operator come along).
    """
    return list(
        VerificationSample.objects.filter(passed__isnull=True, erasure__drive__device__site=site)
        .select_related("erasure__drive__device", "erasure__operator")
        .order_by("drawn_at", "id")[:limit]
    )


SUGGESTIONS = 200


STUCK_LIMIT = 200


def intake_suggestions(site) -> dict[str, list[str]]:
    """Return the makes and models already typed at ``site``, most frequent first."""
    rows = (
        Device.objects.filter(site=site)
        .exclude(make="", model="")
        .values("make", "model")
        .annotate(uses=Count("id"))
        .order_by("-uses", "make", "model")[:SUGGESTIONS]
    )
    makes: dict[str, None] = {}
    models: dict[str, None] = {}
    for row in rows:
        if row["make"]:
            makes[row["make"]] = None
        if row["model"]:
            models[row["model"]] = None
    return {"makes": list(makes), "models": list(models)}


@dataclass(frozen=True)
class BenchActivity:
    by_workstation: list[dict]
    by_worker: list[dict]
    total: int


def bench_activity(*, site, day_start: datetime, day_end: datetime) -> BenchActivity:
    """Count the events of ``site`` between two instants, per workstation and per worker."""
    events = DeviceEvent.objects.filter(
        device__site=site, created_at__gte=day_start, created_at__lt=day_end
    )
    counts = {
        "events": Count("id"),
        "devices": Count("device", distinct=True),
        "transitions": Count("id", filter=Q(code=DeviceEvent.Code.TRANSITION)),
        "erasures": Count(
            "id", filter=Q(code__in=[DeviceEvent.Code.ERASURE, DeviceEvent.Code.DESTRUCTION])
        ),
        "tests": Count("id", filter=Q(code=DeviceEvent.Code.TEST)),
        "registered": Count("id", filter=Q(code=DeviceEvent.Code.REGISTERED)),
    }
    by_workstation = list(
        events.values("workstation__name", "workstation__kind")
        .annotate(**counts)
        .order_by("workstation__kind", "workstation__name")
    )
    by_worker = list(
        events.values("actor__username", "actor__first_name", "actor__last_name")
        .annotate(**counts)
        .order_by("-events", "actor__username")
    )
    return BenchActivity(by_workstation, by_worker, sum(row["events"] for row in by_workstation))


def devices_stuck(*, site, days: int, now: datetime | None = None):
    """Return devices of ``site`` held in the same state for more than ``days`` days."""
    now = now or timezone.now()
    return (
        Device.objects.filter(
            site=site,
            state__in=sorted(HELD_STATES),
            state_changed_at__lt=now - timedelta(days=days),
        )
        .select_related("category", "location")
        .order_by("state_changed_at", "id")[:STUCK_LIMIT]
    )


SIGN_OFF_LIMIT = 50


def devices_awaiting_sign_off(*, site):
    """Devices of ``site`` declared without storage, still in ``received``: those that wait for
    a coach's sign-off, then those signed off that wait to be marked as erased.

    Each carries who declared it and when (``declared_*``, from its latest declaration), in
    one query whatever the number of devices.
    """
    declaration = DeviceEvent.objects.filter(
        device=OuterRef("pk"), code=DeviceEvent.Code.UPDATED, payload__no_storage_confirmed=True
    ).order_by("-seq")
    return (
        Device.objects.filter(
            site=site,
            state=State.RECEIVED,
            category__holds_data=True,
            no_storage_confirmed=True,
            drives__isnull=True,
        )
        .annotate(
            declared_by_id=Subquery(declaration.values("actor_id")[:1]),
            declared_by_first=Subquery(declaration.values("actor__first_name")[:1]),
            declared_by_last=Subquery(declaration.values("actor__last_name")[:1]),
            declared_by_username=Subquery(declaration.values("actor__username")[:1]),
            declared_at=Subquery(declaration.values("created_at")[:1]),
        )
        .select_related("category")
        .order_by("no_storage_signed_off", "state_changed_at", "id")[:SIGN_OFF_LIMIT]
    )


FAILED_LIMIT = 50
FAILED_STATES = (State.WIPED, State.RETURNED)


def devices_failed_checks(*, site):
    """Devices of ``site`` waiting at the test bench with a mandatory check failed in their
    current test cycle (and not passed since): the coach decides on a repair.

    Each carries the first such check's label, note and who recorded it (``failed_*``), in one
    query whatever the number of devices.
    """
    passed_since = TestResult.objects.filter(
        device=OuterRef("device"),
        item=OuterRef("item"),
        cycle=OuterRef("cycle"),
        passed=True,
        id__gt=OuterRef("id"),
    )
    failed = (
        TestResult.objects.filter(
            device=OuterRef("pk"),
            cycle=OuterRef("test_cycle"),
            passed=False,
            item__mandatory=True,
        )
        .filter(~Exists(passed_since))
        .order_by("id")
    )
    return (
        Device.objects.filter(site=site, state__in=FAILED_STATES)
        .filter(Exists(failed))
        .annotate(
            failed_check=Subquery(failed.values("item__label")[:1]),
            failed_note=Subquery(failed.values("note")[:1]),
            failed_by_first=Subquery(failed.values("operator__first_name")[:1]),
            failed_by_username=Subquery(failed.values("operator__username")[:1]),
            failed_at=Subquery(failed.values("created_at")[:1]),
        )
        .select_related("category")
        .order_by("state_changed_at", "id")[:FAILED_LIMIT]
    )


# --- identity: one rule for matching a manufacturer serial (scans, snapshot ingestion)

SERIAL_MATCHES = 5


def devices_by_serial(serial: str | None, *, related: tuple[str, ...] = ()) -> list[Device]:
    """Return the devices recorded with manufacturer serial ``serial`` (surrounding spaces and
    case ignored), oldest first, at most a few: callers refuse an ambiguous serial.

    Compares ``UPPER(serial_number)``, which the ``device_serial_upper`` index answers on every
    database.
    """
    value = (serial or "").strip().upper()
    if not value:
        return []
    devices = Device.objects.filter(Exact(Upper("serial_number"), value))
    if related:
        devices = devices.select_related(*related)
    return list(devices.order_by("id")[:SERIAL_MATCHES])


def drives_by_serial(serial: str | None, *, limit: int = 2) -> list[Drive]:
    """Return the drives recorded with serial ``serial`` (surrounding spaces and case
    ignored), with their device."""
    value = (serial or "").strip().upper()
    if not value:
        return []
    drives = Drive.objects.filter(Exact(Upper("serial_number"), value)).select_related("device")
    return list(drives.order_by("id")[:limit])


def repairs_open(*, site) -> list[Repair]:
    """The open repair tickets of ``site``, by bench then oldest first (the coach's list)."""
    return list(
        Repair.objects.filter(status=Repair.Status.OPEN, device__site=site)
        .select_related("device", "device__category", "workstation", "opened_by")
        .order_by("workstation__name", "opened_at", "id")
    )


# --------------------------------------------------------------------------- installed systems


def device_installation(device):
    """The device's latest system installation of its current test cycle, or None (a device
    back from repair, from a buyer or erased again is installed again).

    Read once per device object and cycle (a bench page shows it and its guard reads it)."""
    cached = device.__dict__.get("_installation")
    if cached is not None and cached[0] == device.test_cycle:
        return cached[1]
    installation = (
        SystemInstallation.objects.select_related("licence", "operator", "workstation")
        .filter(device_id=device.pk, cycle=device.test_cycle)
        .order_by("-id")
        .first()
    )
    device.__dict__["_installation"] = (device.test_cycle, installation)
    return installation


def installed_systems(device_ids) -> dict[int, str]:
    """The system each device has (its latest installation of its current test cycle, first
    boot passed), by device id: what the shop label, the sale line and the device card say.
    One query."""
    latest = {}
    rows = (
        SystemInstallation.objects.filter(
            device_id__in=list(device_ids), cycle=F("device__test_cycle")
        )
        .order_by("device_id", "id")
        .values_list("device_id", "name", "version", "first_boot_passed")
    )
    for device_id, name, version, passed in rows:
        latest[device_id] = f"{name} {version}".strip() if passed else None
    return {device_id: label for device_id, label in latest.items() if label}


def device_system_label(device) -> str | None:
    """The system ``device`` has, as the shop label says it ("Linux Mint 22.1"), or None: its
    latest installation of its current test cycle, if that first boot passed. Reads
    ``device.installations`` (prefetch it for a batch: ``labels.selectors``)."""
    current = [i for i in device.installations.all() if i.cycle == device.test_cycle]
    if not current:
        return None
    latest = max(current, key=lambda installation: installation.pk)
    return latest.label if latest.first_boot_passed else None


def system_images_offered():
    """The images a bench offers for a new installation, in the manager's order."""
    return list(SystemImage.objects.filter(is_active=True))


@dataclass(frozen=True)
class LicenceStock:
    image: object
    loaded: int
    used: int

    @property
    def left(self) -> int:
        return self.loaded - self.used


def licence_stock(*, site) -> list[LicenceStock]:
    """Per proprietary image, the licences ``site`` loaded, used and has left (counted in the
    database, one query), every proprietary image listed even with none loaded."""
    images = SystemImage.objects.filter(licence=SystemImage.Licence.KEY).annotate(
        loaded=Count("licence_keys", filter=Q(licence_keys__site=site)),
        used=Count(
            "licence_keys",
            filter=Q(licence_keys__site=site, licence_keys__installation__isnull=False),
        ),
    )
    return [LicenceStock(image, image.loaded, image.used) for image in images]


def licence_keys_of(*, site, limit: int = 200):
    """The latest licences of ``site``'s stock with the device that used each (a manager's
    list: the keys are shown only to managers)."""
    return list(
        LicenceKey.objects.filter(site=site)
        .select_related("image", "installation__device", "loaded_by")
        .order_by("-id")[:limit]
    )
