"""Forms of the intake bench: they parse and type input; services decide what is allowed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Donor
from inventory.selectors import donors_visible_to
from refurb.models import Category
from workshop.forms import DecimalCommaField
from workshop.models import Site
from workshop.selectors import user_site_ids


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


def quarter_bounds(day):
    """The first and last day of the calendar quarter of ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, following - timedelta(days=1)


class SitePeriodForm(forms.Form):
    """A site among the reader's own and a period (the current quarter unless chosen): what
    the waste register and the audit archive are read for."""

    site = forms.ModelChoiceField(queryset=None, required=False, label=_("Site"))
    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, user, today=None, **kwargs):
        if data is not None and not any(key in data for key in ("date_from", "date_to")):
            data = None
        start, end = quarter_bounds(today or timezone.localdate())
        super().__init__(data, initial={"date_from": start, "date_to": end}, **kwargs)
        self.user_site_ids = user_site_ids(user)
        sites = Site.objects.order_by("code")
        if self.user_site_ids is not None:
            sites = sites.filter(pk__in=self.user_site_ids)
            self.fields["site"].required = True
            self.fields["site"].empty_label = None
        else:
            self.fields["site"].empty_label = _("every site")
        self.fields["site"].queryset = sites

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

    def scope(self):
        """(site ids or None for every site, first day, last day) of a valid form, or of the
        defaults when nothing was submitted."""
        if self.is_bound:
            data = self.cleaned_data
        else:
            data = dict(self.initial)
            data["site"] = (
                self.fields["site"].queryset.first() if self.user_site_ids is not None else None
            )
        site = data.get("site")
        site_ids = [site.pk] if site is not None else None
        if site_ids is None and self.user_site_ids is not None:
            site_ids = sorted(self.user_site_ids)
        return site_ids, data["date_from"], data["date_to"]
