"""Forms of the intake bench: they parse and type input; services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Donor
from inventory.selectors import donors_visible_to
from refurb.models import Category
from workshop.forms import DecimalCommaField


class CollectionForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("Donor"), queryset=Donor.objects.order_by("name"), required=False
    )
    donor_name = forms.CharField(label=_("Or a new donor's name"), max_length=160, required=False)
    donor_kind = forms.ChoiceField(
        label=_("New donor is a"), choices=Donor.Kind.choices, initial=Donor.Kind.PERSON
    )
    gross_weight_kg = DecimalCommaField(
        label=_("Weight of the lot (kg)"),
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
    )
    declared_count = forms.IntegerField(
        label=_("Number of items declared"), min_value=0, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # A private person's name is for managers only (inventory.selectors).
            self.fields["donor"].queryset = donors_visible_to(user).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("donor") and not (data.get("donor_name") or "").strip():
            self.add_error("donor", _("Pick a donor or type a new donor's name."))
        return data


class DeviceRegisterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=None
    )
    make = forms.CharField(label=_("Make"), max_length=80, required=False)
    model = forms.CharField(label=_("Model"), max_length=120, required=False)
    serial_number = forms.CharField(
        label=_("Serial number (scan the maker's barcode)"), max_length=80, required=False
    )
    weight_kg = DecimalCommaField(
        label=_("Weight (kg)"),
        max_digits=8,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
    )
