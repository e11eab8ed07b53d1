"""The print form: what the print screen and bench "print" links submit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from labels.models import STOCK_CHOICES, TEMPLATE_CHOICES, Printer
from workshop.models import Workstation


class PrintForm(forms.Form):
    template = forms.ChoiceField(label=_("Label"), choices=TEMPLATE_CHOICES)
    codes = forms.CharField(
        label=_("Codes"),
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
        help_text=_("Scan or type one code a line: device, drive, bin, collection or site."),
    )
    stock = forms.ChoiceField(
        label=_("Stock"),
        choices=[("", _("The printer's loaded stock"))] + STOCK_CHOICES,
        required=False,
    )
    printer = forms.ModelChoiceField(
        label=_("Printer"),
        queryset=Printer.objects.filter(is_active=True).select_related("site"),
        required=False,
        empty_label=_("The workstation's printer"),
    )
    workstation = forms.ModelChoiceField(
        label=_("Workstation"),
        queryset=Workstation.objects.filter(is_active=True).select_related("site"),
        required=False,
    )
    start_at = forms.IntegerField(label=_("Start position on the sheet"), initial=1, min_value=1)
    copies = forms.IntegerField(label=_("Copies"), initial=1, min_value=1, max_value=100)

    def __init__(self, *args, site=None, **kwargs):
        """``site``: the workstation's site, whose printers and workstations are listed
        (every site's otherwise, each printer named with its site)."""
        super().__init__(*args, **kwargs)
        if site is not None:
            self.fields["printer"].queryset = self.fields["printer"].queryset.filter(site=site)
            self.fields["workstation"].queryset = self.fields["workstation"].queryset.filter(
                site=site
            )
        self.fields["printer"].label_from_instance = lambda p: f"{p.name} · {p.site.code}"

    def clean_codes(self) -> list[str]:
        raw = self.cleaned_data["codes"].replace(",", "\n").split()
        return [code.strip() for code in raw if code.strip()]
