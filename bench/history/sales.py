"""Write the shop's side of seeded histories: prices, one-line sales, returns and kits.

Sold devices are on a one-line invoice numbered without gaps per site and year, returned ones
on a credit note; every device that went on sale has its price; a few devices on sale are
assembled in pairs under a kit tag. ``ShopHistory`` keeps the ids it hands out.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from demo.walks import REASONS
from refurb.states import State
from shop.models import (
    LEGAL_GUARANTEE_MONTHS,
    Buyer,
    CreditNote,
    Kit,
    PaymentMethod,
    PriceRule,
    Sale,
    SaleLine,
)
from shop.selectors import add_months
from shop.services.sales import credit_note_number, invoice_number
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.tags import KIT, make_tag

FALLBACK_PRICE = (Decimal("30.00"), Decimal("60.00"))


class ShopHistory:
    """Write a device's price, sale, return and kit rows, numbering them as the shop would."""

    def __init__(self, grades: dict[str, int]):
        self.grades = grades
        self.next_sale = (Sale.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_line = (SaleLine.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_note = (CreditNote.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_kit = (Kit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.rules = {
            (rule.category_id, rule.grade_id): rule
            for rule in PriceRule.objects.filter(is_active=True, spec_tier__isnull=True)
        }

    def price(self, chunk, device_id, category, grade_code, moment):
        """Write the price its category and grade's rule gives (else a fallback); return it."""
        rule = self.rules.get((category.pk, self.grades.get(grade_code)))
        if rule is None:
            rule_id, (solidarity, standard) = None, FALLBACK_PRICE
        else:
            solidarity = Decimal("0.00") if rule.free_of_charge else rule.solidarity_price
            rule_id, standard = rule.pk, rule.standard_price
        chunk.prices.append(
            (device_id, rule_id, "", solidarity, standard, solidarity == 0, False, "", moment)
        )
        return rule_id, solidarity, standard

    def sold(self, chunk, site, device, price, moment):
        """Write a one-line sale, its invoice numbered gaplessly per site and year."""
        device_id, tag, serial, category, make, model = device
        year = timezone.localtime(moment).year
        seq = site.invoices[year] = site.invoices.get(year, 0) + 1
        number = invoice_number(site.code, year, seq)
        buyer_id, snapshot = site.buyers[device_id % len(site.buyers)]
        amount = price[1]
        day = timezone.localtime(moment).date()
        warranty = add_months(day, 12)
        # The regular buyers of the data set are people: the legal guarantee applies.
        legal = None if snapshot.get("professional") else add_months(day, LEGAL_GUARANTEE_MONTHS)
        sale_id, line_id = self.next_sale, self.next_line
        self.next_sale += 1
        self.next_line += 1
        chunk.sales.append(
            (
                sale_id, site.id, number, year, seq, buyer_id, Buyer.Tier.SOLIDARITY,
                PaymentMethod.CASH if amount else PaymentMethod.FREE, site.vat_regime, amount,
                Decimal("0.00"), warranty, day, site.seller, snapshot, moment,
                site.crew[roles.SHOP], site.stations[WK.SHOP],
            )
        )  # fmt: skip
        chunk.sale_lines.append(
            [
                line_id, sale_id, device_id, None, 1, tag, serial, f"{make} {model}".strip(),
                category.code, "", amount, Decimal("0.00"), legal, warranty, False,
            ]
        )  # fmt: skip
        self._last_sale = (sale_id, number, line_id, amount)
        return {"invoice": number, "price": str(amount), "kit": None}

    def returned(self, chunk, site, moment):
        """Take the device just sold back with a credit note (numbered per site and year)."""
        sale_id, number, line_id, amount = self._last_sale
        chunk.sale_lines[-1][-1] = True
        year = timezone.localtime(moment).year
        seq = site.credit_notes[year] = site.credit_notes.get(year, 0) + 1
        note_number = credit_note_number(site.code, year, seq)
        note_id = self.next_note
        self.next_note += 1
        chunk.credit_notes.append(
            (
                note_id, site.id, note_number, year, seq, sale_id, REASONS.get(State.RETURNED, ""),
                amount, Decimal("0.00"), moment, site.crew[roles.SHOP],
            )
        )  # fmt: skip
        chunk.credit_lines.append((note_id, line_id, None, amount, Decimal("0.00")))
        return {"invoice": number, "credit_note": note_number}

    def kit_open(self, site, moment):
        """Take the next kit id and tag of ``site``; return the kit, with no member yet."""
        site.next_kit += 1
        kit_id = self.next_kit
        self.next_kit += 1
        return (kit_id, make_tag(site.code, KIT, site.next_kit), moment, [])

    def kit_close(self, chunk, site, kit):
        """Write the kit, priced as the sum of its members, and one item per member."""
        kit_id, kit_tag, _opened, members = kit
        chunk.kits.append(
            (
                kit_id, site.id, kit_tag, "Poste complet", sum(m[1][1] for m in members),
                sum(m[1][2] for m in members), Kit.Status.ASSEMBLED, max(m[2] for m in members),
                site.crew[roles.SHOP],
            )
        )  # fmt: skip
        for position, (device_id, _price, _moment) in enumerate(members):
            chunk.kit_items.append((kit_id, device_id, position, True))
