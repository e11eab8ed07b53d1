"""The account holder's and the shop staff's screens for online orders: forms, refusals,
hostile strings, and the query count of every page (constant whatever the number of rows)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop import services
from shop.delivery_note import delivery_note_pdf
from shop.models import BuyerAccount, Order
from tests.shop.orders_support import approved_account, offer_of, signup
from tests.shop.support import siret_valid

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0 \r\nBcc: x@evil.example"


@pytest.fixture
def account(site, shop_staff, legal):
    return approved_account(site, shop_staff)


def _signup_form(site, **overrides):
    data = {
        "site": site.pk,
        "kind": "association",
        "legal_name": "Les Amis du Numérique",
        "rna": "W691234567",
        "contact_name": "Camille Martin",
        "email": "camille@amis.example.org",
        "password": "Solidaire-2026!",
    }
    data.update(overrides)
    return data


def test_the_sign_up_form_creates_the_application_and_mails_the_link(client, site, smtp_server):
    response = client.post(reverse("shop:account_signup"), _signup_form(site))
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:account_signup_sent")
    [message] = smtp_server.wait(1)
    text = message.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if "/account/confirm/" in word)
    page = client.get(link.replace("http://testserver", ""))
    assert page.status_code == 200 and b"email-confirmed" in page.content
    assert BuyerAccount.objects.get().status == "review"
    assert get_user_model().objects.get(email="camille@amis.example.org").is_active


def test_a_malformed_rna_shows_a_french_message_and_writes_nothing(client, site):
    response = client.post(reverse("shop:account_signup"), _signup_form(site, rna="W12"))
    assert response.status_code == 400
    assert "W suivi de 9 chiffres" in response.content.decode()
    assert not BuyerAccount.objects.exists()


def test_an_e_mail_already_used_shows_what_to_do(client, site):
    signup(site, email="camille@amis.example.org")
    response = client.post(reverse("shop:account_signup"), _signup_form(site))
    assert response.status_code == 400
    assert "Mot de passe oublié" in response.content.decode()
    assert BuyerAccount.objects.count() == 1


def test_sign_up_is_throttled_per_address(client, site, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ATELIER_SIGNUP_PER_HOUR = 2
    for index in range(2):
        client.post(reverse("shop:account_signup"), _signup_form(site, email=f"a{index}@x.org"))
    response = client.post(reverse("shop:account_signup"), _signup_form(site, email="c@x.org"))
    assert response.status_code == 429
    assert BuyerAccount.objects.count() == 2
    cache.clear()


def test_the_signin_page_signs_an_account_holder_in(client, site, account):
    response = client.post(
        reverse("shop:account_signin"),
        {"username": account.email, "password": "Solidaire-2026!"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("shop:account")


def test_reserving_from_the_offers_and_placing_the_order(client, account, on_sale, smtp_server):
    laptop = on_sale(make="Lenovo", model="ThinkPad T480")
    client.force_login(account.user)
    offers = client.get(reverse("shop:account_offers"))
    assert b"data-reserve=" in offers.content
    response = client.post(reverse("shop:basket_add"), offer_of(laptop))
    assert response.status_code == 302
    basket = client.get(reverse("shop:basket"))
    assert laptop.asset_tag.encode() in basket.content
    response = client.post(reverse("shop:basket_place"), {"fulfilment": "pickup"})
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:account_order", args=[order.pk])
    assert order.status == "placed"
    home = client.get(reverse("shop:account"))
    assert order.number.encode() in home.content


def test_an_item_taken_meanwhile_says_so_and_adds_nothing(client, account, on_sale, site, crew):
    laptop = on_sale(make="Lenovo", model="ThinkPad T480")
    other = approved_account(site, crew.shop, email="autre@example.org", rna="W691111111")
    services.basket_add(account=other, **offer_of(laptop))
    client.force_login(account.user)
    response = client.post(reverse("shop:basket_add"), offer_of(laptop), follow=True)
    assert "vient d’être réservé" in response.content.decode()
    assert not Order.objects.filter(account=account, lines__isnull=False).exists()


def test_the_reserve_form_asks_a_signed_out_visitor_to_sign_in(client, rf, account):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/catalogue/")
    request.user = AnonymousUser()
    offer = {"site": "LY", "category": "laptop", "make": "Dell", "model": "X", "grade": "B"}
    html = render_to_string("shop/orders/_reserve_form.html", {"offer": offer}, request=request)
    assert "data-reserve-signin" in html and "<form" not in html
    request.user = account.user
    html = render_to_string("shop/orders/_reserve_form.html", {"offer": offer}, request=request)
    assert 'name="make" value="Dell"' in html and "Réserver" in html


def test_bench_staff_prepare_and_hand_over_from_their_screens(
    client, account, on_sale, shop_staff, station, smtp_server
):
    station("shop")
    laptop = on_sale(make="Lenovo", model="ThinkPad T480")
    services.basket_add(account=account, **offer_of(laptop))
    order = services.order_place(account=account, fulfilment="pickup")
    client.force_login(shop_staff)
    listing = client.get(reverse("shop:orders"))
    assert order.number.encode() in listing.content
    opened = client.post(reverse("shop:order_scan"), {"code": order.number})
    assert opened["Location"] == reverse("shop:order", args=[order.pk])
    client.post(reverse("shop:order_pick", args=[order.pk]), {"code": laptop.asset_tag})
    order.refresh_from_db()
    assert order.status == "ready"
    client.post(reverse("shop:order_hand_over", args=[order.pk]), {"payment_method": "transfer"})
    order.refresh_from_db()
    assert order.status == "handed_over" and order.sale_id


def test_staff_review_an_application_from_their_screen(client, site, shop_staff, smtp_server):
    account = signup(site)
    BuyerAccount.objects.filter(pk=account.pk).update(status="review")
    client.force_login(shop_staff)
    listing = client.get(reverse("shop:review_accounts"))
    assert account.legal_name.encode() in listing.content
    url = reverse("shop:review_account", args=[account.pk])
    client.post(url, {"decision": "refuse", "reason": "", "next": url})
    account.refresh_from_db()
    assert account.status == "review"  # a refusal needs its reason: nothing changed
    client.post(url, {"decision": "approve", "next": url})
    account.refresh_from_db()
    assert account.status == "approved" and account.buyer.tier == "solidarity"


def test_hostile_strings_reach_the_pdf_and_the_mails_as_text(
    site, shop_staff, on_sale, smtp_server
):
    account = approved_account(
        site,
        shop_staff,
        legal_name=HOSTILE,
        contact_name="<img src=x onerror=alert(1)>",
        address=HOSTILE,
    )
    laptop = on_sale(make="<b>Dell</b>", model='=HYPERLINK("x")')
    services.basket_add(account=account, **offer_of(laptop))
    order = services.order_place(account=account, fulfilment="delivery", delivery_address=HOSTILE)
    pdf = delivery_note_pdf(order)
    assert pdf[:5] == b"%PDF-"
    import pypdfium2

    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert "<script>alert(1)</script>" in text and "<b>Dell</b>" in text
    messages = smtp_server.wait(3)
    for message in messages:
        assert "\n" not in message["Subject"] and "Bcc" not in str(message.keys())
        html = message.get_body(("html",)).get_content()
        assert "<script>" not in html and "<img src=x" not in html


# Measured (the session, the user, the account or the worker profile, then the page's reads).
QUERIES = {
    "basket": 5,
    "account_offers": 6,
    "account": 8,
    "account_order": 6,
    "orders": 6,
    "order": 7,
    "review_accounts": 5,
}


@pytest.mark.parametrize("count", [1, 4])
def test_the_pages_have_a_constant_query_count(
    client, account, on_sale, shop_staff, station, count, django_assert_num_queries
):
    station("shop")
    laptops = [on_sale(make="Lenovo", model=f"T{i}") for i in range(count)]
    for laptop in laptops:
        services.basket_add(account=account, **offer_of(laptop))
    client.force_login(account.user)
    with django_assert_num_queries(QUERIES["basket"]):
        assert client.get(reverse("shop:basket")).status_code == 200
    order = services.order_place(account=account, fulfilment="pickup")
    for index in range(count):
        on_sale(make="Dell", model=f"E{index}")
    with django_assert_num_queries(QUERIES["account_offers"]):
        assert client.get(reverse("shop:account_offers")).status_code == 200
    with django_assert_num_queries(QUERIES["account"]):
        assert client.get(reverse("shop:account")).status_code == 200
    with django_assert_num_queries(QUERIES["account_order"]):
        assert client.get(reverse("shop:account_order", args=[order.pk])).status_code == 200
    client.force_login(shop_staff)
    with django_assert_num_queries(QUERIES["orders"]):
        assert client.get(reverse("shop:orders")).status_code == 200
    with django_assert_num_queries(QUERIES["order"]):
        assert client.get(reverse("shop:order", args=[order.pk])).status_code == 200
    with django_assert_num_queries(QUERIES["review_accounts"]):
        assert client.get(reverse("shop:review_accounts")).status_code == 200


def test_an_account_holder_signing_in_at_the_bench_lands_on_their_account(client, account):
    client.force_login(account.user)
    response = client.get(reverse("bench:home"))
    assert response["Location"] == reverse("shop:account")


def test_another_accounts_order_and_invoice_are_not_found(client, account, site, crew, on_sale):
    laptop = on_sale(make="Lenovo", model="T1")
    services.basket_add(account=account, **offer_of(laptop))
    order = services.order_place(account=account, fulfilment="pickup")
    other = approved_account(
        site,
        crew.shop,
        email="o@example.org",
        rna="",
        kind="foundation",
        siret=siret_valid("50555555"),
    )
    client.force_login(other.user)
    assert client.get(reverse("shop:account_order", args=[order.pk])).status_code == 404
