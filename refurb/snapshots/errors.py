"""Errors raised by the snapshot parsers.

Every parser in this package raises only :class:`ReportError` (or a subclass) on bad
input. Each error carries a stable machine ``code`` (used by the Django layer to pick
a translated message) and a plain English ``message`` that says what to do next.
"""

from __future__ import annotations


class ReportError(Exception):
    """A report could not be parsed. ``code`` is stable; ``message`` is for humans."""

    default_code = "report_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class MalformedReport(ReportError):
    """The input claims to be a known report but its content is broken."""

    default_code = "malformed_report"


class UnknownReportFormat(ReportError):
    """The input is not any of the report formats we accept."""

    default_code = "unknown_format"
