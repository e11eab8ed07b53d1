"""The reports app's jobs: exports prepared in the background (reports.exports), yearly donor
reports and certificate batches (reports.donor_services)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from inventory.models import Collection
from refurb.certificates.services import certificate_issue
from refurb.models import Device
from refurb.selectors import device_data_safety
from reports.donor_services import donors_of_year
from reports.donors import donor_year, donor_year_csv, donor_year_pdf
from reports.exports import KIND, export_run
from reports.models import DonorReport
from workshop.exceptions import DomainError
from workshop.jobs import job_kind, job_message, message_render

job_kind(KIND, label=gettext_lazy("export"), lease_seconds=3600)(export_run)


@job_kind("donor_reports", label=gettext_lazy("yearly donor reports"), lease_seconds=3600)
def run_donor_reports(job, progress) -> dict:
    year = job.payload["year"]
    site_ids = job.payload.get("site_ids")
    verify_url = (job.payload.get("base_url") or "").rstrip("/") + "/verify/"
    donors = list(donors_of_year(year, site_ids))
    progress(0, len(donors))
    for done, donor in enumerate(donors, start=1):
        report = donor_year(donor, year, site_ids=site_ids)
        with transaction.atomic():
            DonorReport.objects.update_or_create(
                donor=donor,
                year=year,
                defaults={
                    "pdf": donor_year_pdf(report, verify_url=verify_url),
                    "csv": donor_year_csv(report),
                    "devices": len(report.devices),
                    "certificates": len(report.certificates),
                    "issued_at": timezone.now(),
                    "issued_by": job.actor,
                },
            )
        progress(done)
    summary = job_message(
        gettext_lazy("%(count)s yearly donor reports issued for %(year)s."),
        count=len(donors),
        year=year,
    )
    return {"summary_message": summary, "summary": message_render(summary), "count": len(donors)}


@job_kind("certificates_issue", label=gettext_lazy("certificates"), lease_seconds=3600)
def run_certificates_issue(job, progress) -> dict:
    collections = list(Collection.objects.filter(pk__in=job.payload["collections"]).order_by("pk"))
    devices = list(
        Device.objects.filter(collection__in=collections)
        .select_related("category")
        .prefetch_related("drives")
        .order_by("pk")
    )
    progress(0, len(devices) + len(collections))
    issued = pending = 0
    done = 0
    for device in devices:
        done += 1
        if not device_data_safety(device).safe:
            pending += 1
        else:
            before = device.certificates.count()
            certificate_issue(device=device, actor=None)  # the caller was checked on asking
            issued += device.certificates.count() - before
        if done % 50 == 0:
            progress(done)
    for collection in collections:
        done += 1
        try:
            certificate_issue(collection=collection, actor=None)
        except DomainError:
            pass  # no device of the lot is done yet: its certificate waits
        progress(done)
    summary = job_message(
        gettext_lazy(
            "Device certificates issued: %(issued)s; devices still pending: %(pending)s; "
            "collection certificates up to date: %(collections)s."
        ),
        issued=issued,
        pending=pending,
        collections=len(collections),
    )
    return {
        "summary_message": summary,
        "summary": message_render(summary),
        "issued": issued,
        "pending": pending,
    }
