"""The waste register (inventory.waste): lines, tonnes, column order, escaping, access."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from inventory import services
from inventory.models import (
    Carrier,
    ReceivingFacility,
    RecyclingShipment,
    RecyclingShipmentLine,
    WasteCode,
)
from inventory.views.waste import PAGE_LINES
from inventory.waste import REGISTER_COLUMNS, waste_register, waste_register_csv
from tests import factories
from tests.shop.support import siren_valid, siret_valid
from workshop.exceptions import DomainError
from workshop.models import WorkerProfile
from workshop.roles import COACH, MANAGER

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 2, 10, 10, 0, tzinfo=PARIS)


@pytest.fixture
def carrier(db):
    carrier = Carrier(
        name="Transports Rhodaniens",
        siren=siren_valid("44455566"),
        address="4 rue du Port\n69007 Lyon",
        receipt_number="69-2024-0012",
    )
    carrier.full_clean()
    carrier.save()
    return carrier


@pytest.fixture
def facility(db):
    return ReceivingFacility.objects.create(
        name="Envie 2E Rhône", siret=siret_valid("51122233"), address="Vénissieux"
    )


def code(value: str) -> WasteCode:
    return WasteCode.objects.get(code=value)


def shipped(site, actor, *, parts, now=T0, **register):
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=now)
    for description, weight, waste_code in parts:
        line = services.shipment_add_parts(
            shipment=shipment, description=description, weight_kg=weight, now=now
        )
        if waste_code:
            line.waste_code = code(waste_code)
            line.save(update_fields=["waste_code"])
    if register:
        services.shipment_set_register(shipment=shipment, actor=actor, **register)
    return services.shipment_ship(shipment=shipment, actor=actor, now=now)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_weee_codes_are_seeded_as_data_with_their_hazard_flag():
    assert code("16 02 14").hazardous is False
    assert code("16 02 13*").hazardous is True
    assert code("20 01 35*").hazardous is True
    assert code("20 01 36").hazardous is False
    bad = WasteCode(code="16 02 99", label="x", hazardous=True)
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_a_carrier_siren_is_checked_with_its_check_digit(db):
    carrier = Carrier(name="X", siren="444555660", address="Lyon", receipt_number="1")
    with pytest.raises(ValidationError) as error:
        carrier.full_clean()
    assert "siren" in error.value.message_dict


def test_one_line_per_shipment_and_code_in_tonnes_with_the_hazard_flagged(
    site, manager, carrier, facility
):
    # Worked by hand: 120.4 kg of equipment (16 02 14) and a CRT screen of 30.6 kg (its own
    # code, 16 02 13*) in one shipment → two lines: 0.120 t and 0.031 t (half-even at the kg).
    shipped(
        site,
        manager,
        parts=[("boards", "100.4", None), ("cables", "20", None), ("CRT", "30.6", "16 02 13*")],
        waste_code=code("16 02 14"),
        carrier=carrier,
        facility=facility,
        treatment_code="r4",
        eco_organisation="Ecosystem",
        eco_organisation_siren=siren_valid("83303332"),
        tracking_slip="BSD-2026-0001",
    )
    lines = list(waste_register(site_ids=[site.pk]))
    assert [(line.waste_code.code, line.tonnes, line.hazardous) for line in lines] == [
        ("16 02 14", Decimal("0.120"), False),
        ("16 02 13*", Decimal("0.031"), True),
    ]
    table = rows(waste_register_csv(lines))
    assert table[0] == REGISTER_COLUMNS
    first = dict(zip(table[0], table[1], strict=True))
    assert first["Date d'expédition"] == "2026-02-10"
    assert first["Code du déchet"] == "16 02 14" and first["Déchet dangereux"] == "N"
    assert first["Quantité (tonnes)"] == "0.120"
    assert first["Transporteur : SIREN"] == carrier.siren
    assert first["Transporteur : n° de récépissé"] == "69-2024-0012"
    assert first["Installation de destination : SIRET"] == facility.siret
    assert first["SIREN de l'éco-organisme"] == siren_valid("83303332")
    assert first["Code du traitement"] == "R4"
    assert table[2][REGISTER_COLUMNS.index("Déchet dangereux")] == "O"
    assert first["Déchet POP"] == "N" and first["Code Bâle"] == ""
    assert first["Établissement expéditeur : raison sociale"] == site.name
    hazardous = list(waste_register(site_ids=[site.pk], hazardous_only=True))
    assert [line.waste_code.code for line in hazardous] == ["16 02 13*"]


def test_the_csv_keeps_the_order_of_article_2_of_the_arrete():
    # a) the date; b) name, code (with the hazard flag), POP, Basel code, slip, quantity;
    # c) the dispatching establishment; d) eco-organisation, broker or trader, carrier;
    # e) the destination, its treatment code and the final treatment; then Atelier's own.
    assert REGISTER_COLUMNS[:9] == [
        "Date d'expédition",
        "Dénomination usuelle du déchet",
        "Code du déchet",
        "Déchet dangereux",
        "Déchet POP",
        "Code Bâle",
        "N° de bordereau de suivi",
        "N° de notification ou de document de mouvement",
        "Quantité (tonnes)",
    ]
    sections = [
        "Quantité (tonnes)",
        "Établissement expéditeur : SIRET",
        "SIREN de l'éco-organisme",
        "Courtier ou négociant : raison sociale",
        "Transporteur : raison sociale",
        "Installation de destination : raison sociale",
        "Code du traitement",
        "Qualification du traitement final",
        "Site expéditeur",
    ]
    positions = [REGISTER_COLUMNS.index(name) for name in sections]
    assert positions == sorted(positions)
    assert REGISTER_COLUMNS[-2:] == ["Site expéditeur", "Expédition n°"]


def test_hostile_names_never_run_as_formulas(site, manager, facility):
    carrier = Carrier.objects.create(
        name='=HYPERLINK("http://evil","x")',
        siren=siren_valid("44455566"),
        address="@SUM(A1)",
        receipt_number="+33",
    )
    shipped(
        site,
        manager,
        parts=[("-cables", "5", None)],
        waste_code=code("16 02 14"),
        carrier=carrier,
        facility=facility,
        tracking_slip="=1+1",
    )
    table = rows(waste_register_csv(waste_register(site_ids=[site.pk])))
    line = dict(zip(table[0], table[1], strict=True))
    assert line["Transporteur : raison sociale"] == '\'=HYPERLINK("http://evil","x")'
    assert line["Transporteur : adresse"] == "'@SUM(A1)"
    assert line["N° de bordereau de suivi"] == "'=1+1"


def test_the_period_and_the_site_bound_the_register(site, manager):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    shipped(site, manager, parts=[("a", "10", None)], now=T0)
    shipped(site, manager, parts=[("b", "10", None)], now=T0.replace(month=5))
    shipped(other, manager, parts=[("c", "10", None)], now=T0)
    lines = list(
        waste_register(site_ids=[site.pk], date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    )
    assert len(lines) == 1 and lines[0].site_code == "LY"
    assert lines[0].missing == ["waste_code", "carrier", "facility"]


def test_hazardous_waste_does_not_leave_without_its_tracking_slip(site, manager):
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    services.shipment_add_parts(shipment=shipment, description="CRT", weight_kg="30", now=T0)
    services.shipment_set_register(shipment=shipment, actor=manager, waste_code=code("20 01 35*"))
    with pytest.raises(DomainError) as error:
        services.shipment_ship(shipment=shipment, actor=manager, now=T0)
    assert error.value.code == "tracking_slip_required"
    assert RecyclingShipment.objects.get(pk=shipment.pk).status == "open"


def test_an_invalid_eco_organisation_siren_is_refused_and_nothing_is_written(site, manager):
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(
            shipment=shipment,
            actor=manager,
            waste_code=code("16 02 14"),
            eco_organisation="Ecosystem",
            eco_organisation_siren="123456789",
        )
    assert "eco_organisation_siren" in error.value.fields
    assert RecyclingShipment.objects.get(pk=shipment.pk).waste_code_id is None


def test_a_manager_of_another_site_cannot_write_the_register(site, make_user):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    stranger = make_user(MANAGER, username="se-manager")
    WorkerProfile.objects.update_or_create(user=stranger, defaults={"site": other})
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(
            shipment=shipment, actor=stranger, waste_code=code("16 02 14")
        )
    assert error.value.status == 403


# --- screens ------------------------------------------------------------------------------


@pytest.fixture
def lyon_manager(site, make_user):
    user = make_user(MANAGER, username="ly-manager")
    WorkerProfile.objects.update_or_create(user=user, defaults={"site": site})
    return user


def test_the_register_screen_is_for_managers_of_their_own_site(
    client, site, lyon_manager, make_user
):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    shipped(site, lyon_manager, parts=[("a", "10", None)], now=T0)
    client.force_login(lyon_manager)
    page = client.get("/waste-register/?date_from=2026-01-01&date_to=2026-03-31")
    assert page.status_code == 200
    assert "data-register" in page.content.decode()
    period = "date_from=2026-01-01&date_to=2026-03-31"
    refused = client.get(f"/waste-register.csv?site={other.pk}&{period}")
    assert refused.status_code == 400
    download = client.get(f"/waste-register.csv?site={site.pk}&{period}")
    assert download.status_code == 200
    table = rows(download.content.decode())
    assert table[0] == REGISTER_COLUMNS and len(table) == 2
    coach = make_user(COACH, username="coach-x")
    client.force_login(coach)
    assert client.get("/waste-register/").status_code == 403
    assert client.get("/waste-register.csv").status_code == 403


def test_the_shipment_list_links_to_the_register_for_managers(client, lyon_manager):
    client.force_login(lyon_manager)
    page = client.get("/shipments/").content.decode()
    assert "data-waste-register-link" in page
    assert 'href="/waste-register/"' in page


def _bulk_shipped(site, count: int) -> None:
    shipments = RecyclingShipment.objects.bulk_create(
        RecyclingShipment(
            site=site, status=RecyclingShipment.Status.SHIPPED, recycler="Envie 2E",
            shipped_on=date(2026, 1, 5 + index % 20), waste_code=code("16 02 14"),
        )
        for index in range(count)
    )  # fmt: skip
    RecyclingShipmentLine.objects.bulk_create(
        RecyclingShipmentLine(shipment=shipment, description="unités", weight_kg=Decimal("12.5"))
        for shipment in shipments
    )


@pytest.mark.parametrize("count", [3, PAGE_LINES * 2 + 50])
def test_the_register_screen_is_paged_with_a_constant_number_of_queries(
    client, site, lyon_manager, count, django_assert_num_queries
):
    _bulk_shipped(site, count)
    client.force_login(lyon_manager)
    url = f"/waste-register/?site={site.pk}&date_from=2026-01-01&date_to=2026-03-31"
    client.get(url)  # the session
    with django_assert_num_queries(10):  # the same for 3 lines or 450
        page = client.get(url + "&page=3")
    text = page.content.decode()
    shown = text.count("<tr") - 1  # minus the header row
    assert shown == (50 if count > 3 else 3)
    assert ("Page 3 sur 3" in text) == (count > 3)
    assert "page=2" in text if count > 3 else "data-register-pages" not in text


# --- the columns of article 2 the register lacked (POP, Basel, notification, dispatcher,
# broker, final treatment) ------------------------------------------------------------------


def test_every_article_2_mention_reaches_its_column(site, manager, carrier, facility):
    broker = siret_valid("52233344")
    dispatcher = siret_valid("41122233")
    shipped(
        site,
        manager,
        parts=[("casings", "48.25", None)],
        waste_code=code("16 02 14"),
        carrier=carrier,
        facility=facility,
        treatment_code="r3",
        treatment_mode="recycling",
        contains_pop=True,
        basel_code="a1180",
        transfer_notification="BE 0042 0001",
        dispatcher_siret=f"{dispatcher[:3]} {dispatcher[3:6]} {dispatcher[6:9]} {dispatcher[9:]}",
        broker_name="Courtage Rhône",
        broker_siret=broker,
        broker_receipt="69-N-0007",
    )
    table = rows(waste_register_csv(waste_register(site_ids=[site.pk])))
    line = dict(zip(table[0], table[1], strict=True))
    assert line["Quantité (tonnes)"] == "0.048"
    assert line["Déchet POP"] == "O"
    assert line["Code Bâle"] == "A1180"
    assert line["N° de notification ou de document de mouvement"] == "BE 0042 0001"
    assert line["Établissement expéditeur : SIRET"] == dispatcher
    assert line["Établissement expéditeur : raison sociale"] == site.name
    assert line["Courtier ou négociant : raison sociale"] == "Courtage Rhône"
    assert line["Courtier ou négociant : SIRET"] == broker
    assert line["Courtier ou négociant : n° de récépissé"] == "69-N-0007"
    assert line["Code du traitement"] == "R3"
    assert line["Qualification du traitement final"] == "Recyclage"


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("treatment_code", "R99", "treatment_code"),
        ("basel_code", "Y49", "basel_code"),
        ("dispatcher_siret", "12345678901234", "dispatcher_siret"),
        ("broker_siret", "12345678901234", "broker_siret"),
    ],
)
def test_codes_and_sirets_outside_their_lists_are_refused(site, manager, field, value, error_field):
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    extra = {"broker_name": "Courtage"} if field == "broker_siret" else {}
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(
            shipment=shipment, actor=manager, waste_code=code("16 02 14"), **{field: value}, **extra
        )
    assert error_field in error.value.fields
    assert RecyclingShipment.objects.get(pk=shipment.pk).waste_code_id is None


def test_the_final_treatment_must_fit_its_code(site, manager):
    shipment = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(
            shipment=shipment, actor=manager, treatment_code="D10", treatment_mode="recycling"
        )
    assert "treatment_mode" in error.value.fields
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(shipment=shipment, actor=manager, treatment_mode="disposal")
    assert "treatment_code" in error.value.fields
    with pytest.raises(DomainError) as error:
        services.shipment_set_register(shipment=shipment, actor=manager, broker_receipt="69-N-1")
    assert "broker_name" in error.value.fields
    saved = services.shipment_set_register(
        shipment=shipment, actor=manager, treatment_code="R1", treatment_mode="energy_recovery"
    )
    assert (saved.treatment_code, saved.treatment_mode) == ("R1", "energy_recovery")


def test_hostile_strings_in_the_new_columns_stay_text(site, manager):
    markup = "<b>Courtage</b> & <font color=red>x</font>"
    shipped(
        site,
        manager,
        parts=[("a", "5", None)],
        transfer_notification="=cmd|' /C calc'!A0",
        broker_name=markup,
        broker_receipt="@SUM(A1)",
    )
    table = rows(waste_register_csv(waste_register(site_ids=[site.pk])))
    line = dict(zip(table[0], table[1], strict=True))
    assert line["N° de notification ou de document de mouvement"] == "'=cmd|' /C calc'!A0"
    assert line["Courtier ou négociant : raison sociale"] == markup
    assert line["Courtier ou négociant : n° de récépissé"] == "'@SUM(A1)"


def test_the_shipment_form_saves_the_new_fields_and_offers_the_last_siret(
    client, site, lyon_manager
):
    dispatcher = siret_valid("41122233")
    first = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    client.force_login(lyon_manager)
    form = {
        "action": "register",
        "treatment_code": "r4",
        "treatment_mode": "recycling",
        "contains_pop": "on",
        "basel_code": "b1110",
        "dispatcher_siret": dispatcher,
        "broker_name": "",
    }
    for _ in range(2):  # the same submit twice writes the same thing
        response = client.post(f"/shipments/{first.pk}/", form)
        assert response.status_code == 302
    saved = RecyclingShipment.objects.get(pk=first.pk)
    assert (saved.treatment_code, saved.treatment_mode, saved.contains_pop) == (
        "R4",
        "recycling",
        True,
    )
    assert (saved.basel_code, saved.dispatcher_siret) == ("B1110", dispatcher)
    refused = client.post(f"/shipments/{first.pk}/", {**form, "basel_code": "Z12"}, follow=True)
    assert "A1180" in refused.content.decode()  # the error says what a Basel code looks like
    assert RecyclingShipment.objects.get(pk=first.pk).basel_code == "B1110"
    second = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    page = client.get(f"/shipments/{second.pk}/").content.decode()
    assert f'value="{dispatcher}"' in page


def test_the_shipment_page_with_its_register_form_runs_the_same_queries(
    client, site, lyon_manager, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dispatcher = siret_valid("41122233")
    first = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    client.force_login(lyon_manager)
    client.get(f"/shipments/{first.pk}/")  # sessions, caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/shipments/{first.pk}/").status_code == 200
    # Ten queries, the site's last dispatching SIRET among them (one query, however many
    # shipments the site has).
    assert len(few.captured_queries) == 10
    for index in range(5):
        other = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
        services.shipment_add_parts(shipment=other, description=f"lot {index}", weight_kg="3")
        services.shipment_set_register(
            shipment=other, actor=lyon_manager, dispatcher_siret=dispatcher
        )
    last = services.shipment_open(site=site, recycler="Envie 2E", now=T0)
    with django_assert_num_queries(10):
        page = client.get(f"/shipments/{last.pk}/").content.decode()
    assert f'value="{dispatcher}"' in page


def test_pop_waste_goes_with_hazardous_waste_to_the_national_register(site, manager):
    # A non-hazardous code (16 02 14) whose lot holds POP plastics is declared too.
    shipped(site, manager, parts=[("casings", "12", None)], waste_code=code("16 02 14"))
    shipped(
        site,
        manager,
        parts=[("plastics", "8", None)],
        waste_code=code("16 02 14"),
        contains_pop=True,
    )
    national = list(waste_register(site_ids=[site.pk], hazardous_only=True))
    assert [(line.tonnes, line.contains_pop, line.hazardous) for line in national] == [
        (Decimal("0.008"), True, False)
    ]
