"""Forms of the bench screens: they parse and type input; services decide what is allowed."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class DecimalCommaField(forms.DecimalField):
    """A decimal typed the French way or the English way: "2,1", "2.1", "1 250,5" all read.

    A single comma is the decimal separator (numbers are never typed with a thousands comma
    at the benches); spaces, no-break spaces and a trailing unit-less blank are ignored.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value)
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class BadgeSignInForm(forms.Form):
    badge = forms.CharField(label=_("Badge"), max_length=64)
    pin = forms.CharField(label=_("PIN"), max_length=8, required=False, strip=True)


class PasswordSignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False)


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type a code"), max_length=120, required=False)
    device = forms.CharField(required=False, max_length=20)


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
        parts.append(
            gettext("%(label)s: %(errors)s") % {"label": label, "errors": text} if label else text
        )
    return " ".join(parts)
