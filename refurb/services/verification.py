"""R2v3 verification sampling: a share of erased drives is checked again by another person.

When a proof of erasure is recorded, :func:`verification_draw` draws it for an independent
check with probability ``ATELIER_ERASURE_VERIFICATION_SHARE`` (5 % by default). The check is
recorded by :func:`verification_record`, never by the person who erased the drive; its result
is evidence (a ``drive_check`` event). A failed check puts the drive and its batch (the drives
the same person erased at the same workstation that day) back to erasure.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import DeviceEvent, Drive, Erasure, VerificationSample
from refurb.proofs import proof_issue
from refurb.services.lifecycle import _lock, device_transition
from refurb.states import DRIVE_FOUND_STATES, State
from refurb.transitions import ALL
from workshop.exceptions import DomainError

_SYSTEM_RANDOM = secrets.SystemRandom()


def verification_share() -> float:
    """The configured share of proofs drawn for a check, between 0 and 1."""
    share = float(getattr(settings, "ATELIER_ERASURE_VERIFICATION_SHARE", 0.05))
    return min(1.0, max(0.0, share))


def verification_draw(
    erasure: Erasure, *, rng: random.Random | None = None, now: datetime | None = None
) -> VerificationSample | None:
    """Draw ``erasure`` for an independent check with the configured share; None if not."""
    if not erasure.is_proof:
        return None
    if (rng or _SYSTEM_RANDOM).random() >= verification_share():
        return None
    return VerificationSample.objects.create(erasure=erasure, drawn_at=now or timezone.now())


def _batch(erasure: Erasure) -> list[Drive]:
    """The drives erased with ``erasure``: same operator, workstation and day, still erased."""
    day = timezone.localdate(erasure.finished_at) if erasure.finished_at else None
    proofs = Erasure.objects.filter(
        operator_id=erasure.operator_id,
        workstation_id=erasure.workstation_id,
        result=Erasure.Result.SUCCESS,
        verified=True,
        drive__status=Drive.Status.ERASED,
    ).select_related("drive__device")
    if day is not None:
        proofs = proofs.filter(finished_at__date=day)
    drives = {e.drive_id: e.drive for e in proofs if e.operator_id is not None}
    drives[erasure.drive_id] = erasure.drive
    return list(drives.values())


# Stored as is (reasons are the workers' words, never translated when stored).
REOPENED_REASON = "independent check failed"


def verification_record(
    *,
    sample: VerificationSample,
    actor,
    passed: bool,
    note: str = "",
    workstation=None,
    now: datetime | None = None,
) -> list[str]:
    """Record the independent check of a drawn drive; return the tags put back to erasure.

    Refused when the check is already recorded (409), when nobody signed in checks it, or when
    the checker is the person who erased the drive (403): the check must be independent.
    """
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(
            "checker_required",
            _("An independent check is recorded by a person: sign in first."),
            status=403,
        )
    with transaction.atomic():
        sample = (
            VerificationSample.objects.select_for_update()
            .select_related("erasure__drive__device")
            .get(pk=sample.pk)
        )
        erasure = sample.erasure
        if sample.passed is not None:
            raise DomainError(
                "already_checked",
                _("This drive's independent check is already recorded."),
                status=409,
            )
        if erasure.operator_id is not None and erasure.operator_id == actor.pk:
            raise DomainError(
                "same_person",
                _(
                    "You erased drive %(tag)s: its check must be done by someone else "
                    "(R2v3 independent verification)."
                )
                % {"tag": erasure.drive.tag},
                status=403,
            )
        sample.passed, sample.checked_by, sample.checked_at = passed, actor, now
        sample.note = note[:2000]
        sample.save(update_fields=["passed", "checked_by", "checked_at", "note"])
        reopened = [] if passed else _batch(erasure)
        for drive in [erasure.drive, *[d for d in reopened if d.pk != erasure.drive_id]]:
            # Locked afresh for each drive: a move below changes the row's state and chain head.
            device = _lock(drive.device)
            payload = {
                "drive": drive.tag,
                "serial": drive.serial_number,
                "verification": sample.pk,
                "sampled_drive": erasure.drive.tag,
                "passed": passed,
                "checked_by": actor.pk,
            }
            if drive in reopened:
                Drive.objects.filter(pk=drive.pk).update(status=Drive.Status.PENDING)
                payload["drive_status"] = Drive.Status.PENDING
            event_append(
                device=device,
                code=DeviceEvent.Code.DRIVE_CHECK,
                actor=actor,
                workstation=workstation,
                payload=payload,
                now=now,
            )
            if drive in reopened and device.state in DRIVE_FOUND_STATES:
                # Its data may still be there: the device is erased again before it moves on,
                # as when a drive is found late (refurb.services.drives.drive_add).
                device_transition(
                    device=device,
                    to=State.RECEIVED,
                    actor=actor,
                    workstation=workstation,
                    reason=REOPENED_REASON,
                    payload={"drive": drive.tag},
                    now=now,
                    roles=ALL,
                    proof=proof_issue("drive_found", Drive.objects.get(pk=drive.pk)),
                )
    return [d.tag for d in reopened]


def verification_sampling_report(*, site=None, start: datetime | None = None, end=None) -> dict:
    """What the erasure report says of the sampling: proofs, drawn, checked, passed, failed.

    Over the proofs of erasure recorded between ``start`` and ``end`` (all when None), at
    ``site`` (every site when None): ``share`` is the configured share, ``drawn_share`` the
    share actually drawn, ``pending`` the drawn drives not checked yet.
    """
    proofs = Erasure.objects.filter(result=Erasure.Result.SUCCESS, verified=True)
    if site is not None:
        proofs = proofs.filter(drive__device__site=site)
    if start is not None:
        proofs = proofs.filter(created_at__gte=start)
    if end is not None:
        proofs = proofs.filter(created_at__lt=end)
    samples = VerificationSample.objects.filter(erasure__in=proofs)
    counts = {
        "proofs": proofs.count(),
        "drawn": samples.count(),
        "passed": samples.filter(passed=True).count(),
        "failed": samples.filter(passed=False).count(),
    }
    counts["checked"] = counts["passed"] + counts["failed"]
    counts["pending"] = counts["drawn"] - counts["checked"]
    counts["share"] = verification_share()
    counts["drawn_share"] = round(counts["drawn"] / counts["proofs"], 4) if counts["proofs"] else 0
    return counts
