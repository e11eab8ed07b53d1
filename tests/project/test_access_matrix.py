"""The site boundary, walked as a table over two sites: every principal of Lyon tries every
write of the matrix (``workshop/access.py``) on a Lyon device and on a Saint-Étienne one.

Regression test for issue 16, hole 2: a Lyon erasure token added drives and recorded erasures
on a Saint-Étienne device and moved it; a Lyon shop token reserved one; a worker registered a
device at the other site; the picker listed both sites' benches; scanning another site's tag at
a bench opened its forms without a word.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from refurb import services as refurb_services
from shop.models import Buyer
from tests import factories
from workshop import roles
from workshop.access import MATRIX
from workshop.models import WorkstationKind as WK
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
# Who may act at every site: a manager with no site.
EVERY_SITE = {NETWORK}

# (resource, action) of the matrix, method, path, body, the Lyon principals the role check lets
# through (at their own site these succeed; at the other site all but EVERY_SITE get
# other_site).
ROWS = {
    "add a drive": (
        ("drive", "add"),
        "post",
        "/api/drives/",
        {"device": "{laptop}", "kind": "ssd"},
        {BENCH, COACH, MANAGER, NETWORK, WS_ERASE},
    ),
    "record an erasure": (
        ("erasure", "record"),
        "post",
        "/api/erasures/",
        {
            "drive": "{drive}",
            "method": "clear",
            "tool": "nwipe",
            "result": "success",
            "verified": True,
        },
        {BENCH, COACH, MANAGER, NETWORK, WS_ERASE},
    ),
    "wipe a screen": (
        ("device", "move"),
        "post",
        "/api/devices/{screen}/transitions/",
        {"to": "wiped"},
        {BENCH, COACH, MANAGER, NETWORK, WS_ERASE},
    ),
    "register a device": (
        ("device", "register"),
        "post",
        "/api/devices/",
        {"site": "{site}", "category": "laptop", "make": "HP"},
        {BENCH, COACH, SHOP, MANAGER, NETWORK, WS_ERASE, WS_SHOP},
    ),
    "declare a laptop without storage": (
        ("device", "declare_no_storage"),
        "post",
        "/api/devices/{bare}/no-storage/",
        {},
        {BENCH, COACH, MANAGER, NETWORK, WS_ERASE},
    ),
    "sign off a no-storage declaration": (
        ("device", "sign_off_no_storage"),
        "post",
        "/api/devices/{declared}/no-storage/sign-off/",
        {},
        {COACH, MANAGER, NETWORK},
    ),
    "record the system installed": (
        ("installation", "record"),
        "post",
        "/api/installations/",
        {"device": "{tested}", "image": "linuxmint-22", "first_boot_passed": True},
        {BENCH, COACH, MANAGER, NETWORK},
    ),
    "move a device to a shelf": (
        ("device", "move"),
        "post",
        "/api/devices/{laptop}/move/",
        {"location": "{shelf}"},
        {BENCH, COACH, SHOP, MANAGER, NETWORK, WS_ERASE, WS_SHOP},
    ),
}
# The bench a browser session is set to for a row made from a workstation (other than a move).
BENCH_KINDS = {"/api/installations/": WK.TEST}
CASES = [
    pytest.param(row, principal, where, id=f"{row}-{principal}-{where}")
    for row in ROWS
    for principal in PRINCIPALS
    for where in ("own", "other")
]


@pytest.fixture
def sites(db):
    lyon = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    for site in (lyon, other):
        factories.site_legal(site)
    return lyon, other


def world_at(site, make_user) -> dict:
    """One device of each kind the rows need, at ``site``, made by that site's own crew."""
    from demo.walks import Crew, device_advance
    from inventory import services as inventory_services
    from shop.services import buyer_create

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
    laptop = factories.make_device(site=site, actor=crew.bench)
    drive = refurb_services.drive_add(device=laptop, actor=crew.bench, serial_number=f"S-{code}")
    screen = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    on_sale = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(on_sale, "on_sale", crew)
    declared = factories.make_device(site=site, actor=crew.bench)
    refurb_services.device_confirm_no_storage(device=declared, actor=crew.bench)
    bare = factories.make_device(site=site, actor=crew.bench)
    tested = factories.make_device(site=site, actor=crew.bench)
    device_advance(tested, "tested", crew)
    buyer_create(kind=Buyer.Kind.PUBLIC, name=f"Comptoir {site.code}", actor=crew.shop, site=site)
    shelf = inventory_services.location_create(site=site, name=f"Étagère {site.code}")
    return {
        "site": site.code,
        "laptop": laptop.asset_tag,
        "drive": drive.tag,
        "screen": screen.asset_tag,
        "on_sale": on_sale.asset_tag,
        "declared": declared.asset_tag,
        "bare": bare.asset_tag,
        "tested": tested.asset_tag,
        "shelf": shelf.tag,
    }


@pytest.fixture
def worlds(sites, make_user):
    lyon, other = sites
    return {"own": world_at(lyon, make_user), "other": world_at(other, make_user)}


@pytest.fixture
def client_for(sites, make_user):
    lyon, _other = sites

    def make(principal: str) -> APIClient:
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
        return client

    return make


def _fill(value, world: dict):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("row", "principal", "where"), CASES)
def test_each_principal_acts_at_its_own_site_only(row, principal, where, worlds, client_for):
    resource, method, path, body, allowed = ROWS[row]
    assert resource in MATRIX
    world = worlds[where]
    client = client_for(principal)
    bench_kind = BENCH_KINDS.get(path, WK.ERASURE if "/transitions/" in path else None)
    if bench_kind is not None and principal not in (WS_ERASE, WS_SHOP):
        # Every move is made from a workstation (issue 15): a browser session's bench is the one
        # chosen on the screens; the network manager works at the bench of the device's site.
        from refurb.models import Device
        from workshop.models import Site

        lyon = Site.objects.get(code="LY")
        named = path if "{" in path else body["device"]
        device = Device.objects.get(asset_tag=world[named.split("{")[1].split("}")[0]])
        bench = factories.WorkstationFactory(
            site=device.site if principal == NETWORK else lyon,
            kind=bench_kind,
            name=f"Effacement {principal}",
        )
        client.post(reverse("bench:workstation"), {"workstation": bench.pk}, format="multipart")
    response = getattr(client, method)(_fill(path, world), _fill(body, world), format="json")
    if principal not in allowed:
        assert response.status_code == 403, response.content
    elif where == "own" or principal in EVERY_SITE:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "other_site"
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


def test_a_refused_erasure_at_the_other_site_writes_nothing(worlds, client_for):
    from refurb.models import Drive, Erasure

    drive = Drive.objects.get(tag=worlds["other"]["drive"])
    events = drive.device.events.count()
    response = client_for(WS_ERASE).post(
        "/api/erasures/",
        {
            "drive": drive.tag,
            "method": "clear",
            "tool": "nwipe",
            "result": "success",
            "verified": True,
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Erasure.objects.filter(drive=drive).exists()
    assert drive.device.events.count() == events


def test_a_reservation_is_made_by_the_shop_service_of_the_devices_site_only(
    worlds, client_for, make_user, sites
):
    """A reservation is not a bare transition (issue 15), and never crosses sites (issue 16)."""
    from refurb.models import Device
    from shop.models import Buyer
    from shop.services import reservation_create
    from workshop.exceptions import DomainError

    ask = client_for(WS_SHOP)
    own = ask.post(f"/api/devices/{worlds['own']['on_sale']}/transitions/", {"to": "reserved"},
                   format="json")  # fmt: skip
    assert own.status_code == 409 and own.json()["code"] == "service_only"
    other = ask.post(f"/api/devices/{worlds['other']['on_sale']}/transitions/",
                     {"to": "reserved"}, format="json")  # fmt: skip
    assert other.status_code == 403 and other.json()["code"] == "other_site"
    lyon, _other = sites
    device = Device.objects.get(asset_tag=worlds["other"]["on_sale"])
    with pytest.raises(DomainError) as refused:
        reservation_create(
            device=device,
            buyer=Buyer.objects.get(site=device.site),
            actor=make_user(roles.SHOP, username="ly-seller", site=lyon),
        )
    assert refused.value.code == "other_site"
    device.refresh_from_db()
    assert device.state == "on_sale"


def test_the_matrix_names_known_roles_and_always_lets_managers_in():
    for key, allowed in MATRIX.items():
        assert allowed <= set(roles.ROLES), key
        assert roles.MANAGER in allowed, key


# --- the screens ---------------------------------------------------------------------------


@pytest.fixture
def lyon_bench(sites, make_user):
    """A Lyon bench worker's browser, set to Lyon's erasure bench."""
    lyon, _other = sites
    client = Client()
    client.force_login(make_user(roles.BENCH_WORKER, username="salome", site=lyon))
    station = factories.WorkstationFactory(site=lyon, kind=WK.ERASURE, name="Effacement LY")
    client.post(reverse("bench:workstation"), {"workstation": station.pk})
    return client


def test_the_picker_lists_only_the_persons_site_benches(sites, lyon_bench):
    lyon, other = sites
    mine = factories.WorkstationFactory(site=lyon, kind=WK.TEST, name="Test LY")
    theirs = factories.WorkstationFactory(site=other, kind=WK.TEST, name="Test SE")
    page = lyon_bench.get(reverse("bench:workstation")).content.decode()
    assert mine.name in page and theirs.name not in page
    lyon_bench.post(reverse("bench:workstation"), {"workstation": theirs.pk})
    page = lyon_bench.get(reverse("bench:erasure")).content.decode()
    assert "Effacement LY" in page


def test_scanning_another_sites_tag_says_so_and_opens_no_form(worlds, lyon_bench):
    tag = worlds["other"]["laptop"]
    response = lyon_bench.post(reverse("bench:scan"), {"code": tag}, follow=True)
    page = response.content.decode()
    assert "appartient au site SE" in page
    assert reverse("bench:drive-add", args=[tag]) not in page


def test_opening_another_sites_device_at_a_bench_says_so(worlds, lyon_bench):
    tag = worlds["other"]["laptop"]
    response = lyon_bench.get(reverse("bench:erasure-device", args=[tag]), follow=True)
    page = response.content.decode()
    assert "appartient au site SE" in page
    assert reverse("bench:drive-add", args=[tag]) not in page


def test_a_drive_posted_on_another_sites_device_from_a_bench_is_refused(worlds, lyon_bench):
    from refurb.models import Device

    device = Device.objects.get(asset_tag=worlds["other"]["laptop"])
    drives = device.drives.count()
    response = lyon_bench.post(
        reverse("bench:drive-add", args=[device.asset_tag]), {"kind": "ssd"}, follow=True
    )
    assert "appartient au site SE" in response.content.decode()
    assert device.drives.count() == drives
