"""The pick-up round sheet the driver takes along, and the signed pick-up slip (PDF).

Every text typed by a donor or a manager reaches the PDF through ``workshop.pdftext``
(escaped, one line), so an organisation called ``<b>x</b>`` prints as typed.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inventory.models import CollectionRound, RoundStop
from refurb.models import Category
from workshop import fonts
from workshop.pdftext import paragraph


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    fonts.register()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9.5, leading=12)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=fonts.BOLD, fontSize=11, leading=15
        ),
    }


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _table(rows, widths, header=True):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey))
    table.setStyle(TableStyle(style))
    return table


def _lines_text(offer) -> str:
    return " · ".join(
        f"{line.count} × {line.category.name}"
        + (f" ({_('drives destroyed on site')})" if line.destroy_on_site else "")
        for line in offer.lines.all()
    )


def _hours(round_: CollectionRound) -> str:
    """`` · 09:00 – 12:30``: the hours the donors were told, when the round has them."""
    if not round_.time_from:
        return ""
    start = formats.time_format(round_.time_from, "TIME_FORMAT")
    end = formats.time_format(round_.time_until, "TIME_FORMAT")
    return f" · {start} – {end}"


def round_sheet_pdf(round_: CollectionRound) -> bytes:
    """The driver's sheet: the day, the vehicle, the driver and every stop in order."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Pick-up round"))
    driver = round_.driver.get_full_name() or round_.driver.username
    story = [
        paragraph(_("Pick-up round #%(id)s") % {"id": round_.pk}, s["title"]),
        paragraph(
            _("%(date)s · vehicle: %(vehicle)s · driver: %(driver)s · %(site)s")
            % {
                "date": _date(round_.date) + _hours(round_),
                "vehicle": round_.vehicle,
                "driver": driver,
                "site": round_.site.name,
            },
            s["body"],
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [
        [
            paragraph(_("Stop"), s["small"]),
            paragraph(_("Donor and address"), s["small"]),
            paragraph(_("Contact"), s["small"]),
            paragraph(_("What to pick up"), s["small"]),
            paragraph(_("Estimated weight (kg)"), s["small"]),
        ]
    ]
    total = 0
    for stop in round_.stops.all():
        offer = stop.offer
        total += stop.estimated_weight_kg
        rows.append(
            [
                paragraph(str(stop.order), s["body"]),
                [paragraph(offer.organisation, s["body"]), paragraph(offer.address, s["small"])],
                [
                    paragraph(offer.contact_name, s["body"]),
                    paragraph(offer.contact_phone or offer.contact_email, s["small"]),
                ],
                [paragraph(_lines_text(offer), s["small"]), paragraph(offer.notes, s["small"])],
                paragraph(formats.number_format(stop.estimated_weight_kg, 1), s["body"]),
            ]
        )
    rows.append(
        [
            "",
            "",
            "",
            paragraph(_("Total"), s["body"]),
            paragraph(formats.number_format(total, 1), s["body"]),
        ]
    )
    story.append(_table(rows, [12 * mm, 50 * mm, 40 * mm, 60 * mm, 22 * mm]))
    story += [
        Spacer(1, 6 * mm),
        paragraph(
            _(
                "At each stop: count the items, weigh them, and have the pick-up slip signed "
                "on the tablet (or on the printed slip, scanned back at the workshop)."
            ),
            s["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def slip_pdf(stop: RoundStop) -> bytes:
    """The signed pick-up slip (bordereau de prise en charge) of one stop."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, SimpleDocTemplate, Spacer

    s = _styles()
    slip = stop.slip
    offer = stop.offer
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Pick-up slip"))
    names = dict(Category.objects.filter(code__in=list(slip.counts)).values_list("code", "name"))
    story = [
        paragraph(_("Pick-up slip %(tag)s") % {"tag": slip.collection.tag}, s["title"]),
        paragraph(
            _("Taken over on %(date)s by %(site)s, round #%(round)s, stop %(stop)s")
            % {
                "date": _date(timezone.localtime(slip.signed_at).date()),
                "site": offer.site.name,
                "round": stop.round_id,
                "stop": stop.order,
            },
            s["body"],
        ),
        Spacer(1, 4 * mm),
        paragraph(_("Donor"), s["heading"]),
        paragraph(offer.organisation, s["body"]),
        paragraph(offer.address, s["body"]),
        paragraph(_("SIRET: %(siret)s") % {"siret": offer.siret or "—"}, s["body"]),
        Spacer(1, 4 * mm),
    ]
    rows = [[paragraph(_("Category"), s["small"]), paragraph(_("Items counted"), s["small"])]]
    for code, count in sorted(slip.counts.items()):
        rows.append([paragraph(names.get(code, code), s["body"]), paragraph(str(count), s["body"])])
    rows.append(
        [
            paragraph(_("Weight (kg)"), s["body"]),
            paragraph(formats.number_format(slip.weight_kg, 1), s["body"]),
        ]
    )
    story += [_table(rows, [90 * mm, 40 * mm]), Spacer(1, 6 * mm)]
    story.append(
        paragraph(
            _(
                "The workshop takes these items over: their data-holding parts will be erased "
                "or destroyed, and a certificate issued for each device."
            ),
            s["small"],
        )
    )
    story.append(Spacer(1, 4 * mm))

    def signature(data: bytes):
        if not data:
            return paragraph("—", s["body"])
        return Image(io.BytesIO(bytes(data)), width=60 * mm, height=25 * mm, kind="proportional")

    rows = [
        [
            paragraph(_("For the donor: %(name)s") % {"name": slip.donor_signatory}, s["small"]),
            paragraph(_("For the workshop"), s["small"]),
        ],
        [signature(slip.donor_signature), signature(slip.driver_signature)],
    ]
    story.append(_table(rows, [85 * mm, 85 * mm], header=False))
    if slip.scan:
        story.append(paragraph(_("The signed printed slip is kept scanned."), s["small"]))
    doc.build(story)
    return buffer.getvalue()
