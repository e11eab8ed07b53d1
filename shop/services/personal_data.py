"""What the workshop stores about a person (a buyer or a donor), exported or pseudonymised.

GDPR rights of access and erasure. ``personal_data_export`` gathers everything stored about one
person, including their sales, invoice numbers, reservations and the devices they gave.
``personal_data_pseudonymise`` replaces their name, e-mail and address with a stable pseudonym
(the same person always gets the same one), so statistics and histories still add up.

Invoices are NOT rewritten: French law requires keeping invoices as issued for 10 years
(Code de commerce L123-22, CGI art. L102 B). An invoice PDF is regenerated from
``Sale.buyer_snapshot``/``Sale.seller``, which stay exactly as printed; only the live buyer
record is pseudonymised. The export shows both.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.models import Collection, Donor
from refurb.models import Device
from shop.models import Buyer, Reservation, Sale
from workshop.exceptions import DomainError

PEOPLE_BUYERS = (Buyer.Kind.INDIVIDUAL, Buyer.Kind.PUBLIC)


def pseudonym(kind: str, pk: int) -> str:
    """Return the stable pseudonym of record ``pk`` of ``kind`` (keyed on SECRET_KEY)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{pk}".encode(), hashlib.sha256)
    return f"Pseudonyme {digest.hexdigest()[:10].upper()}"


def _iso(value):
    return value.isoformat() if value is not None else None


def _one(buyer, donor):
    if (buyer is None) == (donor is None):
        raise DomainError("invalid", _("Name exactly one buyer or one donor."))


def personal_data_export(*, buyer: Buyer | None = None, donor: Donor | None = None) -> dict:
    """Return everything stored about one buyer or donor, as JSON-ready data."""
    _one(buyer, donor)
    if buyer is not None:
        return _buyer_export(buyer)
    return _donor_export(donor)


def _buyer_export(buyer: Buyer) -> dict:
    sales = (
        Sale.objects.filter(buyer=buyer)
        .select_related("site")
        .prefetch_related("lines", "credit_notes")
        .order_by("completed_at", "id")
    )
    reservations = (
        Reservation.objects.filter(buyer=buyer).select_related("device").order_by("created_at")
    )
    return {
        "kind": "buyer",
        "id": buyer.pk,
        "buyer_kind": buyer.kind,
        "name": buyer.name,
        "email": buyer.email,
        "address": buyer.address,
        "rna": buyer.rna,
        "siren": buyer.siren,
        "siret": buyer.siret,
        "proof_kind": buyer.proof_kind,
        "tier": buyer.tier,
        "tier_reason": buyer.tier_reason,
        "checked_at": _iso(buyer.checked_at),
        "eligible_until": _iso(buyer.eligible_until),
        "site": buyer.site.code if buyer.site_id else None,
        "created_at": _iso(buyer.created_at),
        "sales": [
            {
                "invoice_number": sale.number,
                "completed_at": _iso(sale.completed_at),
                "site": sale.site.code,
                "total": str(sale.total),
                "payment_method": sale.payment_method,
                "buyer_as_invoiced": sale.buyer_snapshot,
                "lines": [
                    {
                        "asset_tag": line.asset_tag,
                        "description": line.description,
                        "price": str(line.price),
                    }
                    for line in sale.lines.all()
                ],
                "credit_notes": [note.number for note in sale.credit_notes.all()],
            }
            for sale in sales
        ],
        "reservations": [
            {
                "asset_tag": r.device.asset_tag,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "expires_at": _iso(r.expires_at),
            }
            for r in reservations
        ],
    }


def _donor_export(donor: Donor) -> dict:
    collections = Collection.objects.filter(donor=donor).select_related("site").order_by("id")
    devices = (
        Device.objects.filter(collection__donor=donor)
        .select_related("category")
        .order_by("asset_tag")
    )
    return {
        "kind": "donor",
        "id": donor.pk,
        "donor_kind": donor.kind,
        "name": donor.name,
        "email": donor.contact_email,
        "address": donor.address,
        "siret": donor.siret,
        "created_at": _iso(donor.created_at),
        "collections": [
            {
                "tag": c.tag,
                "site": c.site.code,
                "received_on": _iso(c.received_on),
                "gross_weight_kg": str(c.gross_weight_kg),
                "notes": c.notes,
            }
            for c in collections
        ],
        "devices": [
            {"asset_tag": d.asset_tag, "category": d.category.code, "state": d.state}
            for d in devices
        ],
    }


def personal_data_pseudonymise(*, buyer: Buyer | None = None, donor: Donor | None = None):
    """Replace a person's name, e-mail and address with a stable pseudonym; return the record.

    Only people (individual or general-public buyers, donors who are persons): an
    organisation's name is not personal data and its invoices must stay searchable. Issued
    invoices keep their ``buyer_snapshot`` (legal retention), see the module docstring.
    """
    _one(buyer, donor)
    with transaction.atomic():
        if buyer is not None:
            locked = Buyer.objects.select_for_update().get(pk=buyer.pk)
            if locked.kind not in PEOPLE_BUYERS:
                raise DomainError(
                    "not_a_person",
                    _("This buyer is an organisation, not a person: nothing to pseudonymise."),
                    status=409,
                )
            locked.name = pseudonym("buyer", locked.pk)
            locked.email = ""
            locked.address = ""
            locked.save(update_fields=["name", "email", "address"])
            return locked
        locked = Donor.objects.select_for_update().get(pk=donor.pk)
        if locked.kind != Donor.Kind.PERSON:
            raise DomainError(
                "not_a_person",
                _("This donor is an organisation, not a person: nothing to pseudonymise."),
                status=409,
            )
        locked.name = pseudonym("donor", locked.pk)
        locked.contact_email = ""
        locked.address = ""
        locked.save(update_fields=["name", "contact_email", "address"])
        return locked
