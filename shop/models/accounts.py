"""Association accounts: an organisation signs up online, shop staff review it.

The account is a Django user (its e-mail address is the user name) and an application: the
organisation's kind, identifiers and legal name as typed, the contact person and the site it
buys from. Until shop staff approve it there is no ``Buyer``; the approval records one with
``shop.services.buyer_create``, exactly as at the counter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models.buyers import Buyer
from workshop.models import Site


class BuyerAccount(models.Model):
    """An organisation's online account and the review of its application."""

    class Status(models.TextChoices):
        EMAIL_PENDING = "email_pending", _("E-mail address not confirmed yet")
        REVIEW = "review", _("Waiting for review")
        DOCUMENT = "document", _("Document asked for")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    KINDS = (
        Buyer.Kind.ASSOCIATION,
        Buyer.Kind.FOUNDATION,
        Buyer.Kind.LIBRARY,
        Buyer.Kind.PUBLIC_BODY,
    )
    REVIEWABLE = frozenset({Status.REVIEW, Status.DOCUMENT})

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buyer_account"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="buyer_accounts", verbose_name=_("shop")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Buyer.Kind.choices)
    legal_name = models.CharField(_("legal name"), max_length=160)
    rna = models.CharField(_("RNA number"), max_length=10, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), unique=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.EMAIL_PENDING
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    buyer = models.OneToOneField(
        Buyer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("buyer"),
    )
    created_at = models.DateTimeField(_("created at"))
    # The language its e-mails are written in: French, or English when the signup was made in
    # English (the language asked for on the site).
    language = models.CharField(
        _("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        verbose_name = _("association account")
        verbose_name_plural = _("association accounts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "status"], name="buyeraccount_review")]

    def __str__(self) -> str:
        return self.legal_name
