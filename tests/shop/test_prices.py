"""The price grid: spec tiers, matching, the on-sale effect and manager overrides."""

from decimal import Decimal

import pytest

from refurb.models import DeviceEvent
from refurb.states import State
from shop import services
from shop.models import PriceRule
from shop.selectors import device_price, price_rule_for
from tests import factories
from tests.shop.support import NOW
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db

OFFICE = {"cpu_generation": 4, "ram_gb": 4, "storage_gb": 128}
PERF = {"cpu_generation": 8, "ram_gb": 16, "storage_gb": 256}


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ({}, ("90.00", "150.00")),
        ({"ram_gb": 4, "storage_gb": 64}, ("90.00", "150.00")),
        (OFFICE, ("120.00", "190.00")),
        ({"cpu_generation": "8", "ram_gb": "8", "storage_gb": "240"}, ("160.00", "250.00")),
        (PERF, ("160.00", "250.00")),
        ({"cpu_generation": 7, "ram_gb": 16, "storage_gb": 512}, ("120.00", "190.00")),
        ({"cpu_generation": "n/a", "ram_gb": 4, "storage_gb": 120}, ("120.00", "190.00")),
    ],
)
def test_a_device_on_sale_is_priced_by_the_highest_spec_tier_it_reaches(on_sale, specs, expected):
    device = on_sale(grade="A", specs=specs)
    price = device_price(device)
    assert (str(price.solidarity_price), str(price.standard_price)) == expected


def test_the_transition_event_records_the_price(on_sale):
    device = on_sale(grade="B")
    event = DeviceEvent.objects.filter(device=device, to_state=State.ON_SALE).get()
    assert event.payload["price"]["solidarity"] == "70.00"


def test_no_grid_row_refuses_the_move_and_says_what_to_do(on_sale, crew):
    device = on_sale(grade="C", state=State.GRADED)
    with pytest.raises(DomainError) as error:
        factories.transition(device=device, to=State.ON_SALE, actor=crew.shop, now=NOW)
    assert error.value.code == "no_price"
    device.refresh_from_db()
    assert device.state == State.GRADED
    assert device_price(device) is None


def test_an_inactive_grid_row_is_not_used(on_sale, grid):
    PriceRule.objects.filter(category__code="laptop", grade__code="B").update(is_active=False)
    device = on_sale(grade="B", state=State.GRADED)
    assert price_rule_for(device) is None


def test_a_free_of_charge_row_gives_the_device_away_to_eligible_buyers(on_sale, grid):
    grid[("laptop", "B", None)].free_of_charge = True
    grid[("laptop", "B", None)].full_clean()
    grid[("laptop", "B", None)].save()
    price = device_price(on_sale(grade="B"))
    assert price.free_of_charge
    assert price.solidarity_price == Decimal("0.00")
    assert price.standard_price == Decimal("120.00")


def test_a_manager_overrides_a_price_with_a_reason(on_sale, manager):
    device = on_sale(grade="B")
    price = services.device_price_override(
        device=device,
        solidarity_price="55.00",
        standard_price=Decimal("99.90"),
        reason="Rayure profonde sur le capot",
        actor=manager,
        now=NOW,
    )
    assert (price.solidarity_price, price.overridden) == (Decimal("55.00"), True)
    event = device.events.order_by("-seq").first()
    assert (event.code, event.reason) == ("price", "Rayure profonde sur le capot")
    assert event.payload["before"] == ["70.00", "120.00"]


def test_shop_staff_may_not_override_a_price(on_sale, shop_staff):
    with pytest.raises(DomainError) as error:
        services.device_price_override(
            device=on_sale(), solidarity_price=1, standard_price=2, reason="x", actor=shop_staff
        )
    assert error.value.code == "role_forbidden"


def test_an_override_needs_a_reason(on_sale, manager):
    with pytest.raises(DomainError) as error:
        services.device_price_override(
            device=on_sale(), solidarity_price=1, standard_price=2, reason=" ", actor=manager
        )
    assert error.value.code == "reason_required"


def test_an_override_made_before_sale_survives_putting_on_sale(on_sale, manager, crew):
    device = on_sale(grade="C", state=State.GRADED)
    services.device_price_override(
        device=device, solidarity_price=10, standard_price=20, reason="Lot ancien", actor=manager
    )
    factories.transition(device=device, to=State.ON_SALE, actor=crew.shop, now=NOW)
    assert device_price(device).solidarity_price == Decimal("10.00")
