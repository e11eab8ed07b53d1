"""The e-mails of an order's other ends: cancelled (by its buyer or by the shop), expired
(a placed order not collected in time, a basket's hold), in French or in English when the
account asked for it, read from a real SMTP server on loopback; hostile names stay one header
line and escaped HTML."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.mailbox import message_text
from shop import services
from shop.models import BuyerAccount, Order
from tests.shop.orders_support import approved_account, offer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(smtp_server, site, shop_staff, legal):
    made = approved_account(site, shop_staff)
    smtp_server.wait(2)  # sign-up confirmation, approval
    smtp_server.clear()
    return made


@pytest.fixture
def laptops(on_sale):
    return [on_sale(make="Dell", model="Latitude 7490") for _ in range(2)]


def only_mail(smtp_server, account):
    [mail] = smtp_server.wait(1)
    assert mail.envelope_to == [account.email]
    return mail


def placed(account, laptops):
    before = Order.objects.count()
    services.basket_add(account=account, **offer_of(laptops[0]))
    order = services.order_place(account=account, fulfilment="pickup")
    assert Order.objects.count() == before + 1
    return order


def test_the_buyer_cancelling_gets_a_french_mail_listing_what_is_back_on_sale(
    smtp_server, account, laptops
):
    order = placed(account, laptops)
    smtp_server.wait(1)  # order received
    smtp_server.clear()
    services.order_cancel(order=order, account=account, reason="Plus besoin")
    mail = only_mail(smtp_server, account)
    assert mail["Subject"].strip() == f"Commande {order.number} de Les Amis du Numérique annulée"
    text = message_text(mail)
    assert "Comme vous l’avez demandé" in text
    assert "Motif\u202f: Plus besoin" in text
    assert "- Dell Latitude 7490" in text
    assert "Dell Latitude 7490" in message_text(mail, "html")


def test_the_shop_cancelling_says_so_with_its_reason(smtp_server, account, laptops, shop_staff):
    order = placed(account, laptops)
    smtp_server.wait(1)
    smtp_server.clear()
    services.order_cancel(order=order, actor=shop_staff, reason="Appareil abîmé au stockage")
    text = message_text(only_mail(smtp_server, account))
    assert f"La boutique Atelier de Lyon a annulé la commande {order.number}" in text
    assert "Appareil abîmé au stockage" in text


def test_a_placed_order_that_expires_is_mailed_once(smtp_server, account, laptops):
    order = placed(account, laptops)
    smtp_server.wait(1)
    smtp_server.clear()
    services.orders_expire(now=timezone.now() + timedelta(days=30))
    mail = only_mail(smtp_server, account)
    assert mail["Subject"].strip() == f"Commande {order.number} expirée"
    assert "remis en vente" in message_text(mail)
    # Run again: nothing more to expire, nothing more sent.
    services.orders_expire(now=timezone.now() + timedelta(days=31))
    assert len(smtp_server.messages) == 1


def test_a_basket_hold_that_expires_names_the_items_released(smtp_server, account, laptops):
    services.basket_add(account=account, **offer_of(laptops[0]))
    services.orders_expire(now=timezone.now() + timedelta(minutes=31))
    mail = only_mail(smtp_server, account)
    assert mail["Subject"].strip() == "Des articles de votre panier ne sont plus réservés"
    text = message_text(mail)
    assert "30 minutes" in text and "- Dell Latitude 7490" in text


def test_an_account_that_asked_for_english_gets_english_mails(
    smtp_server, site, shop_staff, legal, laptops
):
    account = approved_account(site, shop_staff, language="en")
    assert account.language == "en"
    mails = smtp_server.wait(2)
    assert [m["Subject"].strip() for m in mails][0].startswith("Confirm")
    smtp_server.clear()
    order = placed(account, laptops)
    smtp_server.wait(1)
    smtp_server.clear()
    services.order_cancel(order=order, account=account)
    mail = only_mail(smtp_server, account)
    assert mail["Subject"].strip() == f"Order {order.number} of Les Amis du Numérique cancelled"
    assert "back on sale" in message_text(mail)


def test_an_unknown_language_falls_back_to_french(site, shop_staff, legal, smtp_server):
    account = approved_account(site, shop_staff, language="xx-evil")
    assert account.language == "fr"


HOSTILE = 'Asso "Évil"\r\nBcc: pirate@evil.example\n<script>alert(1)</script> ☃'


def test_a_hostile_name_stays_on_one_subject_line_and_is_escaped_in_html(
    smtp_server, account, laptops, shop_staff
):
    # A legal name as typed (staff check it by hand, later): newlines, quotes, markup.
    BuyerAccount.objects.filter(pk=account.pk).update(legal_name=HOSTILE)
    account.refresh_from_db()
    order = placed(account, laptops)
    smtp_server.wait(1)
    smtp_server.clear()
    services.order_cancel(order=order, actor=shop_staff)
    mail = only_mail(smtp_server, account)
    assert "Bcc" not in mail and mail.get_all("To") == [account.email]
    subject = mail["Subject"].strip()
    assert "\n" not in subject and "\r" not in subject
    assert subject == (
        f'Commande {order.number} de Asso "Évil" Bcc: pirate@evil.example '
        "<script>alert(1)</script> ☃ annulée"
    )
    # Non-ASCII header text is encoded (RFC 2047) and folded, never sent raw.
    raw = mail.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert b"=?utf-8?" in head.lower()
    assert all(len(line) <= 998 for line in head.splitlines())
    assert b"\nBcc:" not in head
    html = message_text(mail, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
