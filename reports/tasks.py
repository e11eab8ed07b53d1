"""The reports app's jobs: exports prepared in the background (reports.exports)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from reports.exports import KIND, export_run
from workshop.jobs import job_kind

job_kind(KIND, label=gettext_lazy("export"), lease_seconds=3600)(export_run)
