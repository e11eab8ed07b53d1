"""Walk devices through the life cycle with the real services (demo data, tests, benchmarks).

``device_advance`` brings a freshly received device to any state by the shortest legal path,
recording erasures, test results and grades on the way, so every device it touches has the
same history a real one would have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from refurb import services as refurb_services
from refurb.models import ChecklistItem, Drive, Grade, NistMethod, SystemImage
from refurb.selectors import device_installation
from refurb.states import State
from refurb.transitions import path_to, walker_role, walker_station
from shop.models import Buyer, SaleLine
from shop.services import buyer_create, reservation_create, sale_complete, sale_return
from workshop.models import Workstation
from workshop.models import WorkstationKind as WK
from workshop.roles import BENCH_WORKER, COACH, MANAGER, SHOP

# The walkers follow the table itself: the shortest legal path to each state, each move made at
# the bench and by the role a real workshop would use (refurb.transitions).
_LAST_MOVE = {state: path_to(state)[-1] for state in State if state != State.RECEIVED}
PATHS: dict[str, list[str]] = {state: [move.target for move in path_to(state)] for state in State}
STATION_FOR: dict[str, str | None] = {
    state: walker_station(move) for state, move in _LAST_MOVE.items()
}
ROLE_FOR: dict[str, str] = {state: walker_role(move) for state, move in _LAST_MOVE.items()}

REASONS = {
    State.WRITTEN_OFF: "Introuvable lors de l'inventaire",
    State.RETURNED: "Retour sous garantie : ne démarre plus",
}


@dataclass
class Crew:
    """Who does what during a walk: one user per role and one workstation per kind."""

    bench: object
    coach: object
    shop: object
    manager: object
    stations: dict[str, object] = field(default_factory=dict)

    def station(self, kind: str | None, site):
        """The crew's workstation of ``kind`` (one of ``site``'s, created on first use when the
        crew was given none): every move is made from a workstation."""
        if kind is None:
            return None
        if kind in self.stations:
            return self.stations[kind]
        existing = Workstation.objects.filter(site=site, kind=kind, is_active=True).first()
        if existing is not None:
            return existing
        workstation, _created = Workstation.objects.get_or_create(
            site=site, name=f"Banc {kind}", defaults={"kind": kind}
        )
        return workstation

    def actor_for(self, target: str):
        """The crew member who makes the move into ``target`` on the walkers' path."""
        return {
            BENCH_WORKER: self.bench,
            COACH: self.coach,
            SHOP: self.shop,
            MANAGER: self.manager,
        }[ROLE_FOR[target]]


def device_make_safe(device, crew: Crew, *, now: datetime, failed_first: bool = False) -> None:
    """Erase (or destroy) every drive of ``device``, or confirm it has no storage."""
    drives = list(device.drives.all())
    station = crew.station(WK.ERASURE, device.site)
    if not drives and device.category.holds_data:
        refurb_services.device_confirm_no_storage(
            device=device, actor=crew.bench, workstation=station, now=now
        )
        if device.state == State.RECEIVED and not device.no_storage_signed_off:
            # Four eyes: the coach signs off the worker's declaration before it leaves received.
            refurb_services.device_sign_off_no_storage(
                device=device, actor=crew.coach, workstation=station, now=now
            )
    for drive in drives:
        if drive.is_safe:
            continue
        if failed_first:
            refurb_services.drive_record_erasure(
                drive=drive,
                method=NistMethod.CLEAR,
                tool="nwipe 0.34",
                standard="DoD short",
                passes=3,
                verified=False,
                result="failed",
                actor=crew.bench,
                workstation=station,
                started_at=now - timedelta(hours=2),
                finished_at=now - timedelta(hours=1),
                now=now,
            )
            refurb_services.drive_record_destruction(
                drive=drive,
                method="shredding",
                witness="Claire Martin (encadrante)",
                actor=crew.coach,
                workstation=station,
                now=now,
            )
            continue
        method = (
            NistMethod.PURGE
            if drive.kind in (Drive.Kind.SSD, Drive.Kind.NVME)
            else NistMethod.CLEAR
        )
        refurb_services.drive_record_erasure(
            drive=drive,
            method=method,
            tool="nwipe 0.34" if method == NistMethod.CLEAR else "nvme-cli sanitize",
            standard="DoD short" if method == NistMethod.CLEAR else "crypto erase",
            passes=3 if method == NistMethod.CLEAR else 1,
            verified=True,
            result="success",
            actor=crew.bench,
            workstation=station,
            started_at=now - timedelta(hours=2),
            finished_at=now - timedelta(minutes=5),
            now=now,
        )


def device_pass_checklist(device, crew: Crew, *, now: datetime) -> None:
    """Record a passed result for every active item of the device's checklist."""
    station = crew.station(WK.TEST, device.site)
    for item in ChecklistItem.objects.filter(category_id=device.category_id, is_active=True):
        refurb_services.test_record_result(
            device=device, item=item, passed=True, actor=crew.bench, workstation=station, now=now
        )


def device_install_system(device, crew: Crew, *, now: datetime, image: str | None = None):
    """Record the first free image of the list (or ``image``) as installed at the grading
    bench, first boot passed: what a computer needs before it goes on sale. Nothing when its
    category needs no system or its current test cycle already has a working one."""
    if not device.category.needs_system:
        return None
    current = device_installation(device)
    if current is not None and current.first_boot_passed:
        return current
    chosen = image or (
        SystemImage.objects.filter(is_active=True, licence=SystemImage.Licence.FREE)
        .order_by("order", "id")
        .values_list("code", flat=True)
        .first()
    )
    return refurb_services.system_install(
        device=device,
        image=chosen,
        first_boot_passed=True,
        actor=crew.bench,
        workstation=crew.station(WK.GRADING, device.site),
        now=now,
    )


def demo_buyer(site, crew: Crew):
    """Return the site's walk-in customer (general public), created on first use."""

    buyer = Buyer.objects.filter(
        kind=Buyer.Kind.PUBLIC, name="Client au comptoir", site=site
    ).first()
    return buyer or buyer_create(
        kind=Buyer.Kind.PUBLIC, name="Client au comptoir", actor=crew.shop, site=site
    )


def device_reserve(device, crew: Crew, *, now: datetime, buyer=None):
    """Reserve a device on sale for the demo buyer for a week."""

    return reservation_create(
        device=device,
        buyer=buyer or demo_buyer(device.site, crew),
        actor=crew.shop,
        workstation=crew.station(WK.SHOP, device.site),
        expires_at=now + timedelta(days=7),
        now=now,
    )


def device_sell(device, crew: Crew, *, now: datetime, buyer=None):
    """Sell one device at the counter, with its invoice, as the shop would."""

    return sale_complete(
        site=device.site,
        buyer=buyer or demo_buyer(device.site, crew),
        items=[device],
        payment_method="cash",
        actor=crew.shop,
        workstation=crew.station(WK.SHOP, device.site),
        now=now,
    )


def device_take_back(device, crew: Crew, *, now: datetime):
    """Take a sold device back under warranty, with a credit note."""

    line = SaleLine.objects.select_related("sale").filter(device=device).latest("id")
    note = sale_return(
        sale=line.sale,
        devices=[device],
        reason=REASONS[State.RETURNED],
        actor=crew.shop,
        workstation=crew.station(WK.SHOP, device.site),
        now=now,
    )
    device.refresh_from_db()
    return note


def device_advance(
    device,
    target: str,
    crew: Crew,
    *,
    now: datetime | None = None,
    grade: str = "B",
    step: timedelta | None = None,
) -> None:
    """Bring a ``received`` device to ``target`` through the services, one legal move at a time.

    With an explicit ``now`` the moves are ``step`` apart (6 hours unless told). Without one
    they start at the present one second apart, so a test never finds its device's events on
    tomorrow's date (six hours after 18:00 in Paris is the next day).
    """
    if step is None:
        step = timedelta(hours=6) if now is not None else timedelta(seconds=1)
    now = now or timezone.now()
    moment = now
    for next_state in PATHS[target]:
        moment = moment + step
        if next_state == State.WIPED:
            device_make_safe(device, crew, now=moment)
        elif next_state == State.TESTED:
            device_pass_checklist(device, crew, now=moment)
        elif next_state == State.GRADED:
            device_install_system(device, crew, now=moment)
        if next_state == State.RESERVED:
            device_reserve(device, crew, now=moment)
            continue
        if next_state == State.SOLD:
            device_sell(device, crew, now=moment)
            continue
        if next_state == State.RETURNED:
            device_take_back(device, crew, now=moment)
            continue
        if next_state == State.WRITTEN_OFF:
            refurb_services.device_write_off(
                device=device,
                actor=crew.actor_for(next_state),
                workstation=crew.station(STATION_FOR[next_state], device.site),
                reason=REASONS[next_state],
                now=moment,
            )
            continue
        payload = {"grade": grade} if next_state == State.GRADED else None
        if next_state == State.GRADED:
            Grade.objects.get(code=grade)
        refurb_services.device_transition(
            device=device,
            to=next_state,
            actor=crew.actor_for(next_state),
            workstation=crew.station(STATION_FOR[next_state], device.site),
            reason=REASONS.get(next_state, ""),
            payload=payload,
            now=moment,
        )
