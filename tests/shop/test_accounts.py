"""Association accounts: sign-up checks, e-mail confirmation, review by shop staff."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from shop import services
from shop.models import Buyer, BuyerAccount
from shop.services.accounts import email_confirmation_token
from tests.shop.orders_support import approved_account, signup
from tests.shop.support import siren_valid, siret_valid
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_a_sign_up_records_an_inactive_user_and_mails_the_confirmation_link(site, smtp_server):
    account = signup(site, email="contact@amis.example.org")
    user = get_user_model().objects.get(pk=account.user_id)
    assert account.status == BuyerAccount.Status.EMAIL_PENDING
    assert not user.is_active and account.buyer is None
    smtp_server.wait(1)
    message = smtp_server.messages[0]
    assert message["To"] == "contact@amis.example.org"
    assert "Confirmez" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert f"/account/confirm/{user.pk}/" in text
    assert message.get_body(("html",)) is not None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"rna": "W12345"}, "rna"),
        ({"rna": "X691234567"}, "rna"),
        ({"rna": "", "siren": "123456789"}, "siren"),
        ({"rna": "", "siret": "12345678901234"}, "siret"),
        ({"rna": ""}, "rna"),
        ({"kind": "foundation", "rna": "W691234567", "siret": ""}, "rna"),
    ],
)
def test_a_malformed_identifier_is_refused_in_french_and_nothing_is_written(site, fields, field):
    with pytest.raises(DomainError) as refused:
        signup(site, **fields)
    assert field in refused.value.fields
    assert not BuyerAccount.objects.exists()
    assert not get_user_model().objects.filter(username__contains="@").exists()


def test_a_valid_siren_or_siret_is_accepted(site):
    assert signup(site, kind="library", rna="", siren=siren_valid("21690123")).siren
    assert signup(site, kind="public_body", rna="", siret=siret_valid("26690001")).siret


def test_an_e_mail_address_already_used_is_refused_and_says_what_to_do(site):
    signup(site, email="pris@example.org")
    with pytest.raises(DomainError) as refused:
        signup(site, email="PRIS@example.org")
    assert refused.value.code == "email_taken"
    assert "Mot de passe oublié" in refused.value.message or "Forgotten" in refused.value.message
    assert BuyerAccount.objects.count() == 1


def test_a_header_injection_in_the_address_is_refused(site):
    with pytest.raises(DomainError):
        signup(site, email="a@example.org\r\nBcc: victim@example.org")
    assert not BuyerAccount.objects.exists()


def test_the_signed_link_confirms_once_and_a_forged_one_is_refused(site):
    account = signup(site)
    user = get_user_model().objects.get(pk=account.user_id)
    with pytest.raises(DomainError):
        services.account_confirm_email(user=user, token="forged-token")
    token = email_confirmation_token.make_token(user)
    confirmed = services.account_confirm_email(user=user, token=token)
    assert confirmed.status == BuyerAccount.Status.REVIEW
    user.refresh_from_db()
    assert user.is_active
    # The same link again is harmless.
    assert services.account_confirm_email(user=user, token=token).status == "review"


def test_approval_records_the_buyer_exactly_as_at_the_counter(site, shop_staff, smtp_server):
    account = approved_account(site, shop_staff, rna="W691234567")
    buyer = account.buyer
    counter = services.buyer_create(
        kind="association", name="Témoin", rna="W691234568", actor=shop_staff, site=site
    )
    assert buyer.tier == Buyer.Tier.SOLIDARITY == counter.tier
    assert buyer.eligible_until == counter.eligible_until
    assert buyer.checked_by == shop_staff and buyer.site == site
    assert buyer.tier_reason.endswith("W691234567")
    smtp_server.wait(2)
    assert "approuvé" in smtp_server.messages[-1]["Subject"]


def test_asking_for_a_document_or_refusing_needs_a_reason_and_mails_it(
    site, shop_staff, smtp_server
):
    account = signup(site)
    user = get_user_model().objects.get(pk=account.user_id)
    services.account_confirm_email(user=user, token=email_confirmation_token.make_token(user))
    with pytest.raises(DomainError) as refused:
        services.account_review(account=account, decision="refuse", actor=shop_staff)
    assert refused.value.code == "reason_required"
    account.refresh_from_db()
    assert account.status == "review"
    services.account_review(
        account=account, decision="document", reason="<b>les statuts</b>", actor=shop_staff
    )
    account.refresh_from_db()
    assert account.status == "document" and account.buyer is None
    smtp_server.wait(2)
    html = smtp_server.messages[-1].get_body(("html",)).get_content()
    assert "&lt;b&gt;les statuts&lt;/b&gt;" in html and "<b>les statuts" not in html
    services.account_review(
        account=account, decision="refuse", reason="Hors champ", actor=shop_staff
    )
    account.refresh_from_db()
    assert account.status == "refused"
    with pytest.raises(DomainError) as again:
        services.account_review(account=account, decision="approve", actor=shop_staff)
    assert again.value.code == "account_decided"


def test_staff_of_another_site_cannot_review(site, make_user, smtp_server):
    from tests import factories
    from workshop.models import WorkerProfile

    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    stranger = make_user("shop", username="stranger")
    WorkerProfile.objects.update_or_create(user=stranger, defaults={"site": other})
    account = signup(site)
    user = get_user_model().objects.get(pk=account.user_id)
    services.account_confirm_email(user=user, token=email_confirmation_token.make_token(user))
    with pytest.raises(DomainError) as refused:
        services.account_review(account=account, decision="approve", actor=stranger)
    assert refused.value.status == 403
    account.refresh_from_db()
    assert account.status == "review"
