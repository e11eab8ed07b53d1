"""Whether a device may be called « reconditionné », and « reconditionné en France ».

Code de la consommation, art. R. 122-4 to R. 122-6 (décret n° 2022-190): a device may be sold as
« reconditionné » only after tests of all its functions and the deletion of every data of its
previous owners, and as « reconditionné en France » only if every step of its refurbishing
took place in France. ``device_refurbished_evidence`` reads the rows that prove it (the test
results of the device's current test cycle, every drive's erasure proof or destruction, the
intake and the grading events) with the place of each step (the site of the workstation it was
made at, and that site's country) and computes both answers. The evidence page and PDF, the
shop label and the public page all ask this one function: nothing else decides the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refurb.models import (
    ChecklistItem,
    Destruction,
    Device,
    DeviceEvent,
    Drive,
    Erasure,
    TestResult,
)
from refurb.selectors import device_data_safety
from refurb.states import State
from workshop.models import Site

FRANCE = "FR"
CLAIM_FRANCE = "Reconditionné en France"
CLAIM_REFURBISHED = "Reconditionné"


class Step:
    INTAKE = "intake"
    ERASURE = "erasure"
    DESTRUCTION = "destruction"
    TEST = "test"
    GRADING = "grading"

    LABELS = {
        INTAKE: gettext_lazy("Intake"),
        ERASURE: gettext_lazy("Data erasure"),
        DESTRUCTION: gettext_lazy("Drive destroyed"),
        TEST: gettext_lazy("Function test"),
        GRADING: gettext_lazy("Grading"),
    }


@dataclass(frozen=True)
class EvidenceStep:
    """One step of the refurbishing, where and when it took place, and what proves it."""

    kind: str
    what: str
    when: datetime | None
    site_code: str
    site_name: str
    country: str
    # The workstation the step was recorded at; empty when none was recorded (then the place
    # is the device's own site).
    workstation: str = ""
    ok: bool = True

    @property
    def label(self) -> str:
        return str(Step.LABELS[self.kind])

    @property
    def in_france(self) -> bool:
        return self.country == FRANCE


@dataclass(frozen=True)
class RefurbishedEvidence:
    device: Device
    steps: list[EvidenceStep]
    functions_tested: bool
    data_erased: bool
    test_cycle: int
    # Why a word may not be used, in the reader's language (empty when it may).
    refusals: list[str] = field(default_factory=list)
    abroad: list[EvidenceStep] = field(default_factory=list)

    @property
    def refurbished(self) -> bool:
        """« reconditionné » may be used: every function tested and every data deleted."""
        return self.functions_tested and self.data_erased

    @property
    def refurbished_in_france(self) -> bool:
        """« reconditionné en France » may be used: refurbished, every step in France."""
        return self.refurbished and not self.abroad

    @property
    def claim(self) -> str:
        """The words a label or the catalogue may print (always French: a legal mention)."""
        if self.refurbished_in_france:
            return CLAIM_FRANCE
        if self.refurbished:
            return CLAIM_REFURBISHED
        return ""


def _place(workstation, device_site: Site) -> tuple[Site, str]:
    if workstation is not None:
        return workstation.site, workstation.name
    return device_site, ""


def _step(kind, what, when, workstation, device_site, ok=True) -> EvidenceStep:
    site, station = _place(workstation, device_site)
    return EvidenceStep(
        kind=kind,
        what=what,
        when=when,
        site_code=site.code,
        site_name=site.name,
        country=site.country,
        workstation=station,
        ok=ok,
    )


def _drive_steps(drive: Drive, device_site: Site) -> EvidenceStep:
    if drive.status == Drive.Status.DESTROYED:
        try:
            destruction = drive.destruction
        except Destruction.DoesNotExist:
            destruction = None
        if destruction is not None:
            return _step(
                Step.DESTRUCTION,
                f"{drive.tag} · {destruction.get_method_display()}",
                destruction.destroyed_at,
                destruction.workstation,
                device_site,
            )
    proofs: list[Erasure] = [erasure for erasure in drive.erasures.all() if erasure.is_proof]
    if proofs:
        erasure = proofs[-1]
        return _step(
            Step.ERASURE,
            f"{drive.tag} · {erasure.tool} · {erasure.get_method_display()}",
            erasure.finished_at or erasure.created_at,
            erasure.workstation,
            device_site,
        )
    return _step(
        Step.ERASURE,
        _("%(drive)s: no erasure proof") % {"drive": drive.tag},
        None,
        None,
        device_site,
        ok=False,
    )


def devices_refurbished_evidence(devices) -> dict[int, RefurbishedEvidence]:
    """The evidence of each of ``devices`` by id, in six queries whatever their number: the
    devices, their drives, erasures, intake and grading events, checklists and results of
    their current test cycles."""
    ids = [device.pk for device in devices]
    rows = list(
        Device.objects.filter(pk__in=ids)
        .select_related("site", "category")
        .prefetch_related(
            Prefetch(
                "drives",
                queryset=Drive.objects.select_related("destruction__workstation__site").order_by(
                    "id"
                ),
            ),
            Prefetch(
                "drives__erasures",
                queryset=Erasure.objects.select_related("workstation__site").order_by("id"),
            ),
        )
    )
    events: dict[int, list[DeviceEvent]] = {}
    for event in (
        DeviceEvent.objects.filter(Q(seq=1) | Q(to_state=State.GRADED), device_id__in=ids)
        .select_related("workstation__site")
        .order_by("device_id", "seq")
    ):
        events.setdefault(event.device_id, []).append(event)
    items: dict[int, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.filter(
        category_id__in={row.category_id for row in rows}, is_active=True
    ).order_by("order", "id"):
        items.setdefault(item.category_id, []).append(item)
    latest: dict[tuple[int, int], TestResult] = {}
    for result in (
        TestResult.objects.filter(device_id__in=ids, cycle=F("device__test_cycle"))
        .select_related("workstation__site")
        .order_by("id")
    ):
        latest[(result.device_id, result.item_id)] = result
    return {
        row.pk: _evidence(row, events.get(row.pk, []), items.get(row.category_id, []), latest)
        for row in rows
    }


def device_refurbished_evidence(device: Device) -> RefurbishedEvidence:
    """Read the rows that prove the refurbishing of ``device`` and say which words apply."""
    return devices_refurbished_evidence([device])[device.pk]


def _evidence(device, events, items, latest) -> RefurbishedEvidence:
    site = device.site
    steps: list[EvidenceStep] = []
    refusals: list[str] = []
    intake = events[0] if events and events[0].seq == 1 else None
    graded = next((e for e in reversed(events) if e.to_state == State.GRADED), None)
    steps.append(
        _step(
            Step.INTAKE,
            _("Received"),
            intake.created_at if intake else device.received_at,
            intake.workstation if intake else None,
            site,
        )
    )
    # Data: every drive ever recorded erased with verification or destroyed (or a device
    # without storage, declared and signed off by a second person).
    safety = device_data_safety(device)
    drives = list(device.drives.all())
    steps += [_drive_steps(drive, site) for drive in drives]
    if not safety.safe:
        refusals.append(
            _("The data of previous owners is not deleted from every drive yet.")
            if drives
            else _("No drive is recorded and “no storage” is not confirmed.")
        )
    elif not drives and safety.holds_data and not device.no_storage_signed_off:
        refusals.append(_("“No storage” is declared but not signed off by a coach yet."))
    data_erased = not refusals
    # Functions: every mandatory check passed and none failed, in the current test cycle.
    missing, failed = [], []
    for item in items:
        result = latest.get((device.pk, item.pk))
        if result is None:
            if item.mandatory:
                missing.append(item.label)
            continue
        if not result.passed:
            failed.append(item.label)
        steps.append(
            _step(
                Step.TEST,
                f"{item.label} · {_('passed') if result.passed else _('failed')}",
                result.created_at,
                result.workstation,
                site,
                ok=result.passed,
            )
        )
    functions_tested = bool(items) and not missing and not failed
    if not items:
        refusals.append(_("Its category has no checklist: its functions cannot be tested."))
    elif missing or failed:
        refusals.append(
            _("Not every function passed its test: %(items)s.")
            % {"items": ", ".join(dict.fromkeys(missing + failed))}
        )
    if graded is not None:
        steps.append(
            _step(
                Step.GRADING,
                _("Grade %(grade)s") % {"grade": (graded.payload or {}).get("grade", "")},
                graded.created_at,
                graded.workstation,
                site,
            )
        )
    abroad = [step for step in steps if not step.in_france]
    return RefurbishedEvidence(
        device=device,
        steps=steps,
        functions_tested=functions_tested,
        data_erased=data_erased,
        test_cycle=device.test_cycle,
        refusals=refusals,
        abroad=abroad,
    )


def device_claim(device: Device) -> str:
    """The words « Reconditionné en France », « Reconditionné » or nothing, for ``device``."""
    return device_refurbished_evidence(device).claim


def devices_claims(devices) -> dict[int, str]:
    """The words of each of ``devices`` by id (six queries whatever their number)."""
    return {pk: evidence.claim for pk, evidence in devices_refurbished_evidence(devices).items()}
