"""Evidence-derived state (hole 7 of issue 15): a drive status edited in the database is found."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo.walks import device_advance
from refurb.integrity import drive_status_recompute, integrity_problems
from refurb.models import Drive
from refurb.services import drive_add, drive_record_erasure
from refurb.states import State


def _raw_status(drive, status):
    with connection.cursor() as cursor:
        table = Drive._meta.db_table
        cursor.execute(f"UPDATE {table} SET status = %s WHERE id = %s", [status, drive.pk])


@pytest.fixture
def pending_drive(laptop, crew):
    return drive_add(device=laptop, actor=crew.bench, serial_number="WD-9")


@pytest.mark.django_db
def test_a_status_edited_in_the_database_breaks_verify_event_chains(pending_drive):
    call_command("verify_event_chains", "--quiet", stdout=StringIO())
    _raw_status(pending_drive, "erased")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_event_chains", "--quiet", stdout=out)
    assert pending_drive.tag in out.getvalue()


@pytest.mark.django_db
def test_check_integrity_reports_the_drive_and_the_device_that_left_with_it(
    laptop, crew, pending_drive
):
    call_command("check_integrity", stdout=StringIO())
    device_advance(laptop, State.SOLD, crew)
    drive = Drive.objects.get(pk=pending_drive.pk)
    assert drive.status == Drive.Status.ERASED
    _raw_status(drive, "pending")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_integrity", stdout=out)
    text = out.getvalue()
    assert f"[data_left] {laptop.asset_tag}" in text
    assert f"[drive_status] {drive.tag}" in text


@pytest.mark.django_db
def test_the_status_is_recomputed_from_all_evidence(pending_drive, crew):
    for result, verified in (("success", True), ("failed", False)):
        drive_record_erasure(
            drive=pending_drive,
            method="clear",
            tool="nwipe",
            result=result,
            verified=verified,
            actor=crew.bench,
        )
    assert pending_drive.status == drive_status_recompute(pending_drive) == Drive.Status.ERASED
    assert integrity_problems() == []


@pytest.mark.django_db
def test_check_integrity_reports_sales_and_reservations_out_of_step(laptop, crew, site):
    from datetime import timedelta

    from demo.walks import demo_buyer
    from shop.models import Reservation, SaleLine

    device_advance(laptop, State.SOLD, crew)
    assert integrity_problems() == []
    SaleLine.objects.filter(device=laptop).update(returned=True)
    Reservation.objects.create(
        device=laptop,
        buyer=demo_buyer(site, crew),
        expires_at=laptop.state_changed_at + timedelta(days=7),
        created_at=laptop.state_changed_at,
    )
    found = {(p.check, p.subject) for p in integrity_problems()}
    assert found == {("sale_lines", laptop.asset_tag), ("reservations", laptop.asset_tag)}
