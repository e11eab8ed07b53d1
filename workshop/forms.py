"""Forms of the bench screens: they parse and type input; services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Donor
from refurb.models import Category, Destruction, Drive, Erasure, NistMethod


class BadgeSignInForm(forms.Form):
    badge = forms.CharField(label=_("Badge"), max_length=64)
    pin = forms.CharField(label=_("PIN"), max_length=8, required=False, strip=True)


class PasswordSignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False)


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type a code"), max_length=120, required=False)
    device = forms.CharField(required=False, max_length=20)


class CollectionForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("Donor"), queryset=Donor.objects.order_by("name"), required=False
    )
    donor_name = forms.CharField(label=_("Or a new donor's name"), max_length=160, required=False)
    donor_kind = forms.ChoiceField(
        label=_("New donor is a"), choices=Donor.Kind.choices, initial=Donor.Kind.PERSON
    )
    gross_weight_kg = forms.DecimalField(
        label=_("Weight of the lot (kg)"),
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
    )
    declared_count = forms.IntegerField(
        label=_("Number of items declared"), min_value=0, required=False
    )

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
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"),
        max_digits=8,
        decimal_places=3,
        min_value=Decimal("0"),
        required=False,
    )


class DriveAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Drive.Kind.choices)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    model = forms.CharField(label=_("Model"), max_length=120, required=False)
    capacity_gb = forms.IntegerField(label=_("Capacity (GB)"), min_value=0, required=False)


class ErasureForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method (NIST SP 800-88)"),
        choices=[
            (NistMethod.CLEAR, NistMethod.CLEAR.label),
            (NistMethod.PURGE, NistMethod.PURGE.label),
        ],
    )
    tool = forms.CharField(label=_("Tool"), max_length=80, initial="nwipe")
    passes = forms.IntegerField(label=_("Passes"), min_value=1, max_value=99, initial=1)
    verified = forms.BooleanField(label=_("Verified after erasure"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=Erasure.Result.choices)


class DestructionForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Destruction.Method.choices)
    witness = forms.CharField(label=_("Witness"), max_length=120)


class TestResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        choices=[("1", _("Pass")), ("0", _("Fail"))], coerce=lambda value: value == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


TestResultForm.__test__ = False


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=16)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    grade = forms.CharField(label=_("Grade"), max_length=1, required=False)


def form_errors(form) -> str:
    """Return a form's errors as one line a worker can read."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
