"""Writes of reservations: a device held for one buyer for a few days, released or expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.models import Device
from refurb.proofs import proof_issue
from refurb.services import device_transition
from refurb.states import State
from shop.models import Buyer, KitItem, Reservation, SiteLegal
from workshop.access import site_check
from workshop.exceptions import DomainError
from workshop.roles import MANAGER
from workshop.services import office_workstation

# Expiry is done by the system, with a manager's rights.
SYSTEM_ROLES = frozenset({MANAGER})


def reservation_create(
    *,
    device: Device,
    buyer: Buyer,
    actor,
    workstation=None,
    roles: frozenset[str] | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    kit=None,
) -> Reservation:
    """Hold a device on sale for one buyer until ``expires_at`` (default: the site's days).

    ``roles`` overrides the actor's roles (a workstation token acts with its kind's roles).
    ``kit``: the device is held as a member of this kit (an online order of the whole kit);
    otherwise a device in a kit is refused."""

    now = now or timezone.now()
    site_check(device.site_id, actor=actor, workstation=workstation)
    if buyer.site_id is not None and buyer.site_id != device.site_id:
        raise DomainError(
            "other_site",
            _("This buyer is registered at another site: reserve for a buyer of this site."),
            fields={"buyer": [_("Another site's buyer.")]},
            status=403,
        )
    with transaction.atomic():
        membership = KitItem.objects.filter(device=device, active=True)
        if kit is not None:
            membership = membership.exclude(kit=kit)
        if membership.exists():
            raise DomainError(
                "in_kit",
                _("%(tag)s is part of a kit: sell or dismantle the kit.")
                % {"tag": device.asset_tag},
                status=409,
            )
        if expires_at is None:
            legal = SiteLegal.objects.filter(site_id=device.site_id).first()
            expires_at = now + timedelta(days=legal.reservation_days if legal else 7)
        if expires_at <= now:
            raise DomainError(
                "invalid",
                _("A reservation ends in the future."),
                fields={"expires_at": [_("Pick a later date.")]},
            )
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.state != State.ON_SALE:
            raise DomainError(
                "not_on_sale",
                _("%(tag)s is not on sale: it cannot be reserved.") % {"tag": device.asset_tag},
                status=409,
            )
        # An active row left by an older version (the device went back on sale without it).
        Reservation.objects.filter(device=device, status=Reservation.Status.ACTIVE).update(
            status=Reservation.Status.EXPIRED
        )
        reservation = Reservation.objects.create(
            device=device,
            buyer=buyer,
            expires_at=expires_at,
            created_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        device_transition(
            device=device,
            to=State.RESERVED,
            actor=actor,
            workstation=workstation,
            roles=roles,
            payload={"buyer": buyer.pk, "until": expires_at.isoformat()},
            now=now,
            proof=proof_issue("reservation", reservation),
        )
        return reservation


def reservation_release(
    *,
    reservation: Reservation,
    actor,
    workstation=None,
    status: str = Reservation.Status.RELEASED,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
) -> Reservation:
    """End a reservation and put the device back on sale."""

    now = now or timezone.now()
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != Reservation.Status.ACTIVE:
            raise DomainError("reservation_closed", _("This reservation has ended."), status=409)
        locked.status = status
        locked.save(update_fields=["status"])
        if locked.device.state != State.RESERVED:
            # A stale row (the device moved on without it): close it, move nothing.
            return locked
        device_transition(
            device=locked.device,
            to=State.ON_SALE,
            actor=actor,
            workstation=workstation,
            payload={"reservation": status, "buyer": locked.buyer_id},
            now=now,
            roles=roles,
            proof=proof_issue("reservation_end", locked),
        )
    return locked


def reservations_expire(
    *, now: datetime | None = None, failures: list | None = None
) -> list[Reservation]:
    """Put back on sale every device whose reservation has expired (run by cron).

    A stale reservation (its device is no longer reserved) is closed without a move; a row
    that is refused is skipped and added to ``failures`` as ``(reservation, error)``.
    """
    now = now or timezone.now()
    done, failed = [], []
    due = Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now)
    for reservation in due.select_related("device", "buyer").order_by("expires_at", "pk"):
        try:
            done.append(
                reservation_release(
                    reservation=reservation,
                    actor=None,
                    workstation=office_workstation(reservation.device.site),
                    status=Reservation.Status.EXPIRED,
                    roles=SYSTEM_ROLES,
                    now=now,
                )
            )
        except DomainError as error:
            # One row that cannot expire (e.g. its device is being sold) never stops the others.
            failed.append((reservation, error))
    if failures is not None:
        failures.extend(failed)
    return done
