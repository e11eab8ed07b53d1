"""The slip that travels with a recycling shipment (PDF)."""

from __future__ import annotations

import io

from django.db.models import Sum
from django.utils.translation import gettext as _

from inventory.models import RecyclingShipment
from workshop.pdftext import paragraph


def shipment_slip_pdf(shipment: RecyclingShipment) -> bytes:
    """Return the shipment slip: recycler, site, every line with its weight, the total."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Shipment {shipment.pk}")
    lines = list(shipment.lines.select_related("device", "device__category"))
    total = shipment.lines.aggregate(total=Sum("weight_kg"))["total"] or 0
    story = [
        paragraph(_("Recycling shipment #%(id)s") % {"id": shipment.pk}, styles["Title"]),
        paragraph(
            _("From %(site)s to %(recycler)s · %(status)s · %(date)s")
            % {
                "site": shipment.site,
                "recycler": shipment.recycler,
                "status": shipment.get_status_display(),
                "date": shipment.shipped_on,
            },
            styles["Normal"],
        ),
        paragraph(
            _("Recycler's certificate: %(ref)s") % {"ref": shipment.certificate_ref or "—"},
            styles["Normal"],
        ),
        Spacer(1, 5 * mm),
    ]
    data = [[_("Item"), _("Category"), _("Description"), _("Weight (kg)")]]
    for line in lines:
        device = line.device
        data.append(
            [
                device.asset_tag if device else _("Parts"),
                device.category.name if device else "",
                f"{device.make} {device.model}".strip() if device else line.description,
                f"{line.weight_kg:.3f}",
            ]
        )
    data.append(["", "", _("Total"), f"{total:.3f}"])
    table = Table(data, repeatRows=1, colWidths=[32 * mm, 38 * mm, 70 * mm, 28 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -2), 0.25, colors.grey),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 15 * mm)]
    story.append(paragraph(_("Signature of the carrier:") + " " + "_" * 30, styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()
