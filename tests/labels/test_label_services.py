"""print_job_create / print_job_retry against real TCP listeners on loopback."""

import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from brother_ql.labels import LabelsManager

from inventory import services as inventory_services
from labels import sources
from labels.models import Printer, PrintJob
from labels.render.brother import render_brother
from labels.render.zpl import render_zpl
from labels.services import print_job_create, print_job_retry
from labels.stocks import get_stock
from labels.templates import device_tag
from refurb.models import DeviceEvent
from tests import factories
from tests.labels.label_samples import decode
from tests.labels.test_label_brother import _decode_job
from tests.labels.test_label_printing import Listener
from workshop.exceptions import DomainError

NOW = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


def _printed(device):
    return list(DeviceEvent.objects.filter(device=device, code=DeviceEvent.Code.PRINTED))


def test_raw9100_printer_receives_the_exact_zpl_bytes(laptop, bench_worker, make_printer):
    server = Listener()
    try:
        printer = make_printer(Printer.Kind.RAW9100, port=server.port)
        job = print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
        assert server.done.wait(5)
    finally:
        server.close()
    laptop.refresh_from_db()
    expected = render_zpl([device_tag(sources.device_tag_input(laptop))], get_stock("zebra-57x32"))
    assert server.received == expected
    assert job.status == PrintJob.Status.SENT and job.bytes_sent == len(expected)
    assert job.format == "zpl" and job.finished_at is not None


def test_refused_port_records_a_failed_job_and_raises_print_failed(
    laptop, bench_worker, make_printer
):
    printer = make_printer(Printer.Kind.RAW9100, port=_free_port())
    start = time.monotonic()
    with pytest.raises(DomainError) as info:
        print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
    assert time.monotonic() - start < printer.timeout_seconds
    assert info.value.code == "print_failed" and info.value.status == 503
    job = PrintJob.objects.get()
    assert (job.status, job.error_code) == (PrintJob.Status.FAILED, "refused")
    assert "refused" in job.error_message
    assert info.value.job.pk == job.pk
    assert _printed(laptop) == []


def test_print_failed_message_says_what_to_check(laptop, bench_worker, make_printer):
    from django.utils import translation

    printer = make_printer(Printer.Kind.RAW9100, port=_free_port(), name="Zebra accueil")
    with translation.override("en"), pytest.raises(DomainError) as info:
        print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
    assert "Zebra accueil" in info.value.message and "switched on" in info.value.message


def test_retry_after_the_printer_comes_up_sends_the_job(laptop, bench_worker, make_printer):
    port = _free_port()
    printer = make_printer(Printer.Kind.RAW9100, port=port)
    with pytest.raises(DomainError):
        print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
    failed = PrintJob.objects.get()
    server = Listener()
    try:
        Printer.objects.filter(pk=printer.pk).update(port=server.port)
        job = print_job_retry(job=failed, actor=bench_worker)
        assert server.done.wait(5)
    finally:
        server.close()
    assert job.pk == failed.pk and job.status == PrintJob.Status.SENT
    assert job.attempts == 2 and job.error_code == ""
    assert server.received.startswith(b"^XA") and laptop.asset_tag.encode() in server.received
    assert len(_printed(laptop)) == 1


def test_retrying_a_sent_job_is_refused(laptop, bench_worker, make_printer):
    job = print_job_create(
        template="device_tag", codes=[laptop.asset_tag], printer=make_printer(), actor=bench_worker
    )
    with pytest.raises(DomainError) as info:
        print_job_retry(job=job, actor=bench_worker)
    assert info.value.code == "print_job_not_failed" and info.value.status == 409


def test_brother_ql_printer_receives_the_62mm_raster_job(
    laptop, bench_worker, make_printer, tmp_path, monkeypatch
):
    server = Listener()
    try:
        printer = make_printer(Printer.Kind.BROTHER_QL, port=server.port, model="QL-820NWB")
        print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
        assert server.done.wait(5)
    finally:
        server.close()
    laptop.refresh_from_db()
    stock = get_stock("brother-62x29")
    label = device_tag(sources.device_tag_input(laptop))
    assert server.received == render_brother([label], stock, model="QL-820NWB")
    media = server.received.index(b"\x1biz")  # media information: byte 5 is the width in mm
    assert server.received[media + 5] == 62
    [image] = _decode_job(server.received, tmp_path, monkeypatch)
    assert image.height == LabelsManager()["62x29"].dots_printable[1] == 271
    assert laptop.asset_tag in decode(image)


def test_printed_event_is_appended_once_per_device_and_reprints_are_flagged(
    site, bench_worker, make_printer
):
    donor = factories.DonorFactory()
    collection = inventory_services.collection_create(donor=donor, site=site)
    devices = [
        factories.make_device(site=site, actor=bench_worker, collection=collection)
        for _ in range(3)
    ]
    printer = make_printer()
    first = print_job_create(
        template="device_tag", codes=[collection.tag], printer=printer, actor=bench_worker, now=NOW
    )
    again = print_job_create(
        template="device_tag",
        codes=[devices[0].asset_tag],
        printer=printer,
        actor=bench_worker,
        copies=2,
        now=NOW + timedelta(minutes=5),
    )
    assert first.label_count == 3 and again.label_count == 2
    events = {device.pk: _printed(device) for device in devices}
    assert [len(events[d.pk]) for d in devices] == [2, 1, 1]
    assert [e.payload["reprint"] for e in events[devices[0].pk]] == [False, True]
    assert events[devices[1].pk][0].payload == {
        "template": "device_tag",
        "job": first.pk,
        "printer": printer.name,
        "stock": "avery-l7160",
        "copies": 1,
        "reprint": False,
    }
    assert events[devices[1].pk][0].created_at == NOW


def test_same_codes_printed_again_point_to_the_earlier_job(laptop, bench_worker, make_printer):
    printer = make_printer()
    first = print_job_create(
        template="shop_label", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
    )
    second = print_job_create(
        template="shop_label", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
    )
    assert first.reprint_of is None and second.reprint_of_id == first.pk


def test_workstation_printer_is_used_when_none_is_given(
    laptop, bench_worker, station, make_printer
):
    printer = make_printer()
    workstation = station()
    workstation.printer = printer
    workstation.save()
    job = print_job_create(
        template="device_tag",
        codes=[laptop.asset_tag],
        workstation=workstation,
        actor=bench_worker,
    )
    assert job.printer_id == printer.pk and job.workstation_id == workstation.pk
    assert job.document.startswith(b"%PDF")


def test_no_printer_at_all_is_refused_before_anything_is_recorded(laptop, bench_worker, station):
    with pytest.raises(DomainError) as info:
        print_job_create(
            template="device_tag",
            codes=[laptop.asset_tag],
            workstation=station(),
            actor=bench_worker,
        )
    assert info.value.code == "printer_required"
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize(
    ("kind", "stock", "code"),
    [
        (Printer.Kind.RAW9100, "avery-l7651", "stock_unsuitable"),
        (Printer.Kind.BROTHER_QL, "zebra-57x32", "stock_unsuitable"),
        (Printer.Kind.DOWNLOAD, "nope", "stock_unknown"),
    ],
)
def test_stock_the_printer_cannot_take_is_refused(
    laptop, bench_worker, make_printer, kind, stock, code
):
    with pytest.raises(DomainError) as info:
        print_job_create(
            template="device_tag",
            codes=[laptop.asset_tag],
            printer=make_printer(kind),
            stock=stock,
            actor=bench_worker,
        )
    assert info.value.code == code
    assert not PrintJob.objects.exists()


def test_start_position_past_the_sheet_is_refused(laptop, bench_worker, make_printer):
    with pytest.raises(DomainError) as info:
        print_job_create(
            template="device_tag",
            codes=[laptop.asset_tag],
            printer=make_printer(),
            stock="avery-l7160",
            start_at=22,
            actor=bench_worker,
        )
    assert info.value.code == "invalid" and "start_at" in info.value.fields


def test_bin_labels_of_a_whole_site_print_as_one_job_from_a_start_position(
    site, bench_worker, make_printer
):
    for name in ("Bac 1", "Bac 2", "Bac 3"):
        inventory_services.location_create(site=site, name=name)
    job = print_job_create(
        template="location_label",
        codes=[site.code],
        printer=make_printer(),
        stock="avery-l7651",
        start_at=64,
        actor=bench_worker,
    )
    import pypdfium2 as pdfium

    assert job.label_count == 3 and job.start_at == 64
    assert len(pdfium.PdfDocument(job.document)) == 2  # slots 64, 65, then a new sheet


def test_shop_labels_of_every_device_on_sale_from_a_queryset(site, bench_worker, make_printer):
    from labels.selectors import shop_devices
    from tests.labels.test_label_sources import on_sale_device

    devices = [on_sale_device(site) for _ in range(2)]
    factories.make_device(site=site, actor=bench_worker)  # received: not on sale
    job = print_job_create(
        template="shop_label",
        objects=shop_devices(site),
        printer=make_printer(),
        actor=bench_worker,
    )
    assert sorted(job.codes) == sorted(d.asset_tag for d in devices)
    assert all(len(_printed(d)) == 1 for d in devices)


def test_demo_intake_erasure_and_shop_print_to_the_loopback_printer_of_their_site(db):
    import io

    from django.core.management import call_command

    from workshop.models import Workstation, WorkstationKind

    call_command("seed_demo", stdout=io.StringIO())
    kinds = (WorkstationKind.INTAKE, WorkstationKind.ERASURE, WorkstationKind.SHOP)
    printing = list(Workstation.objects.filter(kind__in=kinds).select_related("printer"))
    assert {w.kind for w in printing} == set(kinds)
    assert all(
        w.printer.kind == Printer.Kind.RAW9100
        and w.printer.host == "127.0.0.1"
        and w.printer.site_id == w.site_id
        for w in printing
    )


def test_codes_given_as_a_generator_are_recorded_on_the_job(laptop, bench_worker, make_printer):
    job = print_job_create(
        template="device_tag",
        codes=(code for code in [laptop.asset_tag]),
        printer=make_printer(),
        actor=bench_worker,
    )
    assert job.codes == [laptop.asset_tag] and job.label_count == 1
