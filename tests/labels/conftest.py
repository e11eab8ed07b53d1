import pytest

from labels.models import Printer
from tests.labels.label_samples import template_name  # noqa: F401  (fixture)


@pytest.fixture
def make_printer(site):
    def make(kind=Printer.Kind.DOWNLOAD, **kwargs):
        kwargs.setdefault("name", f"{kind} {Printer.objects.count() + 1}")
        kwargs.setdefault("site", site)
        if kind in (Printer.Kind.RAW9100, Printer.Kind.BROTHER_QL, Printer.Kind.PDF_RAW):
            kwargs.setdefault("host", "127.0.0.1")
        if kind == Printer.Kind.BROTHER_QL:
            kwargs.setdefault("model", "QL-820NWB")
            kwargs.setdefault("default_stock", "brother-62x29")
        if kind == Printer.Kind.RAW9100:
            kwargs.setdefault("default_stock", "zebra-57x32")
        if kind == Printer.Kind.CUPS:
            kwargs.setdefault("queue", "etiquettes")
        kwargs.setdefault("default_stock", "avery-l7160")
        kwargs.setdefault("timeout_seconds", 3)
        printer = Printer(kind=kind, **kwargs)
        printer.full_clean()
        printer.save()
        return printer

    return make
