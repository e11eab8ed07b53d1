"""Donation screens: the public offer form and its follow page (no account), the managers'
triage, the pick-up rounds with the driver's sheet, and the pick-up slip signed at each stop."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.documents.rounds import round_sheet_pdf, slip_pdf
from inventory.donation_forms import (
    DecisionForm,
    OfferForm,
    RoundForm,
    SlipForm,
    offer_categories,
    png_from_data_url,
)
from inventory.models import CollectionRound, DonationOffer, OfferLine, RoundStop
from inventory.services import donations as services
from workshop.access import site_allowed
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import BENCH_WORKER, COACH, MANAGER
from workshop.selectors import user_site, user_site_ids
from workshop.views.common import roles_required

NNBSP = "\u202f"
DRIVERS = frozenset({BENCH_WORKER, COACH, MANAGER})


def _parse_date(value: str) -> date | None:
    value = (value or "").strip()
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _error_text(error: DomainError, form) -> str:
    details = []
    for name, problems in (error.fields or {}).items():
        field = form.fields.get(name) if form is not None else None
        label = (field.label if field is not None else None) or {
            "lines": _("What you give"),
            "stops": _("Stops"),
            "counts": _("Counted items"),
        }.get(name, name)
        details.append(f"{label}{NNBSP}: {' '.join(str(p) for p in problems)}")
    return " ".join([error.message, *details])


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _throttled(request) -> bool:
    """At most ``ATELIER_DONATION_RATE`` offers an hour from one address (Django's cache)."""
    limit = getattr(settings, "ATELIER_DONATION_RATE", 10)
    if not limit:
        return False
    key = f"donate:{_client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


def _follow_url(request):
    return lambda token: request.build_absolute_uri(
        reverse("inventory:donation_follow", args=[token])
    )


def donate(request):
    """``inventory:donate``: the public donation offer form (no account)."""
    categories = offer_categories()
    if request.method == "POST":
        form = OfferForm(request.POST, categories=categories)
        if form.is_valid() and form.cleaned_data.get("website"):
            return redirect("inventory:donation_thanks")  # a robot: thank it, store nothing
        if _throttled(request):
            messages.error(
                request,
                _("Too many offers from this address: try again in an hour, or call us."),
            )
            return render(request, "inventory/donations/donate.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.offer_submit(
                    site=data["site"],
                    kind=data["kind"],
                    organisation=data["organisation"],
                    siret=data["siret"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    address=data["address"],
                    window_start=_parse_date(data["window_start"]),
                    window_end=_parse_date(data["window_end"]),
                    notes=data["notes"],
                    lines=form.lines(),
                    consent=data["consent"],
                    submission_key=data["submission_key"] or None,
                    follow_url=_follow_url(request),
                )
            except DomainError as error:
                messages.error(request, _error_text(error, form))
            else:
                return redirect("inventory:donation_thanks")
        else:
            messages.error(request, _("Some fields are not valid: correct them and try again."))
        status = 400
    else:
        form = OfferForm(
            initial={"submission_key": secrets.token_urlsafe(24)}, categories=categories
        )
        status = 200
    return render(request, "inventory/donations/donate.html", {"form": form}, status=status)


def donation_thanks(request):
    return render(request, "inventory/donations/thanks.html")


def donation_follow(request, token: str):
    """``inventory:donation_follow``: the donor follows their offer by its signed link."""
    offer = services.offer_from_token(token)
    if offer is None:
        return render(request, "inventory/donations/follow_invalid.html", status=404)
    stop = RoundStop.objects.filter(offer=offer).select_related("round").first()
    return render(
        request,
        "inventory/donations/follow.html",
        {"offer": offer, "round_date": stop.round.date if stop else None},
    )


# --- the managers' screens ---------------------------------------------------------------


def _site_ids(user):
    return user_site_ids(user)  # None: every site


def _offers_visible(user):
    offers = DonationOffer.objects.select_related("site")
    ids = _site_ids(user)
    return offers if ids is None else offers.filter(site_id__in=ids)


def _site_picker(request) -> tuple[list, Site | None]:
    """The sites a network manager picks from (none for a person of one site) and the one
    chosen with ``?site=`` (None: every site). A site the person may not see is never chosen."""
    if _site_ids(request.user) is not None:
        return [], None
    sites = list(Site.objects.order_by("code"))
    if len(sites) < 2:
        return [], None
    chosen = request.GET.get("site") or request.POST.get("site") or ""
    picked = next((s for s in sites if str(s.pk) == chosen), None)
    return sites, picked


def _picked(queryset, picked: Site | None):
    return queryset if picked is None else queryset.filter(site=picked)


@roles_required(MANAGER)
def offer_list(request):
    """``inventory:offer_list``: the offers by status, and the rounds."""
    status = request.GET.get("status") or DonationOffer.Status.NEW
    if status not in DonationOffer.Status.values:
        status = DonationOffer.Status.NEW
    sites, picked = _site_picker(request)
    visible = _picked(_offers_visible(request.user), picked)
    counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    offers = (
        visible.filter(status=status)
        .annotate(items=Sum("lines__count"))
        .order_by("window_start", "pk")[:200]
    )
    rounds_ = CollectionRound.objects.select_related("site", "driver").annotate(
        stop_count=Count("stops")
    )
    ids = _site_ids(request.user)
    if ids is not None:
        rounds_ = rounds_.filter(site_id__in=ids)
    rounds_ = _picked(rounds_, picked)
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in DonationOffer.Status.choices
    ]
    return render(
        request,
        "inventory/donations/offer_list.html",
        {
            "tabs": tabs,
            "status": status,
            "offers": list(offers),
            "rounds": list(rounds_.order_by("-date", "-pk")[:50]),
            "sites": sites,
            "picked": picked,
            "page_title": _("Donation offers"),
        },
    )


@roles_required(MANAGER)
def offer_detail(request, pk: int):
    offer = get_object_or_404(
        _offers_visible(request.user).prefetch_related(
            Prefetch("lines", queryset=OfferLine.objects.select_related("category"))
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = request.POST.get("action")
            try:
                if action == "accept":
                    services.offer_accept(
                        offer=offer,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        follow_url=_follow_url(request),
                    )
                    messages.success(request, _("Offer accepted: the donor is told by e-mail."))
                else:
                    services.offer_decline(
                        offer=offer,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        follow_url=_follow_url(request),
                    )
                    messages.success(request, _("Offer declined: the donor is told by e-mail."))
                return redirect("inventory:offer_detail", pk=offer.pk)
            except DomainError as error:
                messages.error(request, _error_text(error, form))
    else:
        form = DecisionForm()
    stop = RoundStop.objects.filter(offer=offer).select_related("round").first()
    return render(
        request,
        "inventory/donations/offer_detail.html",
        {"offer": offer, "form": form, "stop": stop, "page_title": _("Donation offer")},
    )


def _drivers(site):
    return (
        get_user_model()
        .objects.filter(is_active=True, worker_profile__site=site)
        .filter(Q(groups__name__in=DRIVERS) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _plan_site(request):
    """The site a round is planned at: the manager's own, or the one chosen (network)."""
    site = user_site(request.user)
    if site is not None:
        return site
    sites, picked = _site_picker(request)
    return picked or (sites[0] if sites else Site.objects.order_by("code").first())


@roles_required(MANAGER)
def round_plan(request):
    """``inventory:round_plan``: group accepted offers into a round, stops numbered in order."""
    site = _plan_site(request)
    if site is None or not site_allowed(site.pk, actor=request.user):
        raise Http404
    offers = (
        DonationOffer.objects.filter(site=site, status=DonationOffer.Status.ACCEPTED)
        .annotate(items=Sum("lines__count"))
        .order_by("window_start", "pk")
    )
    drivers = _drivers(site)
    sites, _picked_site = _site_picker(request)
    form = RoundForm(request.POST or None, offers=offers, drivers=drivers)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = services.round_plan(
                    site=site,
                    date=_parse_date(data["date"]),
                    vehicle=data["vehicle"],
                    driver=data["driver"],
                    stops=form.stops(),
                    actor=request.user,
                    time_from=data["time_from"],
                    time_until=data["time_until"],
                    follow_url=_follow_url(request),
                )
            except DomainError as error:
                messages.error(request, _error_text(error, form))
            else:
                messages.success(request, _("Round planned."))
                return redirect("inventory:round_detail", pk=round_.pk)
        else:
            messages.error(request, _("Some fields are not valid: correct them and try again."))
    return render(
        request,
        "inventory/donations/round_plan.html",
        {"form": form, "site": site, "sites": sites, "page_title": _("Plan a pick-up round")},
    )


def _round_for(request, pk: int) -> CollectionRound:
    round_ = get_object_or_404(
        CollectionRound.objects.select_related("site", "driver").prefetch_related(
            Prefetch(
                "stops",
                queryset=RoundStop.objects.select_related(
                    "offer", "slip", "slip__collection"
                ).prefetch_related("offer__lines__category"),
            )
        ),
        pk=pk,
    )
    if not site_allowed(round_.site_id, actor=request.user):
        raise Http404
    return round_


@roles_required(*DRIVERS)
def round_list(request):
    """``inventory:round_list``: the planned rounds of the person's sites (the driver's way in)."""
    rounds_ = (
        CollectionRound.objects.select_related("site", "driver")
        .annotate(stop_count=Count("stops"))
        .filter(status=CollectionRound.Status.PLANNED)
    )
    ids = _site_ids(request.user)
    if ids is not None:
        rounds_ = rounds_.filter(site_id__in=ids)
    sites, picked = _site_picker(request)
    rounds_ = _picked(rounds_, picked)
    return render(
        request,
        "inventory/donations/round_list.html",
        {
            "rounds": list(rounds_.order_by("date", "pk")[:100]),
            "sites": sites,
            "picked": picked,
            "page_title": _("Pick-up rounds"),
        },
    )


@roles_required(*DRIVERS)
def round_detail(request, pk: int):
    round_ = _round_for(request, pk)
    return render(
        request,
        "inventory/donations/round_detail.html",
        {"round": round_, "stops": list(round_.stops.all()), "page_title": _("Pick-up round")},
    )


@roles_required(*DRIVERS)
def round_sheet(request, pk: int):
    round_ = _round_for(request, pk)
    response = HttpResponse(round_sheet_pdf(round_), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}.pdf"'
    return response


@roles_required(*DRIVERS)
def slip_record(request, pk: int, stop_pk: int):
    """``inventory:slip_record``: the pick-up slip of one stop, signed on the tablet."""
    round_ = _round_for(request, pk)
    stop = next((s for s in round_.stops.all() if s.pk == stop_pk), None)
    if stop is None:
        raise Http404
    if hasattr(stop, "slip"):
        return redirect("inventory:round_detail", pk=round_.pk)
    categories = offer_categories()
    offered = [line.category for line in stop.offer.lines.all()]
    categories = [*offered, *[c for c in categories if c not in offered]]
    form = SlipForm(
        request.POST or None, request.FILES or None, categories=categories, offer=stop.offer
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("scan")
            try:
                services.slip_record(
                    stop=stop,
                    actor=request.user,
                    counts=form.counts(),
                    weight_kg=data["weight_kg"],
                    donor_signatory=data["donor_signatory"],
                    donor_signature=png_from_data_url(data["donor_signature"]),
                    driver_signature=png_from_data_url(data["driver_signature"]),
                    scan=upload.read() if upload else b"",
                    scan_type=getattr(upload, "content_type", "") if upload else "",
                    follow_url=_follow_url(request),
                )
            except DomainError as error:
                messages.error(request, _error_text(error, form))
            else:
                messages.success(
                    request, _("Slip recorded: the collection waits for intake at the workshop.")
                )
                return redirect("inventory:round_detail", pk=round_.pk)
        else:
            messages.error(request, _("Some fields are not valid: correct them and try again."))
    return render(
        request,
        "inventory/donations/slip.html",
        {"round": round_, "stop": stop, "form": form, "page_title": _("Pick-up slip")},
        status=400 if request.method == "POST" else 200,
    )


@roles_required(*DRIVERS)
def slip_download(request, pk: int, stop_pk: int):
    round_ = _round_for(request, pk)
    stop = next((s for s in round_.stops.all() if s.pk == stop_pk and hasattr(s, "slip")), None)
    if stop is None:
        raise Http404
    response = HttpResponse(slip_pdf(stop), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="slip-{stop.slip.collection.tag}.pdf"'
    return response
