"""Turn a parser's error into the API's answer, naming the report formats Atelier reads.

The parsers in ``refurb.snapshots`` raise plain ``ReportError`` exceptions (they import no
Django); ingestion and the snapshot endpoint answer a ``DomainError`` with a stable code and a
translated message instead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from refurb.snapshots.errors import ReportError, UnknownReportFormat
from refurb.snapshots.normalize import AGENT_FORMAT
from workshop.exceptions import DomainError

ACCEPTED_FORMATS = (
    AGENT_FORMAT,
    "workbench-script-0.0.1",
    "workbench-script-legacy",
    "workbench-11",
)


def report_error(exc: ReportError) -> DomainError:
    """Return the ``DomainError`` the API answers for a parser error (400, stable code)."""
    if isinstance(exc, UnknownReportFormat):
        return DomainError(
            exc.code,
            _(
                "This report comes from a tool Atelier does not read. Send the bench agent's "
                "JSON or an eReuse Workbench snapshot (accepted formats: %(formats)s)."
            )
            % {"formats": ", ".join(ACCEPTED_FORMATS)},
            fields={"format": list(ACCEPTED_FORMATS)},
        )
    return DomainError(
        exc.code,
        _("The report could not be read: %(detail)s Fix the report and send it again.")
        % {"detail": exc.message},
    )
