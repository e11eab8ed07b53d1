"""Sales: eligibility, reservations, kits, quotas, numbering, returns and credit notes."""

from datetime import timedelta
from decimal import Decimal

import pytest

from refurb import services as refurb_services
from refurb.models import DeviceEvent, Drive
from refurb.states import State
from shop import services
from shop.models import DocumentCounter, Kit, QuotaRule, Reservation, Sale, SaleLine
from shop.services.sales import share_out
from tests import factories
from tests.shop.support import NOW, buyer, legal_for
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def sell(site, legal, crew):
    def run(buyer_obj, items, payment_method="cash", now=NOW, **kwargs):
        return services.sale_complete(
            site=site,
            buyer=buyer_obj,
            items=items,
            payment_method=payment_method,
            actor=crew.shop,
            workstation=crew.stations[WK.SHOP],
            now=now,
            **kwargs,
        )

    return run


def test_a_sale_sells_the_device_at_the_buyers_tier_and_numbers_the_invoice(on_sale, sell):
    device = on_sale(grade="B")
    sale = sell(buyer("association"), [device])
    device.refresh_from_db()
    assert device.state == State.SOLD
    assert sale.number == "LY-2026-000001"
    assert sale.total == Decimal("70.00")
    assert sale.warranty_until == NOW.date().replace(year=2027)
    event = device.events.order_by("-seq").first()
    assert (event.to_state, event.payload["invoice"]) == (State.SOLD, sale.number)


def test_the_general_public_pays_the_standard_price(on_sale, sell):
    assert sell(buyer("public"), [on_sale()]).total == Decimal("120.00")


def test_an_expired_buyer_pays_the_standard_price(on_sale, sell):
    sale = sell(buyer("individual"), [on_sale()], now=NOW + timedelta(days=400))
    assert (sale.tier, sale.total) == ("standard", Decimal("120.00"))


def test_an_expired_buyer_is_refused_when_the_site_says_so(site, on_sale, sell):
    legal_for(site, expired_policy="refuse")
    device = on_sale()
    with pytest.raises(DomainError) as error:
        sell(buyer("individual"), [device], now=NOW + timedelta(days=400))
    assert error.value.code == "eligibility_expired"
    device.refresh_from_db()
    assert device.state == State.ON_SALE


def test_items_may_be_scanned_tags(on_sale, sell):
    device = on_sale()
    sale = sell(buyer("association"), [device.asset_tag.lower()])
    assert sale.lines.get().asset_tag == device.asset_tag


def test_a_device_not_on_sale_is_refused(on_sale, sell):
    device = on_sale(state=State.GRADED, grade="A")
    with pytest.raises(DomainError) as error:
        sell(buyer("association"), [device])
    assert error.value.code == "not_on_sale"
    assert not Sale.objects.exists()


def test_a_device_sold_once_cannot_be_sold_again(on_sale, sell):
    device = on_sale()
    sell(buyer("association"), [device])
    with pytest.raises(DomainError) as error:
        sell(buyer("public"), [device])
    assert error.value.code == "not_on_sale"


def test_the_same_item_twice_is_refused(on_sale, sell):
    device = on_sale()
    with pytest.raises(DomainError) as error:
        sell(buyer("association"), [device, device.asset_tag])
    assert error.value.code == "duplicate_item"


def test_a_sale_rechecks_the_erasure_invariant(on_sale, sell, crew):
    device = on_sale()
    refurb_services.drive_add(device=device, actor=crew.bench, kind=Drive.Kind.SSD)
    # The drive found sends the device back to received; the sale is refused either way.
    with pytest.raises(DomainError) as error:
        sell(buyer("association"), [device])
    assert (error.value.code, device.state) == ("not_on_sale", State.RECEIVED)
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()


@pytest.mark.parametrize(
    ("method", "free", "ok"),
    [("cash", False, True), ("free", False, False), ("free", True, True), ("card", True, False)],
)
def test_free_of_charge_is_the_only_payment_for_a_zero_total(on_sale, sell, grid, method, free, ok):
    if free:
        grid[("laptop", "B", None)].free_of_charge = True
        grid[("laptop", "B", None)].save()
    device = on_sale()
    if ok:
        assert sell(buyer("individual"), [device], payment_method=method).payment_method == method
    else:
        with pytest.raises(DomainError) as error:
            sell(buyer("individual"), [device], payment_method=method)
        assert error.value.code == "payment_mismatch"


def test_a_refused_payment_rolls_back_the_sale_and_keeps_the_number(on_sale, sell):
    device = on_sale()

    def refuse(sale):
        assert sale.number == "LY-2026-000001"
        raise DomainError("payment_refused", "Card refused")

    with pytest.raises(DomainError):
        sell(buyer("association"), [device], payment_method="card", payment_hook=refuse)
    device.refresh_from_db()
    assert device.state == State.ON_SALE
    assert not Sale.objects.exists()
    assert sell(buyer("association"), [device]).number == "LY-2026-000001"


def test_numbers_restart_each_year(on_sale, sell):
    sell(buyer("association"), [on_sale()])
    sale = sell(buyer("association", rna="W691234568"), [on_sale()], now=NOW.replace(year=2027))
    assert sale.number == "LY-2027-000001"


# --- reservations -------------------------------------------------------------------------


def test_a_reserved_device_is_sold_only_to_its_buyer(on_sale, sell, crew):
    device = on_sale()
    holder, other = buyer("association"), buyer("individual")
    services.reservation_create(
        device=device, buyer=holder, actor=crew.shop, workstation=crew.stations[WK.SHOP], now=NOW
    )
    with pytest.raises(DomainError) as error:
        sell(other, [device])
    assert error.value.code == "reserved_for_other"
    sell(holder, [device])
    assert Reservation.objects.get().status == Reservation.Status.SOLD


def test_a_reservation_lasts_the_sites_days(on_sale, crew):
    made = services.reservation_create(
        workstation=factories.bench("shop"),
        device=on_sale(),
        buyer=buyer("association"),
        actor=crew.shop,
        now=NOW,
    )
    assert made.expires_at == NOW + timedelta(days=7)


def test_expired_reservations_return_to_sale_and_others_stay(on_sale, crew):
    due, later = on_sale(), on_sale()
    holder = buyer("association")
    services.reservation_create(
        workstation=factories.bench("shop"), device=due, buyer=holder, actor=crew.shop, now=NOW
    )
    services.reservation_create(
        workstation=factories.bench("shop"),
        device=later,
        buyer=holder,
        actor=crew.shop,
        now=NOW,
        expires_at=NOW + timedelta(days=30),
    )
    done = services.reservations_expire(now=NOW + timedelta(days=8))
    assert [r.device_id for r in done] == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, later.state) == (State.ON_SALE, State.RESERVED)
    assert Reservation.objects.get(device=due).status == Reservation.Status.EXPIRED


# --- quotas -------------------------------------------------------------------------------


@pytest.fixture
def one_computer_a_year(db):
    from tests import factories

    rule = QuotaRule.objects.create(
        name="Un ordinateur par an", buyer_kind="individual", max_devices=1, period_months=12
    )
    rule.categories.set([factories.category("laptop"), factories.category("desktop")])
    return rule


def test_an_individual_buys_one_computer_a_year(on_sale, sell, one_computer_a_year):
    person = buyer("individual")
    sell(person, [on_sale()])
    with pytest.raises(DomainError) as error:
        sell(person, [on_sale()], now=NOW + timedelta(days=30))
    assert error.value.code == "quota_exceeded"
    assert error.value.fields["quota"] == ["Un ordinateur par an"]
    assert error.value.fields["frees_up_on"] == ["2027-03-02"]


def test_the_quota_frees_up_after_the_period(on_sale, sell, one_computer_a_year):
    person = buyer("individual")
    sell(person, [on_sale()])
    later = NOW.replace(year=2027)
    services.buyer_recheck(buyer=person, actor=None, now=later)
    assert sell(person, [on_sale()], now=later).lines.count() == 1


def test_the_quota_ignores_other_categories_and_other_kinds(on_sale, sell, one_computer_a_year):
    person = buyer("individual")
    sell(person, [on_sale()])
    assert sell(person, [on_sale(category="screen")]).total == Decimal("15.00")
    association = buyer("association")
    assert sell(association, [on_sale(), on_sale()]).lines.count() == 2


def test_two_computers_in_one_sale_break_the_quota(on_sale, sell, one_computer_a_year):
    with pytest.raises(DomainError) as error:
        sell(buyer("individual"), [on_sale(), on_sale()])
    assert error.value.code == "quota_exceeded"


def test_a_returned_device_does_not_count_against_the_quota(
    on_sale, sell, one_computer_a_year, crew
):
    person = buyer("individual")
    first = on_sale()
    sale = sell(person, [first])
    services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[first],
        reason="Écran HS",
        actor=crew.shop,
        now=NOW,
    )
    assert sell(person, [on_sale()]).lines.count() == 1


# --- kits ---------------------------------------------------------------------------------


@pytest.fixture
def kit(site, on_sale, crew):
    devices = [
        on_sale("desktop"),
        on_sale("screen"),
        on_sale("peripheral", model="Clavier"),
        on_sale("peripheral", model="Souris"),
    ]
    return services.kit_assemble(
        site=site, devices=devices, name="Poste complet", actor=crew.shop, now=NOW
    )


def test_a_kit_gets_a_k_tag_and_the_sum_of_its_prices(kit):
    assert kit.tag[2] == "K"
    assert (kit.solidarity_price, kit.standard_price) == (Decimal("71.00"), Decimal("132.00"))


def test_a_kit_price_may_be_set_by_hand(site, on_sale, crew):
    made = services.kit_assemble(
        site=site,
        devices=[on_sale("laptop"), on_sale("peripheral")],
        name="Portable + souris",
        actor=crew.shop,
        solidarity_price="65",
        now=NOW,
    )
    assert made.solidarity_price == Decimal("65")


def test_selling_a_kit_sells_every_component_and_shares_its_price(kit, sell):
    kit.solidarity_price = Decimal("60.00")
    kit.save()
    sale = sell(buyer("association"), [kit.tag])
    lines = list(sale.lines.all())
    assert len(lines) == 4
    assert sum(line.price for line in lines) == Decimal("60.00") == sale.total
    assert {line.device.state for line in lines} == {State.SOLD}
    kit.refresh_from_db()
    assert kit.status == Kit.Status.SOLD


def test_a_device_in_a_kit_is_not_sold_alone(kit, sell):
    with pytest.raises(DomainError) as error:
        sell(buyer("association"), [kit.devices.first()])
    assert error.value.code == "in_kit"


def test_a_device_in_a_kit_cannot_join_another_kit(site, kit, on_sale, crew):
    with pytest.raises(DomainError) as error:
        services.kit_assemble(
            site=site, devices=[kit.devices.first(), on_sale()], name="x", actor=crew.shop
        )
    assert error.value.code == "in_kit"


def test_dismantling_a_kit_puts_its_devices_back_on_sale_one_by_one(kit, sell, crew):
    devices = list(kit.devices.all())
    services.kit_dismantle(kit=kit, actor=crew.shop, now=NOW)
    assert kit.status == Kit.Status.DISMANTLED
    assert {d.state for d in devices} == {State.ON_SALE}
    sale = sell(buyer("association"), [devices[0]])
    assert sale.lines.count() == 1
    with pytest.raises(DomainError) as error:
        sell(buyer("public"), [kit])
    assert error.value.code == "kit_not_for_sale"


def test_kit_assembly_and_dismantling_are_in_each_devices_history(kit, crew):
    device = kit.devices.first()
    services.kit_dismantle(kit=kit, actor=crew.shop, now=NOW)
    actions = [e.payload.get("action") for e in device.events.filter(code=DeviceEvent.Code.UPDATED)]
    assert actions[-2:] == ["assembled", "dismantled"]


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        ("60.00", ["50", "15", "3", "3"]),
        ("10.00", ["1", "1", "1"]),
        ("0.00", ["0", "0"]),
        ("99.99", ["0", "0", "0"]),
    ],
)
def test_a_kit_price_is_shared_out_to_the_cent(total, weights):
    shares = share_out(Decimal(total), [Decimal(w) for w in weights])
    assert sum(shares) == Decimal(total)
    assert all(share.as_tuple().exponent == -2 for share in shares)


# --- returns and credit notes -------------------------------------------------------------


def test_a_return_under_warranty_makes_a_numbered_credit_note(on_sale, sell, crew):
    first, second = on_sale(), on_sale(grade="A")
    sale = sell(buyer("association"), [first, second])
    note = services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[second],
        reason="Ne démarre plus",
        actor=crew.shop,
        now=NOW,
    )
    assert note.number == "LY-AV-2026-000001"
    assert note.total == SaleLine.objects.get(device=second).price
    second.refresh_from_db()
    assert second.state == State.RETURNED
    refurb_services.device_transition(
        device=second, to=State.IN_REPAIR, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )
    second.refresh_from_db()
    assert second.state == State.IN_REPAIR


def test_a_device_is_returned_once(on_sale, sell, crew):
    device = on_sale()
    sale = sell(buyer("association"), [device])
    services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[device],
        reason="x",
        actor=crew.shop,
        now=NOW,
    )
    with pytest.raises(DomainError) as error:
        services.sale_return(
            workstation=factories.bench("shop"),
            sale=sale,
            devices=[device],
            reason="x",
            actor=crew.shop,
            now=NOW,
        )
    assert error.value.code == "already_returned"


def test_no_return_after_the_warranty(on_sale, sell, crew):
    device = on_sale()
    sale = sell(buyer("association"), [device])
    with pytest.raises(DomainError) as error:
        services.sale_return(
            workstation=factories.bench("shop"),
            sale=sale,
            devices=[device],
            reason="x",
            actor=crew.shop,
            now=NOW + timedelta(days=400),
        )
    assert error.value.code == "warranty_over"
    assert not DocumentCounter.objects.filter(kind="credit").exists()


def test_cash_handed_over_gives_the_change_and_too_little_sells_nothing(on_sale, sell):
    device = on_sale(grade="B")  # laptop B: 70.00 at the solidarity price
    association = buyer("association")
    with pytest.raises(DomainError) as short:
        sell(association, [device], cash_given=Decimal("69.99"))
    assert short.value.code == "cash_short" and "cash_given" in short.value.fields
    with pytest.raises(DomainError) as not_cash:
        sell(association, [device], payment_method="card", cash_given=Decimal("100"))
    assert not_cash.value.code == "cash_not_cash"
    assert not Sale.objects.exists() and not DocumentCounter.objects.exists()
    device.refresh_from_db()
    assert device.state == State.ON_SALE
    sale = sell(association, [device], cash_given=Decimal("100.5"))
    assert sale.change_due == Decimal("30.50")


def test_without_cash_typed_there_is_no_change_to_say(on_sale, sell):
    sale = sell(buyer("association"), [on_sale(grade="B")])
    assert sale.change_due is None
