"""The refurbished-product evidence of one device as a PDF (``refurb.compliance``)."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from refurb.compliance import RefurbishedEvidence
from workshop.pdftext import paragraph, pdf_plain


def _when(value) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def evidence_pdf(evidence: RefurbishedEvidence, *, now=None) -> bytes:
    """Return the evidence of ``evidence.device`` as PDF bytes, in French (legal mention)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render(evidence, now or timezone.now())


def _render(evidence: RefurbishedEvidence, now) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    device = evidence.device
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        title=pdf_plain(_("Refurbishing evidence %(tag)s") % {"tag": device.asset_tag}),
    )
    story = [
        paragraph(_("Refurbishing evidence %(tag)s") % {"tag": device.asset_tag}, styles["Title"]),
        paragraph(
            " · ".join(
                part
                for part in (device.category.name, device.make, device.model, device.serial_number)
                if part
            ),
            styles["Normal"],
        ),
        paragraph(
            _(
                "Code de la consommation, art. R. 122-4 to R. 122-6 (décret n° 2022-190). "
                "Drawn up %(when)s."
            )
            % {"when": _when(now)},
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        paragraph(
            _("Every function tested (test cycle %(cycle)s): %(answer)s")
            % {"cycle": evidence.test_cycle, "answer": _yes_no(evidence.functions_tested)},
            styles["Normal"],
        ),
        paragraph(
            _("Data of previous owners deleted from every drive: %(answer)s")
            % {"answer": _yes_no(evidence.data_erased)},
            styles["Normal"],
        ),
        paragraph(
            _("« reconditionné » may be used: %(answer)s")
            % {"answer": _yes_no(evidence.refurbished)},
            styles["Heading3"],
        ),
        paragraph(
            _("« reconditionné en France » may be used: %(answer)s")
            % {"answer": _yes_no(evidence.refurbished_in_france)},
            styles["Heading3"],
        ),
    ]
    for refusal in evidence.refusals:
        story.append(paragraph(refusal, styles["Normal"]))
    for step in evidence.abroad:
        story.append(
            paragraph(
                _("Step outside France: %(step)s at %(site)s (%(country)s).")
                % {"step": step.label, "site": step.site_name, "country": step.country},
                styles["Normal"],
            )
        )
    story.append(Spacer(1, 4 * mm))
    data = [[_("Step"), _("What"), _("When"), _("Site"), _("Country")]]
    for step in evidence.steps:
        data.append(
            [
                pdf_plain(step.label),
                paragraph(step.what, styles["BodyText"]),
                _when(step.when),
                paragraph(
                    f"{step.site_code} · {step.site_name}"
                    + (f" ({step.workstation})" if step.workstation else ""),
                    styles["BodyText"],
                ),
                step.country,
            ]
        )
    table = Table(data, repeatRows=1, colWidths=[28 * mm, 62 * mm, 28 * mm, 50 * mm, 14 * mm])
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
