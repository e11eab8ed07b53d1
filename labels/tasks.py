"""The labels app's jobs: sending a print job to its printer (labels.services.print_job_run)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

from labels.models import PrintJob
from labels.services import print_job_requeue, print_job_run
from workshop.jobs import job_kind


@job_kind(
    "print",
    label=gettext_lazy("print"),
    lease_seconds=300,
    retries=settings.ATELIER_PRINT_RETRIES,
    retry_delay=10,
    on_retry=print_job_requeue,
)
def run_print(job, progress) -> dict:
    print_job = PrintJob.objects.get(pk=job.payload["print_job"])
    return print_job_run(
        print_job, task=job, progress=progress, base_url=job.payload.get("base_url") or None
    )
