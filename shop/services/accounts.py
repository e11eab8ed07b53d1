"""Writes about association accounts: sign-up, e-mail confirmation, review by shop staff.

The identifiers are checked by the same model rules as a buyer typed in at the counter
(``Buyer.clean``: RNA, SIREN and SIRET with python-stdnum); the approval records the buyer
with ``buyer_create``, so the eligibility an account gets is exactly the counter's.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.mail import mail_language, shop_mail
from shop.models import Buyer, BuyerAccount
from shop.services.buyers import _compact, buyer_create
from workshop.access import access_check
from workshop.exceptions import DomainError
from workshop.models import Site


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A signed link that confirms an account's e-mail address once (it changes when the
    account becomes active)."""

    key_salt = "shop.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def _email_taken(email: str) -> bool:
    User = get_user_model()
    return (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
        or BuyerAccount.objects.filter(email__iexact=email).exists()
    )


def _refuse_fields(fields: dict) -> None:
    raise DomainError(
        "invalid", _("Some fields are not valid: correct them and try again."), fields=fields
    )


def account_signup(
    *,
    site: Site,
    kind: str,
    legal_name: str,
    contact_name: str,
    email: str,
    password: str,
    rna: str = "",
    siren: str = "",
    siret: str = "",
    address: str = "",
    phone: str = "",
    confirm_url=None,
    language: str = "fr",
    now: datetime | None = None,
) -> BuyerAccount:
    """Record an application and its (inactive) user; e-mail the confirmation link.

    ``confirm_url(user) -> str`` builds the absolute link the e-mail carries."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    fields: dict[str, list[str]] = {}
    if kind not in BuyerAccount.KINDS:
        fields["kind"] = [_("Choose the kind of organisation.")]
    if not (legal_name or "").strip():
        fields["legal_name"] = [_("Type the legal name, as registered.")]
    if not (contact_name or "").strip():
        fields["contact_name"] = [_("Type the name of the contact person.")]
    if any(ch in email for ch in "\r\n") or "@" not in email:
        fields["email"] = [_("Type a valid e-mail address.")]
    if fields:
        _refuse_fields(fields)
    # The counter's rules for the identifiers (W + 9 digits, SIREN/SIRET check digits).
    probe = Buyer(
        kind=kind,
        name=legal_name.strip(),
        rna=_compact(rna).upper(),
        siren=_compact(siren),
        siret=_compact(siret),
        tier=Buyer.Tier.SOLIDARITY,
        tier_reason="-",
        checked_at=now,
        site=site,
    )
    try:
        probe.full_clean(exclude=["checked_by", "eligible_until"])
    except ValidationError as error:
        _refuse_fields({k: [str(m) for m in v] for k, v in error.message_dict.items()})
    try:
        validate_password(password)
    except ValidationError as error:
        _refuse_fields({"password": list(error.messages)})
    if _email_taken(email):
        raise DomainError(
            "email_taken",
            _(
                "An account already uses this e-mail address: sign in, or reset its password "
                "with “Forgotten password”."
            ),
            fields={"email": [_("Already used.")]},
            status=409,
        )
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(username=email, email=email, is_active=False)
            user.first_name = contact_name.strip()[:150]
            user.set_password(password)
            user.save()
            account = BuyerAccount.objects.create(
                user=user,
                site=site,
                kind=kind,
                legal_name=probe.name,
                rna=probe.rna,
                siren=probe.siren,
                siret=probe.siret,
                address=(address or "").strip(),
                contact_name=contact_name.strip(),
                phone=(phone or "").strip(),
                email=email,
                created_at=now,
                language=mail_language(language),
            )
            link = confirm_url(user) if confirm_url else ""
            shop_mail(
                to=email,
                template="shop/mail/signup_confirm",
                context={
                    "account_name": account.legal_name,
                    "contact": account.contact_name,
                    "link": link,
                },
                site=site,
                language=account.language,
            )
    except IntegrityError as error:  # the same address signed up at the same moment
        raise DomainError(
            "email_taken",
            _(
                "An account already uses this e-mail address: sign in, or reset its password "
                "with “Forgotten password”."
            ),
            fields={"email": [_("Already used.")]},
            status=409,
        ) from error
    return account


def account_confirm_email(*, user, token: str, now: datetime | None = None) -> BuyerAccount:
    """Confirm the address of ``user`` with the signed ``token``; the account goes to review."""
    now = now or timezone.now()
    account = BuyerAccount.objects.filter(user=user).first() if user is not None else None
    if account is None:
        raise DomainError("link_invalid", _("This link is not valid: sign up again."), status=400)
    if account.status != BuyerAccount.Status.EMAIL_PENDING:
        return account  # confirmed already: the link is simply used twice
    if not email_confirmation_token.check_token(user, token):
        raise DomainError(
            "link_invalid",
            _("This link is not valid or has expired: sign up again, or ask the shop."),
            status=400,
        )
    with transaction.atomic():
        locked = BuyerAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status != BuyerAccount.Status.EMAIL_PENDING:
            return locked
        locked.status = BuyerAccount.Status.REVIEW
        locked.email_confirmed_at = now
        locked.save(update_fields=["status", "email_confirmed_at"])
        type(user).objects.filter(pk=user.pk).update(is_active=True)
    return locked


DECISIONS = {
    "approve": BuyerAccount.Status.APPROVED,
    "document": BuyerAccount.Status.DOCUMENT,
    "refuse": BuyerAccount.Status.REFUSED,
}


def account_review(
    *,
    account: BuyerAccount,
    decision: str,
    actor,
    reason: str = "",
    now: datetime | None = None,
) -> BuyerAccount:
    """Approve an application (the buyer is recorded as at the counter), ask for a document,
    or refuse it; a document request and a refusal say why. The applicant gets an e-mail."""
    now = now or timezone.now()
    access_check("buyer_account", "review", site=account.site_id, actor=actor)
    if decision not in DECISIONS:
        raise DomainError(
            "invalid", _("Choose a decision."), fields={"decision": [_("Unknown decision.")]}
        )
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise DomainError(
            "reason_required",
            _("Say why (it is sent to the applicant): which document, or why it is refused."),
            fields={"reason": [_("Required for this decision.")]},
        )
    with transaction.atomic():
        locked = BuyerAccount.objects.select_for_update().select_related("site").get(pk=account.pk)
        if locked.status not in BuyerAccount.REVIEWABLE:
            raise DomainError(
                "account_decided",
                _("This application is “%(status)s”: there is nothing to decide.")
                % {"status": locked.get_status_display()},
                status=409,
            )
        if decision == "approve":
            locked.buyer = buyer_create(
                kind=locked.kind,
                name=locked.legal_name,
                actor=actor,
                rna=locked.rna,
                siren=locked.siren,
                siret=locked.siret,
                address=locked.address,
                email=locked.email,
                site=locked.site,
                now=now,
            )
        locked.status = DECISIONS[decision]
        locked.decision_reason = reason
        locked.decided_by = actor
        locked.decided_at = now
        locked.save(
            update_fields=["buyer", "status", "decision_reason", "decided_by", "decided_at"]
        )
        shop_mail(
            to=locked.email,
            template=f"shop/mail/account_{decision}",
            context={
                "account_name": locked.legal_name,
                "contact": locked.contact_name,
                "reason": reason,
                "eligible_until": locked.buyer.eligible_until if locked.buyer else None,
                "shop": locked.site.name,
            },
            site=locked.site,
            actor=actor,
            language=locked.language,
        )
    return locked
