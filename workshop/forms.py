"""Forms of the bench screens: they parse and type input; services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
