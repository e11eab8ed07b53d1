"""The access matrix on every endpoint of issue 26, walked as a table over two sites.

Every principal of Lyon (and a network manager, who works at every site) calls every row on
Lyon's world and on Saint-Étienne's. A role the matrix row does not name gets 403; at its own
site an allowed principal succeeds; at the other site a write is refused (403 ``other_site``)
and a row addressed by id is missing (404, as if it did not exist), unless the row is the
network's (the price grid) or the principal works at every site. Each call runs in a savepoint
rolled back afterwards, so every row meets the same world.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from refurb.certificates.services import certificate_issue
from refurb.states import State
from shop import services as shop_services
from shop.models import Buyer
from tests import factories
from tests.shop.support import make_grid
from workshop import roles
from workshop.access import MATRIX
from workshop.models import WorkstationKind as WK
from workshop.roles import user_roles
from workshop.services import workstation_token_create

pytestmark = pytest.mark.django_db

BENCH, COACH, SHOP, MANAGER, NETWORK, WS_ERASE, WS_SHOP = (
    "bench_worker",
    "coach",
    "shop",
    "manager",
    "network_manager",
    "ws_erasure",
    "ws_shop",
)
PRINCIPALS = [BENCH, COACH, SHOP, MANAGER, NETWORK, WS_ERASE, WS_SHOP]
ROLES_OF = {
    BENCH: {roles.BENCH_WORKER},
    COACH: {roles.COACH},
    SHOP: {roles.SHOP},
    MANAGER: {roles.MANAGER},
    NETWORK: {roles.MANAGER},
    WS_ERASE: {roles.BENCH_WORKER},
    WS_SHOP: {roles.SHOP},
}
REFUSED, HIDDEN, NETWORK_WIDE = "refused", "hidden", "network_wide"

# name: (matrix row, method, path, body, status at the own site, at the other site)
ROWS = {
    "read a buyer": (("buyer", "read"), "get", "/api/buyers/{buyer}/", None, 200, HIDDEN),
    "a buyer's eligibility": (
        ("buyer", "read"),
        "get",
        "/api/buyers/{buyer}/eligibility/",
        None,
        200,
        HIDDEN,
    ),
    "record a buyer": (
        ("buyer", "create"),
        "post",
        "/api/buyers/",
        {"kind": "public", "name": "M. Dupont", "site": "{site}"},
        201,
        REFUSED,
    ),
    "recheck a buyer": (
        ("buyer", "recheck"),
        "post",
        "/api/buyers/{buyer}/recheck/",
        {},
        200,
        HIDDEN,
    ),
    "read the price grid": (
        ("price_grid", "read"),
        "get",
        "/api/price-grid/",
        None,
        200,
        NETWORK_WIDE,
    ),
    "add a row to the price grid": (
        ("price_grid", "write"),
        "post",
        "/api/price-grid/",
        {"category": "screen", "grade": "A", "solidarity_price": "10", "standard_price": "20"},
        201,
        NETWORK_WIDE,
    ),
    "read a kit": (("kit", "read"), "get", "/api/kits/{kit}/", None, 200, HIDDEN),
    "assemble a kit": (
        ("kit", "assemble"),
        "post",
        "/api/kits/",
        {"name": "Poste complet", "devices": ["{on_sale}", "{on_sale_2}"], "site": "{site}"},
        201,
        REFUSED,
    ),
    "dismantle a kit": (
        ("kit", "dismantle"),
        "post",
        "/api/kits/{kit}/dismantle/",
        {},
        200,
        HIDDEN,
    ),
    "reserve a device": (
        ("device", "reserve"),
        "post",
        "/api/reservations/",
        {"device": "{on_sale}", "buyer": "{buyer}"},
        201,
        REFUSED,
    ),
    "read a reservation": (
        ("reservation", "read"),
        "get",
        "/api/reservations/{reservation}/",
        None,
        200,
        HIDDEN,
    ),
    "release a reservation": (
        ("reservation", "release"),
        "post",
        "/api/reservations/{reservation}/release/",
        {},
        200,
        HIDDEN,
    ),
    "complete a sale": (
        ("sale", "complete"),
        "post",
        "/api/sales/",
        {"buyer": "{buyer}", "items": ["{on_sale}"], "payment_method": "cash", "site": "{site}"},
        201,
        REFUSED,
    ),
    "read a sale": (("sale", "read"), "get", "/api/sales/{sale}/", None, 200, HIDDEN),
    "download an invoice": (
        ("sale", "read"),
        "get",
        "/api/sales/{sale}/invoice/",
        None,
        200,
        HIDDEN,
    ),
    "take a device back": (
        ("sale", "return"),
        "post",
        "/api/sales/{sale}/returns/",
        {"devices": ["{sold}"], "reason": "Ne démarre plus"},
        201,
        HIDDEN,
    ),
    "open a stocktake": (
        ("stocktake", "open"),
        "post",
        "/api/stocktakes/",
        {"site": "{site}"},
        201,
        REFUSED,
    ),
    "read a stocktake": (
        ("stocktake", "read"),
        "get",
        "/api/stocktakes/{stocktake}/",
        None,
        200,
        HIDDEN,
    ),
    "scan during a stocktake": (
        ("stocktake", "scan"),
        "post",
        "/api/stocktakes/{stocktake}/scans/",
        {"code": "{on_sale}", "location": "{shelf}"},
        201,
        HIDDEN,
    ),
    "reconcile a stocktake": (
        ("stocktake", "reconcile"),
        "post",
        "/api/stocktakes/{stocktake}/reconcile/",
        {},
        200,
        HIDDEN,
    ),
    "resolve stocktake lines": (
        ("stocktake", "resolve"),
        "post",
        "/api/stocktakes/{reconciled}/resolve/",
        {"kind": "missing", "resolution": "ignore"},
        200,
        HIDDEN,
    ),
    "close a stocktake": (
        ("stocktake", "close"),
        "post",
        "/api/stocktakes/{empty_stocktake}/close/",
        {},
        200,
        HIDDEN,
    ),
    "open a recycling shipment": (
        ("shipment", "write"),
        "post",
        "/api/recycling-shipments/",
        {"site": "{site}", "recycler": "Envie Rhône"},
        201,
        REFUSED,
    ),
    "read a recycling shipment": (
        ("shipment", "read"),
        "get",
        "/api/recycling-shipments/{shipment}/",
        None,
        200,
        HIDDEN,
    ),
    "add parts to a shipment": (
        ("shipment", "write"),
        "post",
        "/api/recycling-shipments/{shipment}/parts/",
        {"description": "Câbles", "weight_kg": "2.5"},
        200,
        HIDDEN,
    ),
    "read a report": (
        ("report", "read"),
        "get",
        "/api/reports/stock_by_state/?site={site}",
        None,
        200,
        REFUSED,
    ),
    "read the workers report": (
        ("report", "read_workers"),
        "get",
        "/api/reports/workers/?site={site}",
        None,
        200,
        REFUSED,
    ),
    "issue a certificate": (
        ("certificate", "issue"),
        "post",
        "/api/certificates/",
        {"device": "{on_sale}"},
        201,
        REFUSED,
    ),
    "download a certificate": (
        ("certificate", "download"),
        "get",
        "/api/certificates/{certificate}/pdf/",
        None,
        200,
        REFUSED,
    ),
    "a donor's outcomes": (
        ("donor_outcomes", "read"),
        "get",
        "/api/donors/{donor}/outcomes/",
        None,
        200,
        NETWORK_WIDE,
    ),
}


@pytest.fixture
def sites(db):
    lyon = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    for site in (lyon, other):
        factories.site_legal(site)
    make_grid()
    return lyon, other


def world_at(site, make_user) -> dict:
    """One row of each kind the table needs, at ``site``, made by that site's own crew."""
    code = site.code.lower()
    crew = Crew(
        bench=make_user(roles.BENCH_WORKER, username=f"{code}-bench", site=site),
        coach=make_user(roles.COACH, username=f"{code}-coach", site=site),
        shop=make_user(roles.SHOP, username=f"{code}-shop", site=site),
        manager=make_user(roles.MANAGER, username=f"{code}-manager", site=site),
        stations={
            kind: factories.WorkstationFactory(site=site, kind=kind, name=f"{site.code} {kind}")
            for kind in WK.values
        },
    )
    donor = factories.DonorFactory(name=f"Mairie {site.code}", kind="company")
    collection = inventory_services.collection_create(donor=donor, site=site)

    def walked(state=State.ON_SALE):
        device = factories.make_device(site=site, category_code="screen", actor=crew.bench)
        device.collection = collection
        device.save(update_fields=["collection"])
        device_advance(device, state, crew)
        device.refresh_from_db()
        return device

    on_sale, on_sale_2, in_kit, reserved, sold = (walked() for _ in range(5))
    counter = crew.stations[WK.SHOP]
    buyer = shop_services.buyer_create(
        kind=Buyer.Kind.PUBLIC, name=f"Comptoir {site.code}", actor=crew.shop, site=site
    )
    kit = shop_services.kit_assemble(
        site=site, devices=[in_kit, walked()], name="Lot", actor=crew.shop
    )
    reservation = shop_services.reservation_create(
        device=reserved, buyer=buyer, actor=crew.shop, workstation=counter
    )
    sale = shop_services.sale_complete(
        site=site,
        buyer=buyer,
        items=[sold],
        payment_method="cash",
        actor=crew.shop,
        workstation=counter,
    )
    shelf = inventory_services.location_create(site=site, name=f"Étagère {site.code}")
    empty = inventory_services.location_create(site=site, name=f"Bac vide {site.code}")
    stocktake = inventory_services.stocktake_open(site=site, actor=crew.manager)
    reconciled = inventory_services.stocktake_open(site=site, actor=crew.manager)
    inventory_services.stocktake_reconcile(stocktake=reconciled)
    empty_stocktake = inventory_services.stocktake_open(
        site=site, actor=crew.manager, locations=[empty]
    )
    shipment = inventory_services.shipment_open(site=site, recycler="Envie", actor=crew.manager)
    certificate = certificate_issue(device=on_sale_2, actor=crew.manager)
    return {
        "site": site.code,
        "buyer": buyer.pk,
        "kit": kit.tag,
        "on_sale": on_sale.asset_tag,
        "on_sale_2": on_sale_2.asset_tag,
        "reservation": reservation.pk,
        "sale": sale.pk,
        "sold": sold.asset_tag,
        "shelf": shelf.tag,
        "stocktake": stocktake.pk,
        "reconciled": reconciled.pk,
        "empty_stocktake": empty_stocktake.pk,
        "shipment": shipment.pk,
        "certificate": certificate.code,
        "donor": donor.pk,
    }


@pytest.fixture
def worlds(sites, make_user):
    lyon, other = sites
    return {"own": world_at(lyon, make_user), "other": world_at(other, make_user)}


def set_bench(client, site) -> None:
    """Set a person's browser to ``site``'s shop counter, as the bench screens do."""
    from workshop.models import Workstation

    counter = Workstation.objects.filter(site=site, kind=WK.SHOP).first()
    client.post(reverse("bench:workstation"), {"workstation": counter.pk}, format="multipart")


def client_for(principal: str, *, lyon, make_user) -> APIClient:
    """A Lyon principal's client; a person's browser is set to Lyon's shop counter."""
    client = APIClient()
    if principal in (WS_ERASE, WS_SHOP):
        kind = WK.ERASURE if principal == WS_ERASE else WK.SHOP
        station = factories.WorkstationFactory(site=lyon, kind=kind, name=f"Jeton {kind}")
        _token, key = workstation_token_create(workstation=station)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client
    if principal == NETWORK:
        user = make_user(roles.MANAGER, username="network")
    else:
        user = make_user(principal, username=f"ly-{principal}", site=lyon)
    client.force_login(user)
    set_bench(client, lyon)
    return client


def _fill(value, world: dict):
    if isinstance(value, str):
        filled = value.format(**world)
        return int(filled) if value in ("{buyer}",) else filled
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    return value


def expected(row: str, principal: str, where: str) -> int:
    key, _method, _path, _body, ok, elsewhere = ROWS[row]
    if not ROLES_OF[principal] & MATRIX[key]:
        return 403
    if where == "own" or principal == NETWORK or elsewhere == NETWORK_WIDE:
        return ok
    return 404 if elsewhere == HIDDEN else 403


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_reaches_every_new_endpoint_at_its_own_site_only(
    principal, worlds, sites, make_user
):
    lyon, other = sites
    client = client_for(principal, lyon=lyon, make_user=make_user)
    wrong = []
    for where in ("own", "other"):
        if principal == NETWORK:  # the network manager works at the counter of that site
            set_bench(client, lyon if where == "own" else other)
        for row, (key, method, path, body, _ok, _elsewhere) in ROWS.items():
            assert key in MATRIX, row
            world = worlds[where]
            with transaction.atomic():
                response = getattr(client, method)(
                    _fill(path, world), _fill(body, world), format="json"
                )
                transaction.set_rollback(True)
            want = expected(row, principal, where)
            if response.status_code != want:
                wrong.append(
                    f"{row} at {where}: {response.status_code} ≠ {want} {response.content[:300]!r}"
                )
            elif response.status_code >= 400:
                assert set(response.json()) == {"code", "message", "fields"}
                if where == "other" and want == 403 and ROLES_OF[principal] & MATRIX[key]:
                    assert response.json()["code"] == "other_site", row
    assert not wrong, "\n".join(wrong)


def test_every_new_row_of_the_matrix_is_walked():
    walked = {key for key, *_rest in ROWS.values()}
    new = {
        key
        for key in MATRIX
        if key[0]
        in {
            "buyer",
            "price_grid",
            "kit",
            "reservation",
            "sale",
            "stocktake",
            "shipment",
            "report",
            "donor_outcomes",
        }
        or key in {("certificate", "issue"), ("certificate", "download"), ("device", "reserve")}
    }
    assert new <= walked, new - walked


def test_anyone_verifies_a_certificate_without_signing_in(worlds, sites):
    answer = APIClient().get(f"/api/verify/{worlds['own']['certificate']}/")
    assert answer.status_code == 200 and answer.json()["status"] == "valid"
    unknown = APIClient().get("/api/verify/NOPE0000NOPE0000/")
    assert unknown.status_code == 404 and unknown.json()["status"] == "unknown"


def test_a_donors_outcomes_at_another_site_list_none_of_its_devices(worlds, sites, make_user):
    lyon, _other = sites
    client = APIClient()
    client.force_login(make_user(roles.MANAGER, username="ly-boss", site=lyon))
    own = client.get(f"/api/donors/{worlds['own']['donor']}/outcomes/").json()
    theirs = client.get(f"/api/donors/{worlds['other']['donor']}/outcomes/").json()
    assert own["counts"]["total"] == len(own["devices"]) > 0
    assert theirs["devices"] == [] and theirs["collections"] == []
    assert user_roles  # the module's helpers stay imported for readers of the table
