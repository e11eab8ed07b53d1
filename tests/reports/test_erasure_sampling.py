"""The erasure report shows the R2v3 verification sampling, in French, on screen and in CSV."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from refurb import services as refurb_services
from refurb.models import VerificationSample
from workshop import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(settings, laptop, bench_worker, make_user):
    """Two proofs drawn: one checked and failed, one still to check; one proof not drawn."""
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    for serial in ("S-1", "S-2", "S-3"):
        drive = refurb_services.drive_add(device=laptop, actor=bench_worker, serial_number=serial)
        refurb_services.drive_record_erasure(
            drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
            verified=True, actor=bench_worker,
        )  # fmt: skip
    VerificationSample.objects.filter(erasure__drive__serial_number="S-3").delete()
    checker = make_user(roles.BENCH_WORKER, username="checker")
    sample = VerificationSample.objects.get(erasure__drive__serial_number="S-1")
    refurb_services.verification_record(sample=sample, actor=checker, passed=False, note="x")
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.05


def _rows(html: str) -> list[tuple[str, str]]:
    """The screen's rows: a label and its value (the codes are in the CSV only)."""
    table = re.search(r'<table data-report="erasure_sampling".*?</table>', html, re.S).group(0)
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", table)


def test_the_report_shows_the_sampling_figures(client, manager, sampled):
    client.force_login(manager)
    rows = _rows(client.get(reverse("reports:index")).content.decode())
    nnbsp = "\u202f"
    assert [value for _label, value in rows] == [
        f"5{nnbsp}%",
        "3",
        "2",
        f"66,7{nnbsp}%",
        "1",
        "0",
        "1",
        "1",
    ]
    assert rows[-1][0] == "contrôles restant à faire"


def test_the_sampling_figures_export_as_csv(client, manager, sampled):
    client.force_login(manager)
    csv = client.get(reverse("reports:csv", args=["erasure_sampling"])).content.decode()
    assert "failed,1" in csv.replace("\r", "") and "pending,1" in csv
