"""Donor screens: the donor's own page by signed link (no account), its certificates, a new
link on request; for managers, sending the link, the yearly reports and certificate batches."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.models import Collection, Donor
from inventory.selectors import donors_visible_to
from inventory.services.donations import collection_arrival_claim
from refurb.certificates.pdf import certificate_pdf
from refurb.certificates.services import certificate_issue
from refurb.models import Device
from reports.donor_services import certificates_issue_pending, donor_reports_issue
from reports.donors import donor_chart, donor_from_token, donor_page, donor_token, link_days
from reports.models import DonorReport
from workshop.access import site_allowed
from workshop.exceptions import DomainError
from workshop.mail import mail_send
from workshop.roles import MANAGER
from workshop.selectors import user_site_ids
from workshop.views.common import roles_required


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


def _page_url(request, donor: Donor) -> str:
    return request.build_absolute_uri(reverse("reports:donor_page", args=[donor_token(donor)]))


def donor_link_send(request, donor: Donor, *, actor=None) -> bool:
    """Mail the donor a fresh link to their page (their contact address only)."""
    if not donor.contact_email:
        return False
    mail_send(
        to=donor.contact_email,
        template="reports/mail/donor_link",
        context={"donor": donor, "url": _page_url(request, donor), "days": link_days()},
        actor=actor,
    )
    return True


def collection_arrived_mail(sender, *, collection, request, **kwargs) -> None:
    """``inventory.signals.collection_arrived``: a picked-up lot is at the workshop; its donor
    is mailed the link to their page, once per lot (whichever bench saw it first)."""
    if not collection_arrival_claim(collection):
        return
    donor = collection.donor
    mail_send(
        to=donor.contact_email,
        template="reports/mail/donor_arrived",
        context={
            "donor": donor,
            "collection": collection,
            "site_name": collection.site.name,
            "url": _page_url(request, donor),
            "days": link_days(),
        },
        site=collection.site,
    )


def _invalid(request, status=404):
    return render(
        request,
        "reports/donor_link.html",
        {"form": LinkRequestForm(), "invalid": True},
        status=status,
    )


def donor_own_page(request, token: str):
    """``reports:donor_page``: every collection and device of the donor, with its fate."""
    donor = donor_from_token(token)
    if donor is None:
        return _invalid(request)
    page = donor_page(donor)
    return render(
        request,
        "reports/donor_page.html",
        {"page": page, "token": token, "chart": donor_chart(page) if page.years else ""},
    )


def _certificate_response(request, certificate, filename):
    url = request.build_absolute_uri(reverse("refurb:verify", args=[certificate.code]))
    pdf = certificate_pdf(certificate, verify_url=url, language=get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def donor_device_certificate(request, token: str, tag: str):
    """The erasure certificate of one of the donor's own devices (issued if needed)."""
    donor = donor_from_token(token)
    if donor is None:
        return _invalid(request)
    device = get_object_or_404(Device, asset_tag=tag, collection__donor=donor)
    try:
        certificate = certificate_issue(device=device, actor=None)
    except DomainError as error:
        return render(request, "refurb/certificate_refused.html", {"error": error}, status=409)
    return _certificate_response(request, certificate, f"certificate-{device.asset_tag}.pdf")


def donor_collection_certificate(request, token: str, tag: str):
    donor = donor_from_token(token)
    if donor is None:
        return _invalid(request)
    collection = get_object_or_404(Collection, tag=tag, donor=donor)
    try:
        certificate = certificate_issue(collection=collection, actor=None)
    except DomainError as error:
        return render(request, "refurb/certificate_refused.html", {"error": error}, status=409)
    return _certificate_response(request, certificate, f"certificate-{collection.tag}.pdf")


def _link_throttled(request) -> bool:
    limit = getattr(settings, "ATELIER_DONOR_LINK_RATE", 5)
    if not limit:
        return False
    key = f"donor-link:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


def donor_link_request(request):
    """``reports:donor_link``: a new link to the donor's page, mailed to the address on file.
    The answer is the same whether the address is known or not."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _link_throttled(request):
            email = form.cleaned_data["email"]
            for donor in Donor.objects.filter(contact_email__iexact=email).order_by("pk")[:5]:
                donor_link_send(request, donor)
        return render(request, "reports/donor_link.html", {"sent": True})
    return render(
        request,
        "reports/donor_link.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- managers ----------------------------------------------------------------------------


@require_POST
@roles_required(MANAGER)
def donor_send_link(request, pk: int):
    donor = get_object_or_404(donors_visible_to(request.user), pk=pk)
    if donor_link_send(request, donor, actor=request.user):
        messages.success(
            request,
            _("A link to their page is on its way to %(email)s.") % {"email": donor.contact_email},
        )
    else:
        messages.error(request, _("This donor has no e-mail address: add one in the admin first."))
    return redirect("reports:donor", pk=donor.pk)


@require_POST
@roles_required(MANAGER)
def collection_certificates(request, pk: int):
    """Issue every pending certificate of one collection (a job)."""
    collection = get_object_or_404(Collection, pk=pk)
    if not site_allowed(collection.site_id, actor=request.user):
        raise Http404
    try:
        job = certificates_issue_pending(actor=request.user, collection=collection)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, job.result.get("summary") or _("Certificates are being issued."))
    return redirect("reports:donor", pk=collection.donor_id)


def _reports_visible(user):
    reports = DonorReport.objects.select_related("donor")
    ids = user_site_ids(user)
    if ids is not None:
        reports = reports.filter(donor__collections__site_id__in=ids).distinct()
    return reports


@roles_required(MANAGER)
def donor_reports(request):
    """``reports:donor_reports``: issue the yearly reports (a job) and download them."""
    year_form = YearForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and year_form.is_valid():
        year = year_form.cleaned_data["year"]
        try:
            if request.POST.get("action") == "certificates":
                job = certificates_issue_pending(actor=request.user, year=year)
            else:
                job = donor_reports_issue(
                    year=year, actor=request.user, base_url=request.build_absolute_uri("/")
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                job.result.get("summary") or _("The batch is running: follow it on the jobs page."),
            )
            return redirect(f"{reverse('reports:donor_reports')}?year={year}")
    year = request.GET.get("year") or (year_form.data.get("year") if year_form.is_bound else "")
    reports = _reports_visible(request.user).defer("pdf", "csv")
    if str(year).isdigit():
        reports = reports.filter(year=int(year))
    return render(
        request,
        "reports/donor_reports.html",
        {
            "form": year_form,
            "reports": list(reports[:500]),
            "page_title": _("Yearly donor reports"),
        },
    )


@roles_required(MANAGER)
def donor_report_download(request, pk: int, fmt: str):
    report = get_object_or_404(_reports_visible(request.user), pk=pk)
    name = f"donor-{report.donor_id}-{report.year}"
    if fmt == "pdf":
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    else:
        response = HttpResponse(bytes(report.csv), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
