"""Writes about buyers: recording who buys, at which tier and why, and checking it again."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import Buyer, SiteLegal
from shop.selectors import add_months
from workshop.exceptions import DomainError, validate
from workshop.models import Site


def _tier_reason(buyer: Buyer) -> tuple[str, str]:
    kind = Buyer.Kind(buyer.kind)
    if kind == Buyer.Kind.PUBLIC:
        return Buyer.Tier.STANDARD, str(kind.label)
    if kind == Buyer.Kind.INDIVIDUAL:
        proof = Buyer.Proof(buyer.proof_kind).label if buyer.proof_kind else "?"
        return Buyer.Tier.SOLIDARITY, _("%(kind)s: %(proof)s") % {
            "kind": kind.label,
            "proof": proof,
        }
    ident = buyer.rna or buyer.siret or buyer.siren
    return Buyer.Tier.SOLIDARITY, _("%(kind)s: %(proof)s") % {"kind": kind.label, "proof": ident}


def _compact(value: str) -> str:
    return "".join((value or "").split())


def _eligibility_months(site: Site | None) -> int:
    legal = SiteLegal.objects.filter(site=site).first() if site else None
    return legal.eligibility_months if legal else 12


def buyer_create(
    *,
    kind: str,
    name: str,
    actor,
    rna: str = "",
    siren: str = "",
    siret: str = "",
    proof_kind: str = "",
    address: str = "",
    email: str = "",
    site: Site | None = None,
    now: datetime | None = None,
) -> Buyer:
    """Record a buyer, check its identifiers, and set its price tier, why, and until when."""
    now = now or timezone.now()
    buyer = Buyer(
        kind=kind,
        name=(name or "").strip(),
        rna=_compact(rna).upper(),
        siren=_compact(siren),
        siret=_compact(siret),
        proof_kind=proof_kind,
        address=address,
        email=email,
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        checked_at=now,
        tier=Buyer.Tier.STANDARD,
        tier_reason="-",
        site=site,
    )
    if kind not in Buyer.Kind.values:
        raise DomainError(
            "invalid", _("Choose a kind of buyer."), fields={"kind": [_("Unknown kind.")]}
        )
    validate(buyer)
    buyer.tier, buyer.tier_reason = _tier_reason(buyer)
    if buyer.tier == Buyer.Tier.SOLIDARITY:
        months = _eligibility_months(site)
        buyer.eligible_until = add_months(timezone.localdate(now), months)
    buyer.save()
    return buyer


def buyer_recheck(
    *,
    buyer: Buyer,
    actor,
    proof_kind: str | None = None,
    site: Site | None = None,
    now: datetime | None = None,
) -> Buyer:
    """Record that eligibility was checked again today (and the kind of proof, for people)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Buyer.objects.select_for_update().get(pk=buyer.pk)
        if proof_kind is not None:
            locked.proof_kind = proof_kind
        validate(locked)
        locked.tier, locked.tier_reason = _tier_reason(locked)
        locked.checked_at = now
        locked.checked_by = actor if getattr(actor, "is_authenticated", False) else None
        if locked.tier == Buyer.Tier.SOLIDARITY:
            locked.eligible_until = add_months(timezone.localdate(now), _eligibility_months(site))
        locked.save()
    return locked
