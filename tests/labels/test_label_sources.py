"""Adapters from Django objects to template inputs, and code resolution."""

from decimal import Decimal

import pytest
from django.test import override_settings

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from labels import sources
from labels.selectors import label_items
from labels.templates import shop_label
from refurb import services as refurb_services
from refurb.states import State
from tests import factories
from workshop import roles, tags
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind

FULL_SPECS = {
    "cpu_model": "Intel Core i5-8350U",
    "ram_gb": 16,
    "storage_gb": 256,
    "storage_kind": "nvme",
    "screen_inches": 14.0,
    "battery_health_pct": 87,
}


def crew_for(site) -> Crew:
    user = factories.UserFactory
    return Crew(
        bench=user(
            username="crew-bench",
            first_name="Salomé",
            last_name="Benali",
            roles=[roles.BENCH_WORKER],
        ),
        coach=user(username="crew-coach", roles=[roles.COACH]),
        shop=user(username="crew-shop", roles=[roles.SHOP]),
        manager=user(username="crew-manager", roles=[roles.MANAGER]),
        stations={
            kind: factories.WorkstationFactory(site=site, kind=kind)
            for kind in WorkstationKind.values
        },
    )


def on_sale_device(site, *, specs=None, grade="A", drive=True, **kwargs):
    crew = crew_for(site)
    device = factories.make_device(
        site=site,
        actor=crew.bench,
        make="Lenovo",
        model="ThinkPad T480",
        specs=FULL_SPECS if specs is None else specs,
        **kwargs,
    )
    if drive:
        refurb_services.drive_add(
            device=device, actor=crew.bench, kind="nvme", capacity_bytes=256 * 10**9
        )
    device_advance(device, State.ON_SALE, crew, grade=grade)
    device.refresh_from_db()
    return device


def test_device_tag_input_has_tag_category_intake_date_and_site(laptop):
    data = sources.device_tag_input(laptop)
    assert data.asset_tag == laptop.asset_tag
    assert data.category == laptop.category.name
    assert data.site == laptop.site.name


@override_settings(ATELIER_PUBLIC_BASE_URL="https://atelier.example")
def test_shop_input_reads_the_agreed_spec_keys_grade_and_public_url(site):
    device = on_sale_device(site)
    data = sources.shop_input(device)
    assert data.model == "Lenovo ThinkPad T480"
    assert (data.cpu, data.ram_gb, data.storage) == (
        "Intel Core i5-8350U",
        16,
        "SSD NVMe 256\u00a0Go",
    )
    assert (data.screen_inches, data.battery_health_pct) == (14, 87)
    assert data.grade == "A" and data.warranty_months == 12
    assert data.public_url == f"https://atelier.example/d/{device.asset_tag}"


def test_shop_input_falls_back_to_the_request_base_url(laptop):
    data = sources.shop_input(laptop, base_url="http://testserver/")
    assert data.public_url == f"http://testserver/d/{laptop.asset_tag}"


def test_shop_label_without_pricing_shows_no_price_line(laptop):
    assert sources.device_price(laptop) == (None, None)
    label = shop_label(sources.shop_input(laptop, base_url="http://x"))
    assert "Prix" not in label.text()


def test_shop_label_shows_the_price_the_shop_set(laptop):
    from django.utils import timezone

    from shop.models import DevicePrice

    DevicePrice.objects.create(
        device=laptop, solidarity_price=Decimal("149"), standard_price=349, set_at=timezone.now()
    )
    assert sources.device_price(laptop) == (Decimal("149"), Decimal("349"))
    text = shop_label(sources.shop_input(laptop, base_url="http://x")).text()
    assert "Prix solidaire 149\u00a0€" in text and "Prix standard 349\u00a0€" in text


def test_shop_label_of_a_device_without_specs_drops_the_unknown_lines(laptop):
    label = shop_label(sources.shop_input(laptop, base_url="http://x"))
    assert "None" not in label.text() and "RAM" not in label.text()


def test_erasure_sticker_of_a_wiped_device_names_method_date_and_operator(site):
    device = on_sale_device(site)
    [item] = label_items("erasure_sticker", [device.asset_tag])
    assert item.data.subject == device.asset_tag
    assert item.data.verified is True
    assert item.data.operator_initials == "SB"
    assert item.data.method.startswith("NIST 800-88")


def test_erasure_sticker_of_a_device_with_an_unerased_drive_is_refused(laptop, bench_worker):
    refurb_services.drive_add(device=laptop, actor=bench_worker, kind="ssd")
    with pytest.raises(DomainError) as info:
        label_items("erasure_sticker", [laptop.asset_tag])
    assert info.value.code == "label_not_erased"


def test_drive_tag_barcode_is_the_drive_tag(laptop, bench_worker):
    drive = refurb_services.drive_add(
        device=laptop, actor=bench_worker, kind="ssd", capacity_bytes=256 * 10**9
    )
    [item] = label_items("drive_tag", [laptop.asset_tag])
    assert item.data.serial == drive.tag and item.data.host_asset_tag == laptop.asset_tag
    assert item.data.capacity == "256\u00a0Go"


def test_collection_label_counts_its_devices(site, bench_worker):
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    for _ in range(2):
        factories.make_device(site=site, actor=bench_worker, collection=collection)
    [item] = label_items("collection_label", [collection.tag])
    assert item.data.device_count == 2 and item.data.reference == collection.tag


def _mistyped(tag: str) -> str:
    return tag[:-1] + ("0" if tag[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("template", "make_code", "error"),
    [
        ("location_label", lambda device: device.asset_tag, "label_code_mismatch"),
        ("device_tag", lambda device: tags.make_tag("LY", "", 999999), "label_code_unknown"),
        ("device_tag", lambda device: _mistyped(device.asset_tag), "tag_check_failed"),
        ("kit_label", lambda device: device.asset_tag, "label_code_mismatch"),
        ("kit_label", lambda device: tags.make_tag("LY", "K", 999999), "label_code_unknown"),
        ("nope", lambda device: device.asset_tag, "label_template_unknown"),
    ],
)
def test_codes_that_cannot_be_printed_say_why(laptop, template, make_code, error):
    with pytest.raises(DomainError) as info:
        label_items(template, [make_code(laptop)])
    assert info.value.code == error


def test_shop_label_prints_the_price_the_device_was_put_on_sale_at(site):
    from tests.shop.support import make_grid

    make_grid()
    device = on_sale_device(site)
    price = device.price
    [item] = label_items("shop_label", [device.asset_tag], base_url="http://x")
    assert item.data.solidarity_price == price.solidarity_price
    assert item.data.standard_price == price.standard_price
    assert "Prix solidaire" in shop_label(item.data).text()


def test_kit_label_lists_the_kit_devices(site):
    from shop.services import kit_assemble
    from tests.shop.support import make_grid

    make_grid()
    devices = [
        on_sale_device(site),
        on_sale_device(site, category_code="screen", specs={}, drive=False, grade="B"),
    ]
    kit = kit_assemble(site=site, devices=devices, name="Bureautique", actor=crew_for(site).shop)
    [item] = label_items("kit_label", [kit.tag])
    assert item.data.kit_code == kit.tag and item.data.name == "Bureautique"
    assert item.data.components[0] == f"{devices[0].category.name} Lenovo ThinkPad T480"
    assert len(item.data.components) == 2
