"""The counter's basket and the sale apply one rule: every line the basket flags is refused by
``sale_complete`` with the very same message, and a line it accepts is sold."""

from __future__ import annotations

import pytest

from refurb.states import State
from shop import services
from shop.selectors import basket_lines
from tests import factories
from tests.shop.support import NOW, buyer, legal_for
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


def _in_kit(on_sale, crew, site):
    first, second = on_sale(), on_sale()
    services.kit_assemble(site=site, devices=[first, second], name="Poste complet", actor=crew.shop)
    return first


def _reserved_for_another(on_sale, crew, site):
    device = on_sale()
    other = buyer("foundation", actor=crew.shop, site=site)
    services.reservation_create(
        workstation=factories.bench("shop"), device=device, buyer=other, actor=crew.shop, now=NOW
    )
    return device


def _other_site(on_sale, crew, site):
    elsewhere = factories.SiteFactory(code="SE", name="Saint-Étienne")
    legal_for(elsewhere)
    device = on_sale()
    device.site = elsewhere
    device.save(update_fields=["site"])
    return device


CASES = {
    "in_kit": _in_kit,
    "reserved_for_other": _reserved_for_another,
    "wrong_site": _other_site,
    "not_on_sale": lambda on_sale, crew, site: on_sale(state=State.GRADED),
}


@pytest.mark.parametrize("code", CASES)
def test_the_basket_shows_the_refusal_the_sale_raises(code, on_sale, crew, site, legal):
    device = CASES[code](on_sale, crew, site)
    customer = buyer("association", actor=crew.shop, site=site)
    [line] = basket_lines([device.asset_tag], tier="solidarity", site=site, buyer=customer).lines
    with pytest.raises(DomainError) as refused:
        services.sale_complete(
            workstation=factories.bench("shop"),
            site=site,
            buyer=customer,
            items=[device],
            payment_method="cash",
            actor=crew.shop,
        )
    assert refused.value.code == code
    assert line.problem == refused.value.message


def test_a_line_the_basket_accepts_is_sold(on_sale, crew, site, legal):
    device = on_sale()
    customer = buyer("association", actor=crew.shop, site=site)
    [line] = basket_lines([device.asset_tag], tier="solidarity", site=site, buyer=customer).lines
    assert line.problem == ""
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=customer,
        items=[device],
        payment_method="cash",
        actor=crew.shop,
    )
    assert [sale_line.asset_tag for sale_line in sale.lines.all()] == [device.asset_tag]
