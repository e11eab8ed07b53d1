"""Evidence-derived state and the integrity checks that compare caches with their evidence.

``Drive.status`` is derived state: destroyed when a destruction is recorded, erased when a
verified successful erasure is, failed when only other erasures are, pending otherwise; a
failed independent check (verification sampling) discards the erasures recorded before it. The
services recompute it from the evidence in the transaction that records it
(``drive_status_recompute``), and ``integrity_problems`` reports any row that contradicts its
evidence (an edit made in the database), along with the other checks registered here: the
cached device state against its event log, no device out of the building with a drive that
is not safe, every device history that changed more than two days ago has a signed head (the
daily ``sign_chain_heads`` job runs), and, registered by the shop
(``integrity_check_register``), sales and reservations against device states.
``manage.py check_integrity`` runs them all; ``verify_event_chains`` checks the chains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from refurb import keys
from refurb.management.commands.rebuild_states import state_mismatches
from refurb.models import ChainHeadSignature, Destruction, Device, DeviceEvent, Drive, Erasure
from refurb.states import EXIT_STATES


@dataclass(frozen=True)
class Problem:
    """One contradiction: which check found it, on what (a tag), and what is wrong."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


Check = Callable[[], Iterable[Problem]]
CHECKS: list[tuple[str, Check]] = []


def integrity_check_register(name: str, check: Check) -> None:
    """Add ``check`` (a function yielding ``Problem``) to ``integrity_problems``; once."""
    if all(existing != name for existing, _check in CHECKS):
        CHECKS.append((name, check))


def drives_with_evidence(queryset=None):
    """Annotate drives with ``evidence_status``: the status their evidence gives."""
    queryset = Drive.objects.all() if queryset is None else queryset
    destroyed = Exists(Destruction.objects.filter(drive=OuterRef("pk")))
    # A failed independent check (R2v3 sampling, refurb.services.verification) puts a drive
    # back to erasure: only the erasures recorded after the last such reopening count.
    reopened_at = Subquery(
        DeviceEvent.objects.alias(drive_tag=KT("payload__drive"))
        .filter(
            device=OuterRef(OuterRef("device_id")),
            code=DeviceEvent.Code.DRIVE_CHECK,
            drive_tag=OuterRef(OuterRef("tag")),
            payload__drive_status=Drive.Status.PENDING,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    since = Q(created_at__gt=reopened_at) | Q(
        ~Exists(
            DeviceEvent.objects.alias(drive_tag=KT("payload__drive")).filter(
                device=OuterRef(OuterRef("device_id")),
                code=DeviceEvent.Code.DRIVE_CHECK,
                drive_tag=OuterRef(OuterRef("tag")),
                payload__drive_status=Drive.Status.PENDING,
            )
        )
    )
    erasures = Erasure.objects.filter(since, drive=OuterRef("pk"))
    proven = Exists(erasures.filter(result=Erasure.Result.SUCCESS, verified=True))
    tried = Exists(erasures)
    return queryset.annotate(
        evidence_status=Case(
            When(destroyed, then=Value(Drive.Status.DESTROYED)),
            When(proven, then=Value(Drive.Status.ERASED)),
            When(tried, then=Value(Drive.Status.FAILED)),
            default=Value(Drive.Status.PENDING),
        )
    )


def drive_status_recompute(drive: Drive) -> str:
    """Return the status ``drive``'s recorded evidence gives it (one query)."""
    return (
        drives_with_evidence(Drive.objects.filter(pk=drive.pk))
        .values_list("evidence_status", flat=True)
        .get()
    )


def drive_status_problems(asset_tag: str | None = None) -> Iterable[Problem]:
    """Yield each drive (of the device ``asset_tag``, or of all) whose status contradicts its
    erasures and destructions."""
    drives = Drive.objects.all()
    if asset_tag:
        drives = drives.filter(device__asset_tag=asset_tag)
    rows = (
        drives_with_evidence(drives)
        .exclude(status=F("evidence_status"))
        .values_list("tag", "status", "evidence_status")
        .order_by("pk")
    )
    for tag, status, evidence in rows:
        yield Problem(
            "drive_status",
            tag,
            f"status is '{status}' but its erasures and destructions say '{evidence}'",
        )


def _device_states() -> Iterable[Problem]:
    for _pk, tag, cached, logged in state_mismatches():
        yield Problem("device_state", tag, f"state is '{cached}', its events say '{logged}'")


def _data_left() -> Iterable[Problem]:
    unsafe = drives_with_evidence(Drive.objects.filter(device=OuterRef("pk"))).exclude(
        evidence_status__in=Drive.SAFE_STATUSES
    )
    rows = (
        Device.objects.filter(state__in=EXIT_STATES)
        .filter(
            Q(Exists(unsafe))
            | Q(drives__status__in=[Drive.Status.PENDING, Drive.Status.FAILED])
            | Q(
                category__holds_data=True,
                no_storage_confirmed=False,
                drives__isnull=True,
            )
        )
        .distinct()
        .values_list("asset_tag", "state")
    )
    for tag, state in rows:
        yield Problem("data_left", tag, f"is '{state}' with a drive that is not safe")


UNSIGNED_GRACE = timedelta(days=2)
UNSIGNED_LISTED = 1000


def _unsigned_heads() -> Iterable[Problem]:
    """Devices whose history grew more than two days ago and has no signed head since."""
    if not keys.signing_configured():
        return
    last_signed = (
        ChainHeadSignature.objects.filter(device=OuterRef("pk")).order_by("-seq").values("seq")[:1]
    )
    rows = (
        Device.objects.filter(event_seq__gt=0, updated_at__lt=timezone.now() - UNSIGNED_GRACE)
        .annotate(signed=Coalesce(Subquery(last_signed), 0))
        .filter(event_seq__gt=F("signed"))
        .order_by("pk")
        .values_list("asset_tag", "event_seq", "signed")[:UNSIGNED_LISTED]
    )
    for tag, seq, signed in rows:
        yield Problem(
            "unsigned_heads",
            tag,
            f"event #{seq} is not covered by a signed head (last signed: #{signed}); "
            "is the daily sign_chain_heads job running?",
        )


integrity_check_register("drive_status", drive_status_problems)
integrity_check_register("device_state", _device_states)
integrity_check_register("data_left", _data_left)
integrity_check_register("unsigned_heads", _unsigned_heads)


def integrity_problems(only: Iterable[str] | None = None) -> list[Problem]:
    """Run every registered check (or those named in ``only``) and return what they found."""
    wanted = set(only) if only is not None else None
    found: list[Problem] = []
    for name, check in CHECKS:
        if wanted is None or name in wanted:
            found.extend(check())
    return found
