"""The delivery note of an online order (bon de livraison): who, where, what, no price.

Text reaches the PDF only through ``workshop.pdftext`` (escaped for reportlab's markup).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from shop.models import Order, SiteLegal
from workshop.pdftext import paragraph


def delivery_note_pdf(order: Order) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(order)


def _render(order: Order) -> bytes:
    styles = getSampleStyleSheet()
    body, title = styles["BodyText"], styles["Title"]
    legal = SiteLegal.objects.filter(site_id=order.site_id).first()
    story = [
        paragraph(_("Delivery note %(number)s") % {"number": order.number}, title),
        paragraph(legal.legal_name if legal else order.site.name, body),
    ]
    if legal:
        for part in (legal.address or "").splitlines():
            story.append(paragraph(part, body))
    story.append(Spacer(1, 6 * mm))
    story.append(paragraph(_("Buyer") + "\u00a0: " + order.account.legal_name, body))
    story.append(paragraph(_("Contact") + "\u00a0: " + order.account.contact_name, body))
    if order.fulfilment == Order.Fulfilment.DELIVERY:
        story.append(paragraph(_("Deliver to") + "\u00a0:", body))
        for part in order.delivery_address.splitlines():
            story.append(paragraph(part, body))
    else:
        story.append(paragraph(_("Picked up at the shop") + " " + order.site.name, body))
    if order.carrier:
        story.append(
            paragraph(
                _("Carrier")
                + "\u00a0: "
                + order.carrier
                + " · "
                + _("tracking number")
                + "\u00a0: "
                + order.tracking_number,
                body,
            )
        )
    placed = timezone.localtime(order.placed_at) if order.placed_at else None
    if placed:
        story.append(paragraph(_("Ordered on") + " " + placed.strftime("%d/%m/%Y"), body))
    story.append(Spacer(1, 6 * mm))
    rows = [[paragraph(h, body) for h in (_("Tag"), _("Item"), _("Kit"), _("Serial number"))]]
    for line in order.lines.select_related("device__category", "kit"):
        device = line.device
        rows.append(
            [
                paragraph(device.asset_tag, body),
                paragraph(
                    " ".join(p for p in (device.make, device.model) if p) or device.category.name,
                    body,
                ),
                paragraph(line.kit.tag if line.kit_id else "", body),
                paragraph(device.serial_number, body),
            ]
        )
    table = Table(rows, colWidths=[32 * mm, 70 * mm, 32 * mm, 40 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 12 * mm)]
    story.append(paragraph(_("Received in good condition, on … by …"), body))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=f"{order.number}", leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    return buffer.getvalue()
