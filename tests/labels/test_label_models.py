import pytest
from django.core.exceptions import ValidationError

from labels.models import Printer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"kind": Printer.Kind.CUPS}, "queue"),
        ({"kind": Printer.Kind.RAW9100}, "host"),
        ({"kind": Printer.Kind.PDF_RAW}, "host"),
        ({"kind": Printer.Kind.BROTHER_QL, "host": "10.0.0.5"}, "model"),
        (
            {"kind": Printer.Kind.RAW9100, "host": "z", "default_stock": "avery-l7160"},
            "default_stock",
        ),
        (
            {
                "kind": Printer.Kind.BROTHER_QL,
                "host": "b",
                "model": "QL-700",
                "default_stock": "zebra-57x32",
            },
            "default_stock",
        ),
    ],
)
def test_printer_says_which_setting_its_kind_needs(site, fields, missing):
    with pytest.raises(ValidationError) as info:
        Printer(site=site, name="P", **fields).full_clean()
    assert missing in info.value.message_dict


def test_download_printer_needs_no_address(site):
    Printer(site=site, name="Navigateur", kind=Printer.Kind.DOWNLOAD).full_clean()


def test_workstation_refuses_a_printer_of_another_site(site, station):
    other = factories.SiteFactory(code="SE")
    printer = Printer.objects.create(site=other, name="P", kind=Printer.Kind.DOWNLOAD)
    workstation = station()
    workstation.printer = printer
    with pytest.raises(ValidationError) as info:
        workstation.full_clean()
    assert "printer" in info.value.message_dict
