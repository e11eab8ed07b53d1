"""Helpers of the online-order tests: an approved association account, offers of devices."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from shop import services
from shop.models import BuyerAccount

EMAILS = itertools.count(1)


def signup(site, *, email=None, rna="W691234567", legal_name="Les Amis du Numérique", **kw):
    email = email or f"asso{next(EMAILS)}@example.org"
    return services.account_signup(
        site=site,
        kind=kw.pop("kind", "association"),
        legal_name=legal_name,
        rna=rna,
        contact_name=kw.pop("contact_name", "Camille Martin"),
        email=email,
        password=kw.pop("password", "Solidaire-2026!"),
        confirm_url=lambda user: f"http://testserver/account/confirm/{user.pk}/",
        **kw,
    )


def approved_account(site, reviewer, **kw) -> BuyerAccount:
    account = signup(site, **kw)
    user = get_user_model().objects.get(pk=account.user_id)
    from shop.services.accounts import email_confirmation_token

    services.account_confirm_email(user=user, token=email_confirmation_token.make_token(user))
    account.refresh_from_db()
    return services.account_review(account=account, decision="approve", actor=reviewer)


def offer_of(device) -> dict:
    return {
        "site": device.site.code,
        "category": device.category.code,
        "make": device.make,
        "model": device.model,
        "grade": device.grade.code if device.grade_id else "",
    }
