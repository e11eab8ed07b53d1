"""What a donor sees of their equipment, and the yearly donor report (issue 21).

``donor_token`` signs a link to the donor's own page (``django.core.signing``, no password),
valid ``ATELIER_DONOR_LINK_DAYS`` days; ``donor_from_token`` refuses a tampered or expired
one. ``donor_page`` gathers, in a fixed number of queries whatever the number of devices,
every collection and every device of the donor with its fate: in progress, reused (sold or
given, with the buyer's *kind* only), on sale, parts harvested, recycled (with the weight of
its shipment line and the shipment's date), written off; the certificates issued; the
kilograms kept out of waste (reused and harvested devices, weighed or typical weight) and the
CO2e avoided by reuse (``reports.figures.outcomes``, the same factors as the manager reports);
a count per year. Nothing names a person other than the donor's own contact, and only the
donor's own devices are read.

``donor_year`` is the same for the collections a donor gave in one calendar year; the yearly
report renders it as a PDF (``donor_year_pdf``) and a CSV (``donor_year_csv``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import Collection, Donor, RecyclingShipmentLine
from refurb.models import Certificate, Device
from refurb.selectors import device_data_safety
from refurb.states import State
from reports.charts import bar_chart
from reports.figures.common import ZERO, weight_expression
from reports.figures.outcomes import co2_avoided
from shop.models import SaleLine
from workshop import fonts
from workshop.csvsafe import csv_writer
from workshop.pdftext import paragraph

DONOR_SALT = "reports.donor-page"

FATES = {
    "in_progress": gettext_lazy("In progress"),
    "sold": gettext_lazy("Reused: sold"),
    "given": gettext_lazy("Reused: given"),
    "on_sale": gettext_lazy("Reused: on sale"),
    "parts": gettext_lazy("Parts harvested"),
    "recycled": gettext_lazy("Recycled"),
    "written_off": gettext_lazy("Written off"),
}
ON_SALE = {State.GRADED, State.ON_SALE, State.RESERVED}


def link_days() -> int:
    return int(getattr(settings, "ATELIER_DONOR_LINK_DAYS", 30))


def donor_token(donor: Donor) -> str:
    return signing.dumps({"d": donor.pk}, salt=DONOR_SALT, compress=True)


def donor_from_token(token: str, *, max_age_days: int | None = None) -> Donor | None:
    """The donor a link names, or None when it is tampered with, expired or unknown."""
    days = link_days() if max_age_days is None else max_age_days
    try:
        data = signing.loads(token, salt=DONOR_SALT, max_age=timedelta(days=days))
    except signing.BadSignature:
        return None
    return Donor.objects.filter(pk=data.get("d")).first()


@dataclass
class DeviceFate:
    device: Device
    fate: str
    buyer_kind: str = ""
    recycled_kg: Decimal | None = None
    shipped_on: object = None
    certificate: Certificate | None = None
    certifiable: bool = False

    @property
    def fate_label(self) -> str:
        return str(FATES[self.fate])


@dataclass
class DonorPage:
    donor: Donor
    collections: list[dict]
    devices: list[DeviceFate]
    counts: dict[str, int]
    kept_kg: Decimal
    co2e_kg: Decimal
    recycled_kg: Decimal
    years: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.devices)


def _fate(device: Device, sale: SaleLine | None) -> tuple[str, str]:
    if device.state == State.SOLD and sale is not None:
        kind = sale.sale.buyer.get_kind_display() if sale.sale.buyer_id else ""
        return ("given" if not sale.price else "sold"), kind
    if device.state == State.SOLD:
        return "sold", ""
    if device.state in ON_SALE:
        return "on_sale", ""
    if device.state == State.HARVESTED:
        return "parts", ""
    if device.state == State.RECYCLED:
        return "recycled", ""
    if device.state == State.WRITTEN_OFF:
        return "written_off", ""
    return "in_progress", ""


def _devices(donor: Donor, collections=None):
    devices = Device.objects.filter(collection__donor=donor)
    if collections is not None:
        devices = devices.filter(collection__in=collections)
    return (
        devices.select_related("collection", "category")
        .prefetch_related("drives")
        .order_by("collection__received_on", "collection_id", "asset_tag")
    )


def _fates(donor: Donor, collections=None) -> list[DeviceFate]:
    devices = list(_devices(donor, collections))
    sales: dict[int, SaleLine] = {}
    for line in (
        SaleLine.objects.filter(device__collection__donor=donor, returned=False)
        .select_related("sale__buyer")
        .order_by("id")
    ):
        sales[line.device_id] = line  # the latest sale of the device
    shipped: dict[int, RecyclingShipmentLine] = {}
    for line in RecyclingShipmentLine.objects.filter(
        device__collection__donor=donor
    ).select_related("shipment"):
        shipped[line.device_id] = line
    certificates: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        kind=Certificate.Kind.DEVICE, device__collection__donor=donor
    ).order_by("issued_at", "id"):
        certificates[certificate.device_id] = certificate  # the latest
    rows = []
    for device in devices:
        fate, kind = _fate(device, sales.get(device.pk))
        shipment = shipped.get(device.pk) if fate == "recycled" else None
        rows.append(
            DeviceFate(
                device=device,
                fate=fate,
                buyer_kind=kind,
                recycled_kg=shipment.weight_kg if shipment else None,
                shipped_on=shipment.shipment.shipped_on if shipment else None,
                certificate=certificates.get(device.pk),
                certifiable=device_data_safety(device).safe,
            )
        )
    return rows


def _collections(donor: Donor, fates: list[DeviceFate], collections=None) -> list[dict]:
    by_collection: dict[int, list[DeviceFate]] = {}
    for row in fates:
        by_collection.setdefault(row.device.collection_id, []).append(row)
    latest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        kind=Certificate.Kind.COLLECTION, collection__donor=donor
    ).order_by("issued_at", "id"):
        latest[certificate.collection_id] = certificate
    queryset = collections if collections is not None else Collection.objects.filter(donor=donor)
    rows = []
    for collection in queryset.select_related("site").order_by("received_on", "id"):
        members = by_collection.get(collection.pk, [])
        done = sum(1 for m in members if m.certifiable)
        rows.append(
            {
                "collection": collection,
                "devices": members,
                "count": len(members),
                "done": done,
                "pending": len(members) - done,
                "certificate": latest.get(collection.pk),
                "certifiable": done > 0,
            }
        )
    return rows


def _kept_kg(donor: Donor, collections=None) -> tuple[Decimal, Decimal]:
    devices = Device.objects.filter(collection__donor=donor)
    if collections is not None:
        devices = devices.filter(collection__in=collections)
    weights = devices.aggregate(
        kept=Coalesce(
            Sum(weight_expression(), filter=Q(state__in=[State.SOLD, State.HARVESTED])),
            ZERO,
            output_field=DecimalField(max_digits=14, decimal_places=3),
        ),
        recycled=Coalesce(
            Sum(weight_expression(), filter=Q(state=State.RECYCLED)),
            ZERO,
            output_field=DecimalField(max_digits=14, decimal_places=3),
        ),
    )
    return Decimal(weights["kept"]), Decimal(weights["recycled"])


def _years(fates: list[DeviceFate]) -> list[dict]:
    years: dict[int, dict[str, int]] = {}
    for row in fates:
        year = row.device.collection.received_on.year
        counts = years.setdefault(year, dict.fromkeys(FATES, 0))
        counts[row.fate] += 1
    return [{"year": year, "counts": years[year]} for year in sorted(years)]


def donor_page(donor: Donor) -> DonorPage:
    """Everything the donor's own page shows (a fixed number of queries)."""
    fates = _fates(donor)
    counts = dict.fromkeys(FATES, 0)
    for row in fates:
        counts[row.fate] += 1
    kept, recycled = _kept_kg(donor)
    co2 = co2_avoided(donor=donor)
    return DonorPage(
        donor=donor,
        collections=_collections(donor, fates),
        devices=fates,
        counts=counts,
        kept_kg=kept,
        co2e_kg=co2.total_kg_co2e,
        recycled_kg=recycled,
        years=_years(fates),
    )


def donor_chart(page: DonorPage) -> str:
    """A bar chart of the donor's devices per year of collection, by fate (SVG image)."""
    labels = [str(year["year"]) for year in page.years]
    series = {
        str(FATES[fate]): [year["counts"][fate] for year in page.years]
        for fate in FATES
        if any(year["counts"][fate] for year in page.years)
    }
    return bar_chart(_("Your devices per year"), labels, series)


# --- the yearly report -------------------------------------------------------------------


@dataclass
class DonorYear:
    donor: Donor
    year: int
    collections: list[dict]
    devices: list[DeviceFate]
    counts: dict[str, int]
    kept_kg: Decimal
    recycled_kg: Decimal
    co2e_kg: Decimal
    gross_kg: Decimal
    certificates: list[Certificate]


def donor_year(donor: Donor, year: int, *, site_ids=None) -> DonorYear:
    """The donor's collections received in ``year`` (at ``site_ids`` only, when given)."""
    collections = Collection.objects.filter(donor=donor, received_on__year=year)
    if site_ids is not None:
        collections = collections.filter(site_id__in=site_ids)
    fates = _fates(donor, collections)
    counts = dict.fromkeys(FATES, 0)
    for row in fates:
        counts[row.fate] += 1
    kept, recycled = _kept_kg(donor, collections)
    rows = _collections(donor, fates, collections)
    certificates = list(
        Certificate.objects.filter(
            Q(device__collection__in=collections) | Q(collection__in=collections)
        )
        .select_related("device", "collection")
        .order_by("issued_at", "id")
    )
    co2 = co2_avoided(donor=donor, collections=collections)
    return DonorYear(
        donor=donor,
        year=year,
        collections=rows,
        devices=fates,
        counts=counts,
        kept_kg=kept,
        recycled_kg=recycled,
        co2e_kg=co2.total_kg_co2e,
        gross_kg=sum((r["collection"].gross_weight_kg for r in rows), ZERO),
        certificates=certificates,
    )


def _kg(value) -> str:
    return formats.number_format(value or 0, 1, use_l10n=True, force_grouping=True)


def donor_year_csv(report: DonorYear) -> bytes:
    """One line per device: collection, tag, category, make and model, serial, fate, buyer
    kind, recycled weight, certificate code (the text cells through ``workshop.csvsafe``)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [
            _("Collection"),
            _("Received on"),
            _("Tag"),
            _("Category"),
            _("Make and model"),
            _("Serial number"),
            _("Fate"),
            _("Buyer kind"),
            _("Recycled weight (kg)"),
            _("Certificate code"),
        ]
    )
    for row in report.devices:
        device = row.device
        writer.writerow(
            [
                device.collection.tag,
                device.collection.received_on.isoformat(),
                device.asset_tag,
                device.category.name,
                f"{device.make} {device.model}".strip(),
                device.serial_number,
                row.fate_label,
                row.buyer_kind,
                _kg(row.recycled_kg) if row.recycled_kg is not None else "",
                row.certificate.code if row.certificate else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def donor_year_pdf(report: DonorYear, *, verify_url=None) -> bytes:
    """The yearly report: the donor, the counts by fate, the weights, the CO2e avoided, every
    collection and the certificates with their verification codes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    fonts.register()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    title = ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", parent=body, fontName=fonts.BOLD, fontSize=11, leading=15)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Yearly donor report"))

    def table(rows, widths):
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    donor = report.donor
    story = [
        paragraph(
            _("Donor report %(year)s · %(donor)s") % {"year": report.year, "donor": donor.name},
            title,
        ),
        paragraph(donor.address, body),
        paragraph(_("SIRET: %(siret)s") % {"siret": donor.siret or "—"}, body),
        Spacer(1, 4 * mm),
        paragraph(_("In short"), heading),
        paragraph(
            _(
                "%(count)s devices in %(collections)s collections (%(gross)s kg weighed on "
                "arrival); %(kept)s kg kept out of waste; %(co2)s kg CO2e avoided by reuse; "
                "%(recycled)s kg recycled."
            )
            % {
                "count": len(report.devices),
                "collections": len(report.collections),
                "gross": _kg(report.gross_kg),
                "kept": _kg(report.kept_kg),
                "co2": _kg(report.co2e_kg),
                "recycled": _kg(report.recycled_kg),
            },
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    rows = [[paragraph(_("Fate"), small), paragraph(_("Devices"), small)]]
    for fate, label in FATES.items():
        rows.append([paragraph(str(label), body), paragraph(str(report.counts[fate]), body)])
    story += [table(rows, [80 * mm, 30 * mm]), Spacer(1, 4 * mm)]
    story.append(paragraph(_("Collections"), heading))
    rows = [
        [
            paragraph(_("Collection"), small),
            paragraph(_("Received on"), small),
            paragraph(_("Devices"), small),
            paragraph(_("Weight (kg)"), small),
            paragraph(_("Erased or destroyed"), small),
        ]
    ]
    for row in report.collections:
        c = row["collection"]
        rows.append(
            [
                paragraph(c.tag, body),
                paragraph(c.received_on.strftime("%d/%m/%Y"), body),
                paragraph(str(row["count"]), body),
                paragraph(_kg(c.gross_weight_kg), body),
                paragraph(f"{row['done']} / {row['count']}", body),
            ]
        )
    story += [table(rows, [35 * mm, 30 * mm, 25 * mm, 30 * mm, 40 * mm]), Spacer(1, 4 * mm)]
    story.append(paragraph(_("Certificates of data sanitisation"), heading))
    if verify_url:
        story.append(
            paragraph(
                _("Check each code at %(url)s (no account needed).") % {"url": verify_url}, small
            )
        )
    rows = [
        [
            paragraph(_("Code"), small),
            paragraph(_("Covers"), small),
            paragraph(_("Issued on"), small),
        ]
    ]
    for certificate in report.certificates:
        subject = (
            certificate.device.asset_tag
            if certificate.device_id
            else _("collection %(tag)s") % {"tag": certificate.collection.tag}
        )
        rows.append(
            [
                paragraph(certificate.code, body),
                paragraph(subject, body),
                paragraph(certificate.issued_at.strftime("%d/%m/%Y"), body),
            ]
        )
    if len(rows) == 1:
        rows.append([paragraph(_("None issued yet."), body), "", ""])
    story.append(table(rows, [55 * mm, 60 * mm, 30 * mm]))
    doc.build(story)
    return buffer.getvalue()
