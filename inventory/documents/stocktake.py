"""A stocktake's figures and its records: the summary, the CSV and the PDF report."""

from __future__ import annotations

import io

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Stocktake, StocktakeLine
from workshop.csvsafe import csv_writer
from workshop.pdftext import paragraph


def stocktake_summary(stocktake: Stocktake) -> dict[str, int]:
    """Count the lines of each finding, the unresolved ones and the scans.

    While the stocktake is open, devices found where expected have no line yet: they are
    counted from the scans."""
    counts = stocktake.lines.aggregate(
        **{kind: Count("id", filter=Q(kind=kind)) for kind in StocktakeLine.Kind.values},
        unresolved=Count("id", filter=Q(resolution=StocktakeLine.Resolution.PENDING)),
    )
    counts["scans"] = stocktake.scans.count()
    if stocktake.is_open:
        from inventory.services.stocktake_reconcile import stocktake_found_count

        counts[StocktakeLine.Kind.FOUND] = stocktake_found_count(stocktake)
    return counts


def stocktake_lines(stocktake: Stocktake):
    return stocktake.lines.select_related(
        "device", "device__category", "expected_location", "scanned_location", "resolved_by"
    ).order_by("kind", "code")


CSV_HEADER = [
    "code",
    "finding",
    "state",
    "device",
    "expected_location",
    "found_at",
    "resolution",
    "reason",
    "resolved_by",
    "applied_at",
    # Labels beside the codes, for people reading the export.
    "finding_label",
    "state_label",
    "resolution_label",
    "expected_location_name",
    "found_at_name",
]


def stocktake_csv(stocktake: Stocktake) -> str:
    """Return every line of the stocktake as CSV (stable English column names): the codes for
    machines, then their labels for people."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADER)
    for line in stocktake_lines(stocktake):
        writer.writerow(
            [
                line.code,
                line.kind,
                line.device_state,
                str(line.device) if line.device_id else "",
                line.expected_location.tag if line.expected_location_id else "",
                line.scanned_location.tag if line.scanned_location_id else "",
                line.resolution,
                line.reason,
                line.resolved_by.get_username() if line.resolved_by_id else "",
                line.applied_at.isoformat() if line.applied_at else "",
                line.get_kind_display(),
                line.get_device_state_display() if line.device_state else "",
                line.get_resolution_display(),
                line.expected_location.name if line.expected_location_id else "",
                line.scanned_location.name if line.scanned_location_id else "",
            ]
        )
    return out.getvalue()


def stocktake_pdf(stocktake: Stocktake) -> bytes:
    """Return the stocktake report as a PDF: scope, who and when, counts, every difference."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        title=f"Stocktake {stocktake.pk}",
    )
    scope = ", ".join(location.name for location in stocktake.locations.all()) or _("whole site")
    summary = stocktake_summary(stocktake)
    local = timezone.localtime
    story = [
        paragraph(
            _("Stocktake #%(id)s · %(site)s") % {"id": stocktake.pk, "site": stocktake.site},
            styles["Title"],
        ),
        paragraph(
            _("Scope: %(scope)s. Opened %(opened)s by %(by)s. Status: %(status)s%(closed)s.")
            % {
                "scope": scope,
                "opened": f"{local(stocktake.opened_at):%Y-%m-%d %H:%M}",
                "by": stocktake.opened_by or "—",
                "status": stocktake.get_status_display(),
                "closed": (
                    _(", closed %(when)s by %(by)s")
                    % {
                        "when": f"{local(stocktake.closed_at):%Y-%m-%d %H:%M}",
                        "by": stocktake.closed_by or "—",
                    }
                    if stocktake.closed_at
                    else ""
                ),
            },
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    counts = [[_("Scans"), summary["scans"]]] + [
        [str(label), summary[value]] for value, label in StocktakeLine.Kind.choices
    ]
    counts.append([_("Unresolved"), summary["unresolved"]])
    story.append(Table(counts, hAlign="LEFT"))
    story.append(Spacer(1, 5 * mm))
    data = [[_("Code"), _("Finding"), _("State"), _("Expected"), _("Found at"), _("Resolution")]]
    for line in stocktake_lines(stocktake).exclude(kind=StocktakeLine.Kind.FOUND):
        data.append(
            [
                line.code,
                line.get_kind_display(),
                line.get_device_state_display() if line.device_state else "",
                line.expected_location.name if line.expected_location_id else "",
                line.scanned_location.name if line.scanned_location_id else "",
                paragraph(
                    f"{line.get_resolution_display()}"
                    + (f" — {line.reason}" if line.reason else ""),
                    styles["BodyText"],
                ),
            ]
        )
    table = Table(
        data, repeatRows=1, colWidths=[28 * mm, 32 * mm, 22 * mm, 24 * mm, 24 * mm, 50 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
