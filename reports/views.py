"""Manager screens of the reports: figures, charts and CSV, device histories, donor outcomes."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inventory.forms import SitePeriodForm
from inventory.selectors import donors_visible_to
from refurb.models import ChecklistItem, Device
from refurb.selectors import device_timeline
from reports import charts
from reports.audit_export import AuditScope, audit_archive
from reports.exports import AUDIT, ORDS, REPORT, export_jobs_of, export_start
from reports.figures.common import Period
from reports.figures.donor import (
    OUTCOME_LABELS,
    device_certificate_url,
    donor_collections,
    donor_devices,
    donor_outcome_counts,
    donors_list,
)
from reports.ords import ords_csv, ords_tickets
from reports.tables import COACH_TABLES, TABLES, table_csv
from workshop.access import site_allowed
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import COACH, MANAGER, user_roles
from workshop.selectors import sees_every_site, user_site
from workshop.views.common import roles_required, show_error

ANY_ROLE = frozenset({"bench_worker", COACH, "shop", MANAGER})


@roles_required(*ANY_ROLE)
def device_history(request, asset_tag: str):
    device = get_object_or_404(
        Device.objects.select_related("site", "category", "location", "grade", "collection__donor"),
        asset_tag=asset_tag.upper(),
    )
    if not site_allowed(device.site_id, actor=request.user):
        # Its history names the workers of another site: read where the device is.
        refused = PermissionDenied()
        refused.text = _(
            "%(tag)s belongs to the site %(site)s: its history is read at that site."
        ) % {"tag": device.asset_tag, "site": device.site.code}
        raise refused
    return render(
        request,
        "reports/device_timeline.html",
        {
            "device": device,
            "events": list(device_timeline(device)),
            "check_labels": dict(
                ChecklistItem.objects.filter(category_id=device.category_id).values_list(
                    "code", "label"
                )
            ),
            "certificate_url": device_certificate_url(device),
        },
    )


@roles_required(MANAGER)
def donor_list(request):
    """``reports:donors``: every donor, searchable, with collections and devices."""
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "reports/donor_list.html",
        {
            # Private persons only for managers of a site where they gave (personal data).
            "donors": donors_list(query).filter(
                pk__in=donors_visible_to(request.user).values("pk")
            )[:500],
            "query": query,
        },
    )


@roles_required(MANAGER)
def donor_outcomes(request, pk: int):
    """``reports:donor``: a donor's collections, devices, outcomes and certificates."""
    donor = get_object_or_404(donors_visible_to(request.user), pk=pk)
    devices = list(donor_devices(donor))
    for device in devices:
        device.certificate_url = device_certificate_url(device)
        device.outcome_label = OUTCOME_LABELS[device.outcome]
    counts = donor_outcome_counts(donor)
    return render(
        request,
        "reports/donor_outcomes.html",
        {
            "donor": donor,
            "devices": devices,
            "collections": donor_collections(donor, devices),
            "counts": [(OUTCOME_LABELS[key], counts[key]) for key in OUTCOME_LABELS],
            "total": counts["total"],
        },
    )


class PeriodForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), required=False, label=gettext_lazy("Site"))
    date_from = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> Period:
        if not self.is_valid():
            return Period()
        data = self.cleaned_data
        return Period(site=data["site"], date_from=data["date_from"], date_to=data["date_to"])


DEFAULT_REPORT_WEEKS = 12


def period_form(request) -> PeriodForm:
    """The report filters of ``request``; with none at all, the last 12 whole weeks (empty
    dates submitted on purpose mean the whole history)."""
    if request.GET:
        return PeriodForm(request.GET)
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday(), weeks=DEFAULT_REPORT_WEEKS - 1)
    data = QueryDict(mutable=True)
    data.update({"date_from": first.isoformat(), "date_to": today.isoformat()})
    return PeriodForm(data)


def _charts(tables) -> dict[str, str]:
    by_state = tables["stock_by_state"]
    stays = tables["time_in_state"]
    outcomes = tables["outcomes"]
    throughput = tables["throughput"]
    weeks = sorted({row[0] for row in throughput.rows})
    several_sites = len({row[1] for row in throughput.rows}) > 1
    per_site = {}
    for week, site, _bench, transitions, _devices in throughput.rows:
        per_site.setdefault(site, dict.fromkeys(weeks, 0))[week] += transitions
    week_labels = [formats.date_format(week, "SHORT_DATE_FORMAT") for week in weeks]
    return {
        "stock": charts.bar_chart(
            _("Devices by state"),
            [row[0] for row in by_state.rows],
            {_("devices"): [row[2] for row in by_state.rows]},
        ),
        "stays": charts.bar_chart(
            _("Hours in each state"),
            [row[0] for row in stays.rows],
            {
                _("median"): [row[3] for row in stays.rows],
                _("90th pct"): [row[4] for row in stays.rows],
            },
        ),
        "outcomes": charts.pie_chart(
            _("Outcomes by weight (kg)"), {row[0]: row[3] for row in outcomes.rows[:3]}
        ),
        "throughput": charts.bar_chart(
            _("State changes per week and site") if several_sites else _("State changes per week"),
            week_labels,
            {site: list(counts.values()) for site, counts in sorted(per_site.items())},
        ),
    }


@roles_required(MANAGER)
def report_index(request):
    form = period_form(request)
    period = form.period()
    tables = {name: build(period) for name, build in TABLES.items() if name not in COACH_TABLES}
    exports = export_jobs_of(request.user, REPORT) + export_jobs_of(request.user, ORDS)
    exports.sort(key=lambda job: (job.created_at, job.pk), reverse=True)
    return render(
        request,
        "reports/reports.html",
        {
            "form": form,
            "tables": tables,
            "charts": _charts(tables),
            "query": form.data.urlencode(),
            "export_choices": [(name, table.title) for name, table in tables.items()]
            + [(ORDS, _("Repairs in the Open Repair Data Standard (CSV)"))],
            "exports": exports[:5],
        },
    )


BACKGROUND_NOTICE = gettext_lazy(
    "The export is being prepared in the background (job #%(id)d): follow it below or on "
    "the jobs page, and download the file there once it is done."
)


@roles_required(MANAGER)
@require_POST
def report_export(request):
    """``reports:export``: prepare a report's CSV (or the ORDS CSV) in the background."""
    form = PeriodForm(request.POST)
    period = form.period()
    name = request.POST.get("report", "")
    back = reverse("reports:index") + "?" + form.data.copy().urlencode()
    if not form.is_valid():
        messages.error(request, _("Check the dates of the period, then try again."))
        return redirect(back)
    site = period.site
    if site is None and not sees_every_site(request.user):
        site = user_site(request.user)
    try:
        job = export_start(
            ORDS if name == ORDS else REPORT,
            actor=request.user,
            site=site,
            date_from=period.date_from,
            date_to=period.date_to,
            name="" if name == ORDS else name,
        )
    except DomainError as error:
        show_error(request, error)
        return redirect(back)
    messages.success(request, BACKGROUND_NOTICE % {"id": job.pk})
    return redirect(back + "#exports")


@roles_required(COACH, MANAGER)
def report_workers(request):
    form = period_form(request)
    table = TABLES["workers"](form.period())
    return render(
        request,
        "reports/report_workers.html",
        {"form": form, "table": table, "query": form.data.urlencode()},
    )


@roles_required(COACH, MANAGER)
def report_csv(request, name: str):
    if name not in TABLES:
        return HttpResponse(status=404)
    if name not in COACH_TABLES and MANAGER not in user_roles(request.user):
        raise PermissionDenied
    table = TABLES[name](period_form(request).period())
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@roles_required(MANAGER)
def report_ords(request):
    """Every repair ticket of the period in the Open Repair Data Standard's CSV."""
    period = period_form(request).period()
    site = period.site
    if site is None and not sees_every_site(request.user):
        site = user_site(request.user)
    if site is not None and not site_allowed(site.pk, actor=request.user):
        raise PermissionDenied
    body = ords_csv(ords_tickets(site=site, date_from=period.date_from, date_to=period.date_to))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="repairs-ords.csv"'
    return response


@roles_required(MANAGER)
def audit_archive_screen(request):
    """``reports:audit``: choose a site and a period, then download their audit archive."""
    form = SitePeriodForm(request.GET or None, user=request.user)
    form.fields["site"].required = True
    return render(
        request,
        "reports/audit.html",
        {"form": form, "exports": export_jobs_of(request.user, AUDIT)},
    )


@roles_required(MANAGER)
@require_POST
def audit_archive_prepare(request):
    """``reports:audit_prepare``: build the audit archive in the background (a job with its
    progress step by step); the screen and the jobs page link to the ZIP once done."""
    form = SitePeriodForm(request.POST, user=request.user)
    form.fields["site"].required = True
    if not form.is_valid():
        return render(
            request,
            "reports/audit.html",
            {"form": form, "exports": export_jobs_of(request.user, AUDIT)},
            status=400,
        )
    data = form.cleaned_data
    try:
        job = export_start(
            AUDIT,
            actor=request.user,
            site=data["site"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    except DomainError as error:
        show_error(request, error)
        return redirect("reports:audit")
    messages.success(request, BACKGROUND_NOTICE % {"id": job.pk})
    return redirect(reverse("reports:audit") + "#exports")


@roles_required(MANAGER)
def audit_archive_download(request):
    """``reports:audit_zip``: the ZIP of ``reports.audit_export`` for the site and period."""
    form = SitePeriodForm(request.GET or None, user=request.user)
    form.fields["site"].required = True
    if not form.is_valid():
        return render(request, "reports/audit.html", {"form": form}, status=400)
    data = form.cleaned_data
    scope = AuditScope(site=data["site"], date_from=data["date_from"], date_to=data["date_to"])
    response = FileResponse(audit_archive(scope), as_attachment=True, filename=f"{scope.name}.zip")
    response["Content-Type"] = "application/zip"
    return response
