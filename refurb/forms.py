"""Forms of the erasure and test benches: they parse and type input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refurb.models import Destruction, Drive, Erasure, LicenceKey, NistMethod, SystemImage


class DriveAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Drive.Kind.choices)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    model = forms.CharField(label=_("Model"), max_length=120, required=False)
    capacity_gb = forms.IntegerField(label=_("Capacity (GB)"), min_value=0, required=False)


class ErasureForm(forms.Form):
    """An erasure typed in by hand: each question in plain words, none answered in advance.

    ``verified`` and ``result`` (what the service records) come from the two answers. An
    erasure whose verification was not done is not recorded at all: the worker is told to
    run the verification first, instead of the drive silently becoming "to destroy".
    """

    method = forms.ChoiceField(
        label=_("Method (NIST SP 800-88)"),
        choices=[
            (NistMethod.CLEAR, NistMethod.CLEAR.label),
            (NistMethod.PURGE, NistMethod.PURGE.label),
        ],
    )
    tool = forms.CharField(label=_("Tool"), max_length=80, initial="nwipe")
    passes = forms.IntegerField(label=_("Passes"), min_value=1, max_value=99, initial=1)
    finished = forms.ChoiceField(
        label=_("Did the tool finish without an error?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer: did the tool finish without an error?")},
    )
    verification = forms.ChoiceField(
        label=_("Did the verification succeed?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("not_done", _("Not done"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer: did the verification succeed?")},
    )

    def clean(self):
        data = super().clean()
        finished, verification = data.get("finished"), data.get("verification")
        if finished == "yes" and verification == "not_done":
            raise forms.ValidationError(
                _(
                    "Nothing recorded: run the tool's verification first (nwipe: “Verify” "
                    "on the last pass), then answer again."
                ),
                code="verification_not_done",
            )
        if finished and verification:
            data["result"] = Erasure.Result.SUCCESS if finished == "yes" else Erasure.Result.FAILED
            data["verified"] = finished == "yes" and verification == "yes"
        return data


class DestructionForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Destruction.Method.choices)
    witness = forms.CharField(label=_("Witness"), max_length=120)


class TestResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        choices=[("1", _("Pass")), ("0", _("Fail"))], coerce=lambda value: value == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


TestResultForm.__test__ = False  # not a pytest test class


class SystemInstallForm(forms.Form):
    """The system installed at the test or grading bench: which image, and the first boot.

    The two submit buttons say whether the first boot check passed; the image list is the
    active images (``refurb.selectors.system_images_offered``), checked again by the service.
    """

    image = forms.CharField(
        label=_("System installed"),
        max_length=40,
        error_messages={"required": _("Choose the system installed.")},
    )
    first_boot = forms.ChoiceField(
        label=_("First boot check"),
        choices=[("passed", _("Passed")), ("failed", _("Failed"))],
        error_messages={"required": _("Say whether the first boot check passed.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LicenceLoadForm(forms.Form):
    """A manager's batch of licences for one proprietary image: one key per line."""

    image = forms.ModelChoiceField(
        label=_("System image"),
        queryset=None,
        error_messages={"required": _("Choose the proprietary image these licences are for.")},
    )
    kind = forms.ChoiceField(label=_("Kind of licence"), choices=LicenceKey.Kind.choices)
    keys = forms.CharField(
        label=_("Licence keys, one per line"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        max_length=20000,
        error_messages={"required": _("Paste the licence keys, one per line.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].queryset = SystemImage.objects.filter(licence=SystemImage.Licence.KEY)
