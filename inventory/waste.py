"""The waste register: the chronological register of outgoing waste (arrêté du 31 mai 2021).

One register line per shipped recycling shipment and waste code: the lines of a shipment
that name no code of their own take the shipment's. Weights are summed in the database and
written in tonnes (three places: to the kilogram). The CSV keeps the register's column order
(article 2 of the arrêté, outgoing waste, with the hazardous flag beside the code), is written by
``workshop.csvsafe`` (no cell runs as a formula) and flags hazardous waste (``O``), which is
also declared to the national register (RNDTS, Trackdéchets). ``hazardous_only`` exports just
those lines and the lines of POP waste, declared there too.

Writes of the register's fields are ``shipment_set_register`` (``inventory.services``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from inventory.models import (
    Carrier,
    ReceivingFacility,
    RecyclingShipment,
    RecyclingShipmentLine,
    WasteCode,
)
from inventory.models.waste import TreatmentMode
from workshop.csvsafe import csv_writer

KG_PER_TONNE = Decimal(1000)
TONNE_PLACES = Decimal("0.001")

# The register's columns, in the order of article 2 of the arrêté du 31 mai 2021 (the register
# of outgoing waste: a) the date of dispatch; b) name, nature and quantity; c) the origin;
# d) management and transport; e) the destination), then two columns of Atelier's own (the
# site and the shipment, to find the paper trail). "Déchet dangereux" stands beside the code:
# the flag for the national register. French: the register is a French legal record read by
# the inspection. docs/compliance.md says which parts of that order were read in the text.
REGISTER_COLUMNS = [
    # a) date
    "Date d'expédition",
    # b) dénomination, nature et quantité
    "Dénomination usuelle du déchet",
    "Code du déchet",
    "Déchet dangereux",
    "Déchet POP",
    "Code Bâle",
    "N° de bordereau de suivi",
    "N° de notification ou de document de mouvement",
    "Quantité (tonnes)",
    # c) origine
    "Établissement expéditeur : raison sociale",
    "Établissement expéditeur : SIRET",
    "Établissement expéditeur : adresse",
    # d) gestion et transport
    "Éco-organisme",
    "SIREN de l'éco-organisme",
    "Courtier ou négociant : raison sociale",
    "Courtier ou négociant : SIRET",
    "Courtier ou négociant : n° de récépissé",
    "Transporteur : raison sociale",
    "Transporteur : SIREN",
    "Transporteur : adresse",
    "Transporteur : n° de récépissé",
    # e) destination
    "Installation de destination : raison sociale",
    "Installation de destination : SIRET",
    "Installation de destination : adresse",
    "Code du traitement",
    "Qualification du traitement final",
    # Atelier's own
    "Site expéditeur",
    "Expédition n°",
]

# The qualification of the final treatment, in the register's words.
TREATMENT_MODE_WORDS = {
    TreatmentMode.REUSE: "Réutilisation",
    TreatmentMode.RECYCLING: "Recyclage",
    TreatmentMode.OTHER_RECOVERY: "Autres valorisations",
    TreatmentMode.ENERGY_RECOVERY: "Valorisation énergétique",
    TreatmentMode.DISPOSAL: "Élimination",
}


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


@dataclass(frozen=True)
class RegisterLine:
    shipped_on: date
    shipment_id: int
    site_code: str
    waste_code: WasteCode | None
    tonnes: Decimal
    tracking_slip: str
    eco_organisation: str
    eco_organisation_siren: str
    facility: ReceivingFacility | None
    treatment_code: str
    carrier: Carrier | None
    treatment_mode: str = ""
    contains_pop: bool = False
    basel_code: str = ""
    transfer_notification: str = ""
    dispatcher_name: str = ""
    dispatcher_siret: str = ""
    dispatcher_address: str = ""
    broker_name: str = ""
    broker_siret: str = ""
    broker_receipt: str = ""

    @property
    def hazardous(self) -> bool:
        return bool(self.waste_code and self.waste_code.hazardous)

    @property
    def missing(self) -> list[str]:
        """What the register needs and the shipment does not say yet."""
        missing = []
        if self.waste_code is None:
            missing.append("waste_code")
        if self.carrier is None:
            missing.append("carrier")
        if self.facility is None:
            missing.append("facility")
        if self.hazardous and not self.tracking_slip:
            missing.append("tracking_slip")
        return missing

    def row(self) -> list:
        code, facility, carrier = self.waste_code, self.facility, self.carrier
        return [
            self.shipped_on.isoformat(),
            code.label if code else "",
            code.code if code else "",
            "O" if self.hazardous else "N",
            "O" if self.contains_pop else "N",
            self.basel_code,
            self.tracking_slip,
            self.transfer_notification,
            self.tonnes,
            self.dispatcher_name,
            self.dispatcher_siret,
            _one_line(self.dispatcher_address),
            self.eco_organisation,
            self.eco_organisation_siren,
            self.broker_name,
            self.broker_siret,
            self.broker_receipt,
            carrier.name if carrier else "",
            carrier.siren if carrier else "",
            _one_line(carrier.address) if carrier else "",
            carrier.receipt_number if carrier else "",
            facility.name if facility else "",
            facility.siret if facility else "",
            _one_line(facility.address) if facility else "",
            self.treatment_code,
            TREATMENT_MODE_WORDS.get(self.treatment_mode, ""),
            self.site_code,
            self.shipment_id,
        ]


def waste_register(
    *,
    site_ids: list[int] | None,
    date_from: date | None = None,
    date_to: date | None = None,
    hazardous_only: bool = False,
) -> Iterator[RegisterLine]:
    """Yield the register's lines of shipped shipments, in date order (``site_ids`` None: all).

    Three queries whatever the period: the summed weights per shipment and code, then the
    shipments, codes, carriers and facilities they name.
    """
    lines = RecyclingShipmentLine.objects.filter(shipment__status=RecyclingShipment.Status.SHIPPED)
    if site_ids is not None:
        lines = lines.filter(shipment__site_id__in=site_ids)
    if date_from:
        lines = lines.filter(shipment__shipped_on__gte=date_from)
    if date_to:
        lines = lines.filter(shipment__shipped_on__lte=date_to)
    sums = list(
        lines.annotate(code_id=Coalesce(F("waste_code_id"), F("shipment__waste_code_id")))
        .values("shipment_id", "code_id")
        .annotate(kg=Sum("weight_kg"))
        .order_by()
    )
    codes = WasteCode.objects.in_bulk({row["code_id"] for row in sums if row["code_id"]})
    shipments = (
        RecyclingShipment.objects.filter(pk__in={row["shipment_id"] for row in sums})
        .select_related("site", "carrier", "facility")
        .in_bulk()
    )
    if hazardous_only:
        # The lines the national register (RNDTS) takes: hazardous waste and POP waste.
        sums = [
            row
            for row in sums
            if (row["code_id"] in codes and codes[row["code_id"]].hazardous)
            or shipments[row["shipment_id"]].contains_pop
        ]
    sums.sort(
        key=lambda row: (
            shipments[row["shipment_id"]].shipped_on,
            row["shipment_id"],
            codes[row["code_id"]].order if row["code_id"] in codes else -1,
        )
    )
    for row in sums:
        shipment = shipments[row["shipment_id"]]
        yield RegisterLine(
            shipped_on=shipment.shipped_on,
            shipment_id=shipment.pk,
            site_code=shipment.site.code,
            waste_code=codes.get(row["code_id"]),
            tonnes=(Decimal(row["kg"] or 0) / KG_PER_TONNE).quantize(TONNE_PLACES),
            tracking_slip=shipment.tracking_slip,
            eco_organisation=shipment.eco_organisation,
            eco_organisation_siren=shipment.eco_organisation_siren,
            facility=shipment.facility,
            treatment_code=shipment.treatment_code,
            carrier=shipment.carrier,
            treatment_mode=shipment.treatment_mode,
            contains_pop=shipment.contains_pop,
            basel_code=shipment.basel_code,
            transfer_notification=shipment.transfer_notification,
            dispatcher_name=shipment.site.name,
            dispatcher_siret=shipment.dispatcher_siret,
            dispatcher_address=shipment.site.address,
            broker_name=shipment.broker_name,
            broker_siret=shipment.broker_siret,
            broker_receipt=shipment.broker_receipt,
        )


def waste_register_csv(lines) -> str:
    """The register as CSV, in the register's column order, with its header row."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(REGISTER_COLUMNS)
    for line in lines:
        writer.writerow(line.row())
    return out.getvalue()
