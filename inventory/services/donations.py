"""Donation offers, pick-up rounds and pick-up slips (models: ``inventory.models.donations``).

``offer_submit`` records what the public form sends (no account) and mails the donor a signed
link to follow the offer; a manager ``offer_accept``s or ``offer_decline``s it (the reason is
mailed); ``round_plan`` groups accepted offers of a site into a round with its stops in order;
``slip_record`` records the pick-up slip of one stop and opens the ``Collection`` intake uses,
in the same transaction. Every refusal is a ``DomainError`` with nothing written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret as stdnum_siret

from inventory.models import (
    Collection,
    CollectionRound,
    DonationOffer,
    Donor,
    OfferLine,
    PickupSlip,
    RoundStop,
)
from inventory.services.core import collection_create
from refurb.models import Category
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.mail import mail_send

OFFER_SALT = "inventory.donation-offer"
OFFER_LINK_DAYS = 180
WINDOW_MAX_DAYS = 366
MAX_LINES = 20
MAX_COUNT = 5000
MAX_IMAGE_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCAN_TYPES = {"image/png", "image/jpeg", "application/pdf"}


@dataclass(frozen=True)
class LineInput:
    category: str  # Category.code
    count: int
    age: str
    drives_inside: bool = True
    destroy_on_site: bool = False


def _single_line(text: str) -> str:
    """A value that may reach an e-mail header or a one-line cell: no line breaks."""
    return " ".join((text or "").split())


def _refuse(fields: dict[str, list[str]], message: str | None = None) -> DomainError:
    return DomainError(
        "invalid",
        message or _("Some fields are not valid: correct them and try again."),
        fields=fields,
    )


def offer_token(offer: DonationOffer) -> str:
    """The signed link's token that lets the donor follow ``offer`` without an account."""
    return signing.dumps({"o": offer.pk}, salt=OFFER_SALT, compress=True)


def offer_from_token(token: str, *, max_age_days: int = OFFER_LINK_DAYS) -> DonationOffer | None:
    """The offer a token names, or None when it is tampered with, expired or unknown."""
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=timedelta(days=max_age_days))
    except signing.BadSignature:
        return None
    return (
        DonationOffer.objects.select_related("site", "collection")
        .prefetch_related("lines__category")
        .filter(pk=data.get("o"))
        .first()
    )


def offer_submit(
    *,
    site,
    kind: str,
    organisation: str,
    contact_name: str,
    contact_email: str,
    address: str,
    window_start: date | None,
    window_end: date | None,
    lines: list[LineInput],
    consent: bool,
    siret: str = "",
    contact_phone: str = "",
    notes: str = "",
    follow_url=None,
    submission_key: str | None = None,
    today: date | None = None,
) -> DonationOffer:
    """Record a donation offer from the public form and mail its acknowledgment.

    ``follow_url(token)`` builds the absolute link the mail carries. Refuses, writing
    nothing, an offer with no contact, no consent, no line, a SIRET whose check digit is
    wrong, or a pick-up window in the past, reversed or longer than a year.
    """
    today = today or timezone.localdate()
    if submission_key:
        done = DonationOffer.objects.filter(submission_key=submission_key).first()
        if done is not None:
            return done  # the same form sent twice: one offer
    fields: dict[str, list[str]] = {}
    organisation = _single_line(organisation)
    contact_name = _single_line(contact_name)
    contact_email = _single_line(contact_email)
    contact_phone = _single_line(contact_phone)
    siret = "".join((siret or "").split())
    if kind not in Donor.Kind.values:
        fields["kind"] = [_("Choose what kind of donor you are.")]
    if not organisation:
        fields["organisation"] = [_("Give the name of the organisation (or your own).")]
    if not contact_name:
        fields["contact_name"] = [_("Give the name of the person we should contact.")]
    if not contact_email:
        fields["contact_email"] = [_("Give an e-mail address: the acknowledgment goes there.")]
    else:
        try:
            validate_email(contact_email)
        except ValidationError:
            fields["contact_email"] = [_("This e-mail address is not valid.")]
    if siret:
        if kind == Donor.Kind.PERSON:
            fields["siret"] = [_("A person has no SIRET: leave it empty.")]
        elif not stdnum_siret.is_valid(siret):
            fields["siret"] = [
                _("This SIRET is not valid: it has 14 digits and a correct check digit.")
            ]
    if not (address or "").strip():
        fields["address"] = [_("Give the address where we pick the equipment up.")]
    if window_start is None:
        fields["window_start"] = [_("Give the first day we may come (a real date).")]
    if window_end is None:
        fields["window_end"] = [_("Give the last day we may come (a real date).")]
    if window_start is not None and window_end is not None:
        if window_start < today:
            fields["window_start"] = [_("This day is past: choose today or a later day.")]
        elif window_end < window_start:
            fields["window_end"] = [_("The last day comes before the first: swap them.")]
        elif (window_end - window_start).days > WINDOW_MAX_DAYS:
            fields["window_end"] = [_("Give a window of one year at most.")]
    if not consent:
        fields["consent"] = [_("Accept the privacy notice: we need it to contact you.")]
    categories = {c.code: c for c in Category.objects.filter(code__in=[x.category for x in lines])}
    clean_lines = []
    for line in lines:
        if not line.count:
            continue
        category = categories.get(line.category)
        if category is None:
            fields["lines"] = [_("Unknown category: choose one from the list.")]
            break
        if line.count < 0 or line.count > MAX_COUNT:
            fields["lines"] = [
                _("Give a count between 1 and %(max)s for each category.") % {"max": MAX_COUNT}
            ]
            break
        if line.age not in OfferLine.Age.values:
            fields["lines"] = [_("Give the approximate age of each category you give.")]
            break
        clean_lines.append((category, line))
    if not clean_lines and "lines" not in fields:
        fields["lines"] = [_("Say what you give: at least one category with a count.")]
    if len(clean_lines) > MAX_LINES:
        fields["lines"] = [_("Too many lines: group them by category.")]
    if fields:
        raise _refuse(fields)
    with transaction.atomic():
        offer = DonationOffer(
            site=site,
            kind=kind,
            organisation=organisation,
            siret=siret,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            address=(address or "").strip(),
            window_start=window_start,
            window_end=window_end,
            notes=(notes or "").strip()[:2000],
            consent_at=timezone.now(),
            submission_key=submission_key or None,
        )
        validate(offer, validate_unique=False)
        try:
            with transaction.atomic():
                offer.save()
        except IntegrityError:
            done = DonationOffer.objects.filter(submission_key=submission_key).first()
            if done is None:
                raise
            return done
        OfferLine.objects.bulk_create(
            OfferLine(
                offer=offer,
                category=category,
                count=line.count,
                age=line.age,
                drives_inside=line.drives_inside,
                destroy_on_site=line.destroy_on_site and line.drives_inside,
            )
            for category, line in clean_lines
        )
    _offer_mail(offer, "received", follow_url)
    return offer


def _offer_mail(offer: DonationOffer, what: str, follow_url, **extra) -> None:
    """Mail the donor about their offer (``inventory/mail/offer_<what>``, French first)."""
    token = offer_token(offer)
    mail_send(
        to=offer.contact_email,
        template=f"inventory/mail/offer_{what}",
        context={
            "offer": offer,
            "lines": list(offer.lines.select_related("category")),
            "follow_url": follow_url(token) if follow_url else "",
            "site_name": offer.site.name,
            **extra,
        },
        site=offer.site,
    )


def _locked_offer(offer: DonationOffer) -> DonationOffer:
    return DonationOffer.objects.select_for_update().select_related("site").get(pk=offer.pk)


def _donor_for(offer: DonationOffer) -> Donor:
    """The donor an accepted offer is from: the one with its SIRET, else with the same name
    and e-mail, else a new one."""
    donor = None
    if offer.siret:
        donor = Donor.objects.filter(siret=offer.siret).order_by("pk").first()
    if donor is None:
        donor = (
            Donor.objects.filter(
                name__iexact=offer.organisation, contact_email__iexact=offer.contact_email
            )
            .order_by("pk")
            .first()
        )
    if donor is None:
        donor = Donor(
            kind=offer.kind,
            name=offer.organisation,
            siret=offer.siret,
            contact_email=offer.contact_email,
            address=offer.address,
        )
        validate(donor)
        donor.save()
    elif not donor.contact_email:
        donor.contact_email = offer.contact_email
        donor.save(update_fields=["contact_email"])
    return donor


def offer_accept(*, offer: DonationOffer, actor, reason: str = "", follow_url=None):
    """Accept a new offer: it waits for a round. The donor is found or created now."""
    access_check("donation_offer", "triage", site=offer.site_id, actor=actor)
    with transaction.atomic():
        offer = _locked_offer(offer)
        if offer.status != DonationOffer.Status.NEW:
            raise DomainError(
                "offer_not_new",
                _("This offer is already %(status)s: only a new offer can be accepted.")
                % {"status": offer.get_status_display().lower()},
                status=409,
            )
        offer.donor = _donor_for(offer)
        offer.status = DonationOffer.Status.ACCEPTED
        offer.decided_at = timezone.now()
        offer.decided_by = actor
        offer.decision_reason = (reason or "").strip()
        offer.save()
    _offer_mail(offer, "accepted", follow_url)
    return offer


def offer_decline(*, offer: DonationOffer, actor, reason: str, follow_url=None):
    """Decline a new or accepted (not planned) offer, with the reason mailed to the donor."""
    access_check("donation_offer", "triage", site=offer.site_id, actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(
            {"reason": [_("Say why: the donor reads it.")]},
            _("Give a reason to decline the offer."),
        )
    with transaction.atomic():
        offer = _locked_offer(offer)
        if offer.status not in (DonationOffer.Status.NEW, DonationOffer.Status.ACCEPTED):
            raise DomainError(
                "offer_not_open",
                _("This offer is already %(status)s: it can no longer be declined.")
                % {"status": offer.get_status_display().lower()},
                status=409,
            )
        offer.status = DonationOffer.Status.DECLINED
        offer.decided_at = timezone.now()
        offer.decided_by = actor
        offer.decision_reason = reason
        offer.save()
    _offer_mail(offer, "declined", follow_url)
    return offer


def _weight(value, field: str) -> Decimal:
    try:
        weight = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite():
        raise _refuse({field: [_("Give a weight in kilograms, for example 12,5.")]})
    if weight < 0:
        raise _refuse(
            {field: [_("A weight cannot be negative.")]},
            _("A weight cannot be negative: weigh again and type the weight shown."),
        )
    if weight >= Decimal("10000000"):
        raise _refuse({field: [_("This weight is too large.")]})
    return weight.quantize(Decimal("0.001"))


def round_plan(
    *,
    site,
    date: date | None,
    vehicle: str,
    driver,
    stops: list[tuple[DonationOffer, object]],
    actor,
    today: date | None = None,
    time_from=None,
    time_until=None,
    follow_url=None,
) -> CollectionRound:
    """Plan a round at ``site``: its date, hours (optional), vehicle, driver and stops in the
    given order, each an accepted offer of the site with its estimated weight. The offers
    become planned and each donor is mailed the day and the hours."""
    access_check("collection_round", "plan", site=site.pk, actor=actor)
    today = today or timezone.localdate()
    fields: dict[str, list[str]] = {}
    vehicle = _single_line(vehicle)
    if date is None:
        fields["date"] = [_("Give the day of the round (a real date).")]
    elif date < today:
        fields["date"] = [_("This day is past: choose today or a later day.")]
    if not vehicle:
        fields["vehicle"] = [_("Say which vehicle goes.")]
    if driver is None:
        fields["driver"] = [_("Choose the driver.")]
    elif getattr(getattr(driver, "worker_profile", None), "site_id", None) != site.pk:
        fields["driver"] = [_("The driver works at another site: choose one of this site.")]
    if not stops:
        fields["stops"] = [_("Choose at least one accepted offer.")]
    if (time_from is None) != (time_until is None):
        fields["time_until"] = [_("Give both hours of the window, or neither.")]
    elif time_from is not None and time_until <= time_from:
        fields["time_until"] = [_("The window ends after it starts: check the hours.")]
    if fields:
        raise _refuse(fields)
    weights = [_weight(weight, "stops") for _offer, weight in stops]
    with transaction.atomic():
        locked = {
            o.pk: o
            for o in DonationOffer.objects.select_for_update()
            .filter(pk__in=[offer.pk for offer, _w in stops])
            .order_by("pk")
        }
        for offer, _w in stops:
            row = locked.get(offer.pk)
            if row is None or row.site_id != site.pk:
                raise _refuse({"stops": [_("An offer of another site cannot be in this round.")]})
            if row.status != DonationOffer.Status.ACCEPTED:
                raise DomainError(
                    "offer_not_accepted",
                    _("Offer #%(id)s is %(status)s: only accepted offers go into a round.")
                    % {"id": row.pk, "status": row.get_status_display().lower()},
                    status=409,
                )
            if not (row.window_start <= date <= row.window_end):
                raise _refuse(
                    {
                        "date": [
                            _(
                                "Offer #%(id)s may be picked up from %(start)s to %(end)s "
                                "only: choose a day in that window."
                            )
                            % {"id": row.pk, "start": row.window_start, "end": row.window_end}
                        ]
                    }
                )
        round_ = CollectionRound(
            site=site,
            date=date,
            time_from=time_from,
            time_until=time_until,
            vehicle=vehicle,
            driver=driver,
            created_by=actor,
        )
        validate(round_)
        round_.save()
        RoundStop.objects.bulk_create(
            RoundStop(round=round_, offer=locked[offer.pk], order=n, estimated_weight_kg=w)
            for n, ((offer, _x), w) in enumerate(zip(stops, weights, strict=True), start=1)
        )
        DonationOffer.objects.filter(pk__in=locked).update(status=DonationOffer.Status.PLANNED)
    for offer, _w in stops:
        planned = locked[offer.pk]
        planned.status = DonationOffer.Status.PLANNED
        _offer_mail(planned, "planned", follow_url, round=round_)
    return round_


def _png(data: bytes, field: str) -> bytes:
    if not data:
        return b""
    if len(data) > MAX_IMAGE_BYTES or not data.startswith(PNG_MAGIC):
        raise _refuse({field: [_("The signature is not a PNG image: sign again.")]})
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise _refuse({field: [_("The signature is not a PNG image: sign again.")]}) from error
    return data


def slip_record(
    *,
    stop: RoundStop,
    actor,
    counts: dict[str, int],
    weight_kg,
    donor_signatory: str,
    donor_signature: bytes = b"",
    driver_signature: bytes = b"",
    scan: bytes = b"",
    scan_type: str = "",
    now=None,
    follow_url=None,
) -> PickupSlip:
    """Record the pick-up slip of a stop and open its collection (the lot intake receives).

    ``counts`` maps a category code to the number of items counted there. Needs both
    signatures drawn (PNG) or the printed slip scanned (PNG, JPEG or PDF); refuses a negative
    weight, a negative count, nothing counted, or a stop already collected.
    """
    round_ = stop.round
    access_check("pickup_slip", "record", site=round_.site_id, actor=actor)
    now = now or timezone.now()
    fields: dict[str, list[str]] = {}
    weight = _weight(weight_kg, "weight_kg")
    clean_counts: dict[str, int] = {}
    known = set(Category.objects.filter(code__in=list(counts)).values_list("code", flat=True))
    for code, count in counts.items():
        try:
            number = int(count or 0)
        except (TypeError, ValueError):
            number = -1
        if code not in known or number < 0 or number > MAX_COUNT:
            fields["counts"] = [_("Give a whole number of items (0 or more) for each category.")]
            break
        if number:
            clean_counts[code] = number
    if "counts" not in fields and not clean_counts:
        fields["counts"] = [_("Count the items taken: at least one.")]
    donor_signatory = _single_line(donor_signatory)
    if not donor_signatory:
        fields["donor_signatory"] = [_("Give the name of the person who signs for the donor.")]
    donor_png = _png(donor_signature, "donor_signature")
    driver_png = _png(driver_signature, "driver_signature")
    if scan:
        if scan_type not in SCAN_TYPES or len(scan) > 4 * MAX_IMAGE_BYTES:
            fields["scan"] = [_("Upload the scan as a PDF, PNG or JPEG file of 8 MB at most.")]
    elif not (donor_png and driver_png):
        fields["donor_signature"] = [
            _("Both sides sign on the screen, or upload the signed printed slip.")
        ]
    if fields:
        raise _refuse(fields)
    with transaction.atomic():
        stop = RoundStop.objects.select_for_update().select_related("round").get(pk=stop.pk)
        offer = _locked_offer(stop.offer)
        if (
            offer.status != DonationOffer.Status.PLANNED
            or PickupSlip.objects.filter(stop=stop).exists()
        ):
            raise DomainError(
                "stop_collected",
                _("This stop is already collected: its slip is recorded."),
                status=409,
            )
        collection = collection_create(
            donor=offer.donor,
            site=offer.site,
            received_on=timezone.localtime(now).date(),
            declared_count=sum(clean_counts.values()),
            gross_weight_kg=weight,
            notes=_("Donation offer #%(id)s, round #%(round)s")
            % {"id": offer.pk, "round": stop.round_id},
        )
        slip = PickupSlip(
            stop=stop,
            collection=collection,
            counts=clean_counts,
            weight_kg=weight,
            donor_signatory=donor_signatory,
            donor_signature=donor_png,
            driver_signature=driver_png,
            scan=scan or b"",
            scan_type=scan_type if scan else "",
            signed_at=now,
            recorded_by=actor,
        )
        validate(slip, exclude=["donor_signature", "driver_signature", "scan"])
        slip.save()
        offer.status = DonationOffer.Status.COLLECTED
        offer.collection = collection
        offer.save(update_fields=["status", "collection"])
        if not stop.round.stops.filter(slip__isnull=True).exclude(pk=stop.pk).exists():
            CollectionRound.objects.filter(pk=stop.round_id).update(
                status=CollectionRound.Status.DONE
            )
    names = dict(Category.objects.filter(code__in=list(clean_counts)).values_list("code", "name"))
    whole = weight == weight.to_integral()
    _offer_mail(
        offer,
        "collected",
        follow_url,
        slip=slip,
        weight=weight.quantize(Decimal(1)) if whole else weight.normalize(),  # 28,4 not 28,400
        counted=[(names.get(code, code), number) for code, number in clean_counts.items()],
    )
    return slip


def collection_arrival_claim(collection: Collection, *, now=None) -> bool:
    """Claim the one mail that tells a picked-up lot's donor it arrived: True the first time
    only (a conditional update, so two benches opening the lot at once send one mail), False
    for a lot that did not come from a pick-up slip or whose donor has no e-mail address."""
    if (
        not collection.donor.contact_email
        or not PickupSlip.objects.filter(collection=collection).exists()
    ):
        return False
    claimed = Collection.objects.filter(pk=collection.pk, arrival_mailed_at__isnull=True).update(
        arrival_mailed_at=now or timezone.now()
    )
    return claimed == 1
