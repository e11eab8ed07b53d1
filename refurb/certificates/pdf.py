"""Print a data-sanitisation certificate as a PDF (reportlab), in the requested language.

The PDF shows the facts stored on the ``Certificate`` (what was certified), its code and a
QR code to the public verification page. The QR matrix comes from the labels engine
(zxing-cpp, merged rectangles) and is drawn as plain rectangles.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from workshop import fonts
from workshop.pdftext import paragraph
from workshop.qr import qr_matrix


class QrFlowable(Flowable):
    """A QR code of ``value``, ``size`` points wide, drawn as filled rectangles."""

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        self.value = value
        self.size = size
        self.modules, self.rects = qr_matrix(value)

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        quiet = 4
        module = self.size / (self.modules + 2 * quiet)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for row, col, width, height in self.rects:
            canvas.rect(
                (col + quiet) * module,
                self.size - (row + quiet + height) * module,
                width * module,
                height * module,
                stroke=0,
                fill=1,
            )


def category_label(code: str) -> str:
    """A category's name (its code when the category is gone)."""
    from refurb.models import Category

    return Category.objects.filter(code=code).values_list("name", flat=True).first() or code


def nist_label(nist: str) -> str:
    return {
        "clear": _("NIST SP 800-88 Clear"),
        "purge": _("NIST SP 800-88 Purge"),
        "destroy": _("NIST SP 800-88 Destroy"),
    }.get(nist, nist or "")


def destruction_label(method: str) -> str:
    return {
        "shredding": _("shredding"),
        "crushing": _("crushing"),
        "drilling": _("drilling"),
        "degaussing": _("degaussing"),
        "disintegration": _("disintegration"),
    }.get(method, method)


def _date(value: str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if timezone.is_aware(moment):  # stored in UTC: printed in the workshop's time
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATE_FORMAT")


def _capacity(value: int | None) -> str:
    if not value:
        return ""
    if value >= 10**12:
        return _("%(n)s TB") % {"n": formats.number_format(round(value / 10**12, 1))}
    return _("%(n)s GB") % {"n": formats.number_format(round(value / 10**9))}


def _method(proof: dict) -> str:
    if proof.get("type") == "destruction":
        return f"{nist_label('destroy')} — {destruction_label(proof.get('method', ''))}"
    if proof.get("type") != "erasure":
        return _("none")
    parts = [nist_label(proof.get("nist", ""))]
    detail = proof.get("standard") or ""
    passes = proof.get("passes") or 1
    detail = " ".join(
        p
        for p in (
            detail,
            ngettext("%(n)s pass", "%(n)s passes", passes) % {"n": passes},
            f"({proof.get('tool')})",
        )
        if p
    )
    return f"{parts[0]} — {detail}"


def _verification(proof: dict) -> str:
    if proof.get("type") == "destruction":
        return _("witness: %(who)s") % {"who": proof.get("witness") or "?"}
    if proof.get("type") == "erasure":
        return _("verified") if proof.get("verified") else _("not verified")
    return ""


def _result(drive: dict) -> str:
    return {
        "erased": _("erased"),
        "destroyed": _("destroyed"),
        "failed": _("failed"),
        "pending": _("pending"),
    }.get(drive.get("status"), drive.get("status", ""))


def certificate_pdf(certificate, *, verify_url: str, language: str | None = None) -> bytes:
    """Return the PDF of ``certificate`` in ``language`` (the certificate's by default)."""
    with translation.override(language or certificate.language or "fr"):
        return _render(certificate, verify_url)


def _render(certificate, verify_url: str) -> bytes:
    fonts.register()
    content = certificate.content
    regular, bold = fonts.REGULAR, fonts.BOLD
    style = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=style, fontSize=7.5, leading=9)
    title = ParagraphStyle("title", parent=style, fontName=bold, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", parent=style, fontName=bold, fontSize=10, leading=14)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("Data sanitisation certificate"),
        author=content["site"]["name"],
    )
    story: list = []
    issued = formats.date_format(timezone.localtime(certificate.issued_at), "DATETIME_FORMAT")
    intro = [
        paragraph(_("Data sanitisation certificate"), title),
        paragraph(_("Certificate code: %(code)s") % {"code": certificate.code}, heading),
        paragraph(
            _("Issued on %(date)s by %(site)s.")
            % {"date": issued, "site": content["site"]["name"]},
            style,
        ),
    ]
    collection = content.get("collection")
    if content.get("pending"):
        intro.append(
            paragraph(
                _("This certificate covers %(done)s of the %(total)s devices of the collection.")
                % {
                    "done": len(content["devices"]),
                    "total": len(content["devices"]) + len(content["pending"]),
                },
                style,
            )
        )
    if collection:
        donor = collection["donor"]["name"]
        line = _("Collection %(tag)s") % {"tag": collection["tag"]}
        if donor:
            line += " — " + _("donor: %(name)s") % {"name": donor}
        intro.append(paragraph(line, style))
    intro.append(
        paragraph(
            _(
                "We certify that every storage medium listed below was sanitised according to "
                "NIST SP 800-88 Rev. 1 (Clear or Purge, with verification) or physically "
                "destroyed in front of a witness. No data from these media leaves the workshop."
            ),
            style,
        )
    )
    intro.append(
        paragraph(
            _("Check this certificate at %(url)s or scan the QR code.") % {"url": verify_url},
            small,
        )
    )
    header = Table(
        [[intro, QrFlowable(verify_url, 32 * mm)]],
        colWidths=[doc.width - 36 * mm, 36 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    story += [header, Spacer(1, 5 * mm)]
    columns = [
        _("Drive serial"),
        _("Model"),
        _("Capacity"),
        _("Method"),
        _("Verification"),
        _("Result"),
        _("Date"),
        _("Operator"),
        _("Workstation"),
    ]
    widths = [x * mm for x in (40, 42, 17, 70, 27, 17, 20, 16, 24)]
    for device in content["devices"]:
        label = " ".join(p for p in (device["make"], device["model"]) if p)
        serial = device["serial"] or "—"
        story.append(
            paragraph(
                _("Device %(tag)s — %(label)s — serial %(serial)s")
                % {"tag": device["tag"], "label": label or device["category"], "serial": serial},
                heading,
            )
        )
        rows = [columns]
        for drive in device["drives"]:
            proof = drive["proof"]
            rows.append(
                [
                    drive["serial"] or drive["tag"],
                    paragraph(drive["model"] or "", small),
                    _capacity(drive["capacity_bytes"]),
                    paragraph(_method(proof), small),
                    paragraph(_verification(proof), small),
                    _result(drive),
                    _date(proof.get("date")),
                    proof.get("operator", ""),
                    paragraph(proof.get("workstation", ""), small),
                ]
            )
        if not device["drives"]:
            empty = (
                _("No storage: checked by a worker.")
                if device["no_storage"]
                else _("This kind of equipment holds no data storage.")
            )
            rows.append([paragraph(empty, small), "", "", "", "", "", "", "", ""])
            table_span = True
        else:
            table_span = False
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("FONTNAME", (0, 0), (-1, 0), bold),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    *([("SPAN", (0, 1), (-1, 1))] if table_span else []),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    pending = content.get("pending") or []
    if pending:
        story.append(
            paragraph(
                ngettext(
                    "Pending: %(count)s device of this collection still holds data and is not "
                    "covered by this certificate.",
                    "Pending: %(count)s devices of this collection still hold data and are not "
                    "covered by this certificate.",
                    len(pending),
                )
                % {"count": len(pending)},
                heading,
            )
        )
        story.append(
            paragraph(
                ", ".join(
                    f"{device['tag']} ({category_label(device['category'])})" for device in pending
                ),
                style,
            )
        )
        story.append(
            paragraph(
                _("Ask the workshop for a new certificate once these devices are done."), small
            )
        )
    doc.build(story)
    return buf.getvalue()
