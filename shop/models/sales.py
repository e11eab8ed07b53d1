"""What was sold: sales and their invoices, credit notes, and the gapless document counters.

Sales, invoices and credit notes keep a snapshot of what was printed (names, tags, serials,
amounts) so an invoice reads the same forever.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import Part
from refurb.models import Device
from shop.models.buyers import Buyer
from shop.models.common import VatRegime, money_field
from shop.models.kits import Kit
from workshop.models import Site


class DocumentCounter(models.Model):
    """The last number given to an invoice or credit note of one site and year (gapless).

    Locked with ``select_for_update`` in the same transaction as the document it numbers, so a
    rolled-back sale gives its number back. Never a database sequence (they skip on rollback).
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit", _("Credit note")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_documentcounter"
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "year"], name="doccounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.kind} {self.year}: {self.last_number}"


class InvoiceImmutable(Exception):
    """An invoice or a credit note is never changed once issued: a correction is a credit
    note (``shop.services.sale_return``)."""


class IssuedDocument(models.Model):
    """A document that, once saved, only ever changes in ``CHANGEABLE`` fields (set in the
    transaction that issues it, or bookkeeping that is not printed)."""

    CHANGEABLE: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.CHANGEABLE:
                raise InvoiceImmutable(
                    f"{type(self).__name__} {self.pk} is issued: a correction is a credit note."
                )
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceImmutable(f"{type(self).__name__} {self.pk} is issued: it is never deleted.")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    FREE = "free", _("Free of charge")


class Sale(IssuedDocument):
    """A completed sale and its invoice (number, seller and buyer as printed, totals)."""

    # The VAT total is summed from the lines in the transaction that issues the invoice.
    CHANGEABLE = frozenset({"vat_total"})

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("invoice number"), max_length=24, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="sales")
    tier = models.CharField(_("price tier"), max_length=10, choices=Buyer.Tier.choices)
    payment_method = models.CharField(_("payment"), max_length=8, choices=PaymentMethod.choices)
    vat_regime = models.CharField(_("VAT regime"), max_length=8, choices=VatRegime.choices)
    total = money_field(_("total"))
    vat_total = money_field(_("VAT"))
    warranty_until = models.DateField(_("warranty until"))
    due_on = models.DateField(_("payment due on"), null=True, blank=True)
    seller = models.JSONField(_("seller as printed"))
    buyer_snapshot = models.JSONField(_("buyer as printed"))
    completed_at = models.DateTimeField(_("sold at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    workstation = models.ForeignKey(
        "workshop.Workstation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_sale"
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "seq"], name="sale_unique_seq")
        ]
        indexes = [models.Index(fields=["buyer", "completed_at"], name="sale_buyer_date")]

    def __str__(self) -> str:
        return self.number


class SaleLine(IssuedDocument):
    """One device sold; a kit's price is shared out over its devices (sums exactly)."""

    # Whether the device came back: bookkeeping of returns, never printed on the invoice.
    CHANGEABLE = frozenset({"returned"})

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="sale_lines")
    kit = models.ForeignKey(
        Kit, on_delete=models.PROTECT, null=True, blank=True, related_name="sale_lines"
    )
    position = models.PositiveSmallIntegerField()
    asset_tag = models.CharField(max_length=20)
    serial_number = models.CharField(max_length=80, blank=True)
    description = models.CharField(max_length=200)
    category_code = models.CharField(max_length=32)
    # The system installed when it was sold ("Linux Mint 22.1"), as the invoice says it.
    system = models.CharField(_("system installed"), max_length=130, blank=True, default="")
    price = money_field(_("price"))
    vat = money_field(_("VAT"))
    returned = models.BooleanField(default=False)
    # The guarantees of this device, as printed on the invoice: the legal guarantee of
    # conformity (consumers only: 24 months from delivery, art. L. 217-3 code de la
    # consommation; sales made before 2026-12-02 stored 12 months, the presumption period of
    # used goods, art. L. 217-7, as issued) and the workshop's commercial warranty. Null on
    # sales made before either was stored.
    legal_guarantee_until = models.DateField(_("legal guarantee until"), null=True, blank=True)
    commercial_warranty_until = models.DateField(
        _("commercial warranty until"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_saleline"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.price}"


class PartSaleLine(IssuedDocument):
    """One part sold at the counter, on the same invoice as the devices (one price, every
    tier). A part is sold once; its origin device is printed on the invoice. A part taken back
    under warranty gets a credit note line (``shop.services.sale_return``)."""

    # Whether the part came back: bookkeeping of returns, never printed on the invoice.
    CHANGEABLE = frozenset({"returned"})

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="part_lines")
    part = models.OneToOneField(Part, on_delete=models.PROTECT, related_name="sale_line")
    position = models.PositiveSmallIntegerField()
    tag = models.CharField(max_length=20)
    description = models.CharField(max_length=200)
    category_code = models.CharField(max_length=32)
    origin_tag = models.CharField(max_length=20, blank=True)
    price = money_field(_("price"))
    vat = money_field(_("VAT"))
    returned = models.BooleanField(default=False)

    kit_id = None  # read like a device line by the invoice
    serial_number = ""
    system = ""

    class Meta:
        verbose_name = _("part sale line")
        verbose_name_plural = _("part sale lines")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.tag} · {self.price}"

    @property
    def asset_tag(self) -> str:
        return self.tag


class CreditNote(IssuedDocument):
    """An avoir: money given back for devices returned under warranty (gapless numbering)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("credit note number"), max_length=24, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(_("reason"), max_length=200)
    total = money_field(_("total"))
    vat_total = money_field(_("VAT"))
    created_at = models.DateTimeField(_("created at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_creditnote"
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "seq"], name="creditnote_unique_seq")
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(IssuedDocument):
    """One line given back: a device line or a part line of the invoice (exactly one)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    sale_line = models.OneToOneField(
        SaleLine, on_delete=models.PROTECT, null=True, blank=True, related_name="credit"
    )
    part_line = models.OneToOneField(
        PartSaleLine, on_delete=models.PROTECT, null=True, blank=True, related_name="credit"
    )
    amount = money_field(_("amount"))
    vat = money_field(_("VAT"))

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_creditnoteline"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(sale_line__isnull=False) & models.Q(part_line__isnull=True))
                | (models.Q(sale_line__isnull=True) & models.Q(part_line__isnull=False)),
                name="creditnoteline_one_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sale_line_id or self.part_line_id}: {self.amount}"

    @property
    def line(self) -> SaleLine | PartSaleLine:
        """The invoice line given back (a device's or a part's)."""
        return self.sale_line if self.sale_line_id else self.part_line

    @property
    def asset_tag(self) -> str:
        return self.line.asset_tag
