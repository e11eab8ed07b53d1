"""Forms of the erasure and test benches: they parse and type input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refurb.models import Destruction, Drive, Erasure, NistMethod


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


TestResultForm.__test__ = False  # not a pytest test class
