"""A Python client generated from the OpenAPI schema runs a sale end to end (issue 26).

The client is generated at test time by ``openapi-python-client`` from the schema the server
serves, into a temporary folder, then drives a live server over HTTP: a shop workstation's
token with the seller's badge records a buyer, sells a device with an ``Idempotency-Key``
(sent twice: one sale), downloads the invoice PDF and takes the device back (credit note).
A schema that lied about a body, a field or a status would break the generated models here.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from demo.walks import Crew, device_advance
from refurb.states import State
from shop.models import Sale
from tests import factories
from tests.shop.support import legal_for, make_grid
from workshop.models import WorkerProfile, WorkstationKind
from workshop.services import badge_create, workstation_token_create

pytest.importorskip("openapi_python_client")

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generated_client(tmp_path: Path):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    path = tmp_path / "schema.json"
    path.write_bytes(OpenApiJsonRenderer().render(schema, renderer_context={}))
    package = f"atelier_client_{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(path), "--meta", "none",
         "--output-path", str(tmp_path / package)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert (tmp_path / package / "client.py").exists(), done.stdout + done.stderr
    # openapi-python-client 0.29 annotates a body sent as JSON, form or multipart with
    # ``Unset`` without importing it (its ruff post-hook does not add it either): lazy
    # annotations let the generated modules import; nothing else of the code is touched.
    for module in (tmp_path / package).rglob("*.py"):
        text = module.read_text()
        if "Unset" in text and "from __future__" not in text:
            module.write_text("from __future__ import annotations\n" + text)
    sys.path.insert(0, str(tmp_path))
    try:
        return package, importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_sells_and_takes_back_a_device(
    live_server, tmp_path, site, bench_worker, coach, shop_staff, manager, station
):
    WorkerProfile.objects.update_or_create(user=shop_staff, defaults={"site": site})
    legal_for(site)
    make_grid()
    crew = Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )
    device = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(device, State.ON_SALE, crew)
    badge_create(user=shop_staff, code="BADGE-LUCAS", pin="4826")
    _token, key = workstation_token_create(workstation=crew.stations[WorkstationKind.SHOP])

    package, atelier = generated_client(tmp_path)
    shop = importlib.import_module(f"{package}.api.shop")
    models = importlib.import_module(f"{package}.models")
    api = {
        name: importlib.import_module(f"{package}.api.shop.{name}")
        for name in ("buyers_create", "sales_create", "sales_retrieve", "sales_invoice_retrieve",
                     "sales_returns_create", "credit_notes_retrieve")
    }  # fmt: skip
    assert shop is not None

    def connect(**headers):
        return atelier.AuthenticatedClient(
            base_url=live_server.url,
            token=key,
            prefix="Token",
            headers={"X-Atelier-Badge": "BADGE-LUCAS", "Accept-Language": "en", **headers},
        )

    client = connect()

    buyer = api["buyers_create"].sync(
        client=client,
        body=models.BuyerCreateRequest(
            kind=models.BuyerKindEnum.ASSOCIATION, name="Les Amis du Numérique", rna="W691234567"
        ),
    )
    assert isinstance(buyer, models.Buyer), buyer
    assert buyer.tier == models.BuyerTierEnum.SOLIDARITY

    body = models.SaleCreateRequest(
        buyer=buyer.id, items=[device.asset_tag], payment_method=models.PaymentMethodEnum.CASH,
        cash_given="20.00",
    )  # fmt: skip
    keyed = connect(**{"Idempotency-Key": f"sale-{device.asset_tag}"})
    sale = api["sales_create"].sync(client=keyed, body=body)
    assert isinstance(sale, models.SaleCompleted), sale
    assert sale.total == "15.00" and sale.change_due == "5.00"
    replay = api["sales_create"].sync_detailed(client=keyed, body=body)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert Sale.objects.count() == 1

    again = api["sales_retrieve"].sync(client=client, id=sale.id)
    assert again.number == sale.number and [line.asset_tag for line in again.lines] == [
        device.asset_tag
    ]
    invoice = api["sales_invoice_retrieve"].sync_detailed(client=client, id=sale.id)
    assert invoice.status_code == 200 and invoice.content.startswith(b"%PDF")

    note = api["sales_returns_create"].sync(
        client=client,
        id=sale.id,
        body=models.ReturnCreateRequest(devices=[device.asset_tag], reason="Dead pixels"),
    )
    assert isinstance(note, models.CreditNote), note
    assert note.invoice == sale.number and note.total == "15.00"
    refused = api["sales_returns_create"].sync(
        client=client,
        id=sale.id,
        body=models.ReturnCreateRequest(devices=[device.asset_tag], reason="Again"),
    )
    assert isinstance(refused, models.Error) and refused.code == "already_returned"
    device.refresh_from_db()
    assert device.state == State.RETURNED
    event = device.events.order_by("-seq").first()
    assert event.actor_id == shop_staff.pk
    assert event.workstation_id == crew.stations[WorkstationKind.SHOP].pk
