"""Forms of the donation screens: the public offer form, triage, rounds and pick-up slips.

The forms only read what people type; every rule is ``inventory.services.donations``.
"""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import DonationOffer, Donor, OfferLine
from inventory.services.donations import LineInput
from refurb.models import Category
from workshop.forms import DecimalCommaField
from workshop.models import Site

# The categories offered on the public form, in this order when they exist.
OFFER_CATEGORIES = ["laptop", "desktop", "all-in-one", "screen", "tablet", "phone", "printer"]


def offer_categories() -> list[Category]:
    by_code = {c.code: c for c in Category.objects.filter(code__in=OFFER_CATEGORIES)}
    found = [by_code[code] for code in OFFER_CATEGORIES if code in by_code]
    return found or list(Category.objects.order_by("order", "code")[:8])


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class OfferForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("Workshop"), empty_label=None)
    kind = forms.ChoiceField(choices=Donor.Kind.choices, label=_("You are"))
    organisation = forms.CharField(max_length=160, label=_("Organisation"), required=False)
    siret = forms.CharField(max_length=20, required=False, label=_("SIRET (optional)"))
    contact_name = forms.CharField(max_length=120, required=False, label=_("Contact person"))
    contact_email = forms.CharField(max_length=254, required=False, label=_("Contact e-mail"))
    contact_phone = forms.CharField(max_length=30, required=False, label=_("Phone (optional)"))
    address = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Pick-up address")
    )
    window_start = forms.CharField(required=False, widget=DateInput, label=_("From"))
    window_end = forms.CharField(required=False, widget=DateInput, label=_("Until"))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=_("Anything we should know (floor, access, opening hours)"),
    )
    consent = forms.BooleanField(
        required=False,
        label=_(
            "I accept that the workshop keeps these details to handle this donation and to "
            "send me its certificates (privacy notice above)."
        ),
    )
    # The honeypot: hidden from people by the stylesheet, filled by robots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.order_by("code")
        self.categories = categories
        for category in categories:
            code = category.code
            self.fields[f"count_{code}"] = forms.IntegerField(
                required=False, min_value=0, max_value=5000, label=category.name
            )
            self.fields[f"age_{code}"] = forms.ChoiceField(
                choices=[("", "—"), *OfferLine.Age.choices],
                required=False,
                label=_("Approximate age"),
            )
            self.fields[f"drives_{code}"] = forms.BooleanField(
                required=False, initial=category.holds_data, label=_("Drives inside")
            )
            self.fields[f"destroy_{code}"] = forms.BooleanField(
                required=False, label=_("Drives destroyed on site")
            )

    def category_rows(self):
        return [
            {
                "category": c,
                "count": self[f"count_{c.code}"],
                "age": self[f"age_{c.code}"],
                "drives": self[f"drives_{c.code}"],
                "destroy": self[f"destroy_{c.code}"],
            }
            for c in self.categories
        ]

    def lines(self) -> list[LineInput]:
        data = self.cleaned_data
        return [
            LineInput(
                category=c.code,
                count=data.get(f"count_{c.code}") or 0,
                age=data.get(f"age_{c.code}") or "",
                drives_inside=bool(data.get(f"drives_{c.code}")),
                destroy_on_site=bool(data.get(f"destroy_{c.code}")),
            )
            for c in self.categories
        ]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=_("Reason (sent to the donor)"),
    )


class RoundForm(forms.Form):
    date = forms.CharField(widget=DateInput, required=False, label=_("Day of the round"))
    time_from = forms.TimeField(widget=TimeInput, required=False, label=_("Van expected from"))
    time_until = forms.TimeField(widget=TimeInput, required=False, label=_("Van expected until"))
    vehicle = forms.CharField(max_length=80, required=False, label=_("Vehicle"))
    driver = forms.ModelChoiceField(queryset=None, required=False, label=_("Driver"))

    def __init__(self, *args, offers, drivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = drivers
        self.fields["driver"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.offers = list(offers)
        for offer in self.offers:
            self.fields[f"stop_{offer.pk}"] = forms.IntegerField(
                required=False, min_value=1, max_value=99, label=_("Stop number")
            )
            self.fields[f"weight_{offer.pk}"] = DecimalCommaField(
                required=False, label=_("Estimated weight (kg)")
            )

    def offer_rows(self):
        return [
            {"offer": o, "stop": self[f"stop_{o.pk}"], "weight": self[f"weight_{o.pk}"]}
            for o in self.offers
        ]

    def stops(self) -> list[tuple[DonationOffer, object]]:
        chosen = []
        for offer in self.offers:
            number = self.cleaned_data.get(f"stop_{offer.pk}")
            if number:
                weight = self.cleaned_data.get(f"weight_{offer.pk}")
                chosen.append((number, offer.pk, offer, weight if weight is not None else 0))
        return [(offer, weight) for _n, _pk, offer, weight in sorted(chosen)]


def png_from_data_url(value: str) -> bytes:
    """The PNG bytes of the canvas's ``data:image/png;base64,…`` value ('' when empty)."""
    prefix = "data:image/png;base64,"
    if not value or not value.startswith(prefix):
        return b""
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        return b"not a png"


class SlipForm(forms.Form):
    weight_kg = forms.CharField(required=False, label=_("Weight (kg)"))
    donor_signatory = forms.CharField(
        max_length=120, required=False, label=_("Signed for the donor by")
    )
    donor_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    driver_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    scan = forms.FileField(required=False, label=_("Or the signed printed slip, scanned"))

    def __init__(self, *args, categories: list[Category], offer: DonationOffer, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        declared = {line.category_id: line.count for line in offer.lines.all()}
        for category in categories:
            self.fields[f"count_{category.code}"] = forms.CharField(
                required=False,
                initial=declared.get(category.pk, 0),
                label=category.name,
                widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            )

    def count_fields(self):
        return [self[f"count_{c.code}"] for c in self.categories]

    def counts(self) -> dict[str, object]:
        return {c.code: self.cleaned_data.get(f"count_{c.code}") or 0 for c in self.categories}
