"""Labels where the work happens: registering, adding a drive and putting on sale print at
the workstation's printer, once per action, and a dead printer never blocks the work.

The printer is the demo's raw-9100 listener (``demo/printer.py``) on loopback; what it
receives is drawn by zplkit and the barcode read back with zxing-cpp.
"""

from __future__ import annotations

import socket
from http.cookies import SimpleCookie

import pytest
from django.urls import reverse

from demo.printer import DemoPrinter
from demo.walks import Crew, device_advance, device_make_safe
from labels.models import Printer, PrintJob
from refurb.models import Category, Device, Drive
from refurb.states import State
from tests.labels.label_samples import decode
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


@pytest.fixture
def loopback_printer(tmp_path):
    server = DemoPrinter("127.0.0.1", 0, tmp_path / "printed").start()
    yield server
    server.stop()


def _printer_row(site, port, name="Zebra accueil"):
    printer = Printer(
        site=site,
        name=name,
        kind=Printer.Kind.RAW9100,
        host="127.0.0.1",
        port=port,
        default_stock="zebra-57x32",
        timeout_seconds=2,
    )
    printer.full_clean()
    printer.save()
    return printer


@pytest.fixture
def bench_at(client, station, site):
    """``use(user, kind, port)``: sign in at a ``kind`` workstation printing to ``port``."""

    def use(user, kind, port):
        workstation = station(kind)
        workstation.printer = _printer_row(site, port, name=f"Zebra {kind}")
        workstation.save()
        client.force_login(user)
        client.post(reverse("bench:workstation"), {"workstation": workstation.pk})
        return client

    return use


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


def _register(client, token="t-register-1", serial="SN-LABEL-1"):
    return client.post(
        reverse("bench:device-register"),
        {
            "category": Category.objects.get(code="laptop").pk,
            "make": "Dell",
            "model": "Latitude 5490",
            "serial_number": serial,
            "weight_kg": "2.1",
            "form_token": token,
        },
        follow=True,
    )


def test_registering_a_device_prints_its_tag_label_that_scans_back_to_the_tag(
    bench_at, bench_worker, loopback_printer
):
    client = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    response = _register(client)
    device = Device.objects.get(serial_number="SN-LABEL-1")
    [job] = loopback_printer.wait_for_jobs(1)
    assert job.suffix == ".zpl"
    [image] = loopback_printer.images
    from PIL import Image

    assert device.asset_tag in decode(Image.open(image))
    page = response.content.decode()
    assert 'data-print="sent"' in page and device.asset_tag in page
    assert PrintJob.objects.get().status == PrintJob.Status.SENT


def test_a_double_submitted_registration_prints_once(bench_at, bench_worker, loopback_printer):
    client = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    _register(client, token="same-token")
    _register(client, token="same-token")
    assert Device.objects.filter(serial_number="SN-LABEL-1").count() == 1
    assert len(loopback_printer.wait_for_jobs(2, timeout=1.5)) == 1
    assert PrintJob.objects.count() == 1


def test_one_print_action_sends_once_even_when_asked_twice(
    site, bench_worker, station, loopback_printer, laptop
):
    from labels.bench import bench_label_print

    workstation = station(WK.INTAKE)
    workstation.printer = _printer_row(site, loopback_printer.port)
    workstation.save()
    for _attempt in range(2):
        notice = bench_label_print(
            template="device_tag",
            obj=laptop,
            workstation=workstation,
            actor=bench_worker,
            action_key=f"register:{laptop.pk}",
            base_url="http://testserver",
        )
        assert notice["ok"]
    assert len(loopback_printer.wait_for_jobs(2, timeout=1.5)) == 1
    assert PrintJob.objects.get().action_key == f"register:{laptop.pk}"


def test_a_dead_printer_does_not_block_registering_and_says_what_to_check(bench_at, bench_worker):
    client = bench_at(bench_worker, WK.INTAKE, _free_port())
    response = _register(client)
    assert response.status_code == 200
    device = Device.objects.get(serial_number="SN-LABEL-1")
    page = response.content.decode()
    assert 'data-print="failed"' in page
    assert "switched on" in page or "allumée" in page  # the advice of a refused connection
    job = PrintJob.objects.get()
    assert job.status == PrintJob.Status.FAILED
    assert reverse("labels:job-retry", args=[job.pk]) in page
    assert device.asset_tag in page


def test_retry_from_the_bench_prints_once_the_printer_is_back(bench_at, bench_worker, tmp_path):
    port = _free_port()
    client = bench_at(bench_worker, WK.INTAKE, port)
    _register(client)
    job = PrintJob.objects.get()
    server = DemoPrinter("127.0.0.1", port, tmp_path / "later").start()
    try:
        response = client.post(
            reverse("labels:job-retry", args=[job.pk]),
            {"next": reverse("bench:intake"), "form_token": "retry-1"},
            follow=True,
        )
        assert len(server.wait_for_jobs(1)) == 1
    finally:
        server.stop()
    job.refresh_from_db()
    assert job.status == PrintJob.Status.SENT
    assert 'data-print="sent"' in response.content.decode()


def test_adding_a_drive_prints_the_drive_label(bench_at, bench_worker, loopback_printer, laptop):
    client = bench_at(bench_worker, WK.ERASURE, loopback_printer.port)
    client.post(
        reverse("bench:drive-add", args=[laptop.asset_tag]),
        {"kind": "ssd", "serial_number": "S3Z9NX0K", "model": "Samsung", "form_token": "d1"},
    )
    drive = Drive.objects.get(device=laptop)
    loopback_printer.wait_for_jobs(1)
    from PIL import Image

    [image] = loopback_printer.images
    assert drive.tag in decode(Image.open(image))


def test_putting_on_sale_prints_the_shop_label(bench_at, shop_staff, crew, loopback_printer, site):
    from workshop.models import WorkerProfile

    WorkerProfile.objects.get_or_create(user=shop_staff, defaults={"site": site})
    device = Device.objects.get(pk=_graded_device(site, crew).pk)
    client = bench_at(shop_staff, WK.SHOP, loopback_printer.port)
    client.post(
        reverse("bench:transition", args=[device.asset_tag]),
        {"to": State.ON_SALE, "form_token": "sale-1"},
    )
    device.refresh_from_db()
    assert device.state == State.ON_SALE
    loopback_printer.wait_for_jobs(1)
    assert PrintJob.objects.get().template == "shop_label"
    from PIL import Image

    [image] = loopback_printer.images
    assert device.asset_tag in decode(Image.open(image))


def test_every_device_card_offers_a_reprint_that_prints_once_per_click(
    bench_at, bench_worker, loopback_printer, laptop
):
    client = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    card = client.get(reverse("bench:device", args=[laptop.asset_tag])).content.decode()
    assert reverse("labels:device-tag", args=[laptop.asset_tag]) in card
    for token in ("click-1", "click-1", "click-2"):
        client.post(
            reverse("labels:device-tag", args=[laptop.asset_tag]),
            {"template": "device_tag", "form_token": token},
        )
    assert len(loopback_printer.wait_for_jobs(3, timeout=2)) == 2
    assert PrintJob.objects.filter(reprint_of__isnull=False).count() == 1


def _graded_device(site, crew):
    from django.utils import timezone

    from tests import factories

    device = factories.make_device(site=site, actor=crew.bench)
    device_make_safe(device, crew, now=timezone.now())
    device_advance(device, State.GRADED, crew, grade="A")
    return device


def test_the_print_screen_is_in_the_bench_layout_with_this_sites_printers(
    bench_at, bench_worker, loopback_printer, make_user
):
    from workshop.models import Site

    other = Site.objects.create(code="SE", name="Saint-Étienne")
    _printer_row(other, loopback_printer.port, name="Zebra ailleurs")
    client = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    page = client.get(reverse("labels:print")).content.decode()
    assert 'class="topbar"' in page
    assert "Zebra intake" in page and "Zebra ailleurs" not in page


def test_a_replayed_registration_shows_the_print_outcome_again(
    bench_at, bench_worker, loopback_printer
):
    client = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    _register(client, token="twice")  # the browser follows the first answer: notice shown
    page = _register(client, token="twice").content.decode()  # the double click's answer
    assert 'data-print="sent"' in page
    assert PrintJob.objects.count() == 1


def test_both_page_loads_of_a_double_click_say_the_label_printed(
    bench_at, bench_worker, loopback_printer
):
    """Two tabs of one browser stand for the two answers of a double click: the second
    request left before the first answer came back, so it does not hold its cookies."""
    from django.test import Client

    first = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    second = Client()
    second.cookies = SimpleCookie({k: m.value for k, m in first.cookies.items()})
    data = {
        "category": Category.objects.get(code="laptop").pk,
        "serial_number": "SN-TWICE",
        "form_token": "two-loads",
    }
    answer_one = first.post(reverse("bench:device-register"), data)
    answer_two = second.post(reverse("bench:device-register"), data)
    assert answer_two["X-Form-Replayed"] == "true"
    for browser, answer in ((first, answer_one), (second, answer_two)):
        page = browser.get(answer.url).content.decode()
        assert page.count('data-print="sent"') == 1
        assert browser.get(answer.url).content.decode().count('data-print="sent"') == 0
    assert PrintJob.objects.count() == 1


def test_a_replay_writes_the_notice_again_even_when_the_browser_held_it_already(
    bench_at, bench_worker, loopback_printer
):
    """The second request left after the first answer's cookie arrived, but the first answer's
    page load reads and clears that cookie before the replay is followed: the replay's own
    answer must hold the notice."""
    from django.test import Client

    first = bench_at(bench_worker, WK.INTAKE, loopback_printer.port)
    data = {
        "category": Category.objects.get(code="laptop").pk,
        "serial_number": "SN-RACE",
        "form_token": "race",
    }
    answer_one = first.post(reverse("bench:device-register"), data)
    second = Client()
    second.cookies = SimpleCookie({k: m.value for k, m in first.cookies.items()})
    assert first.get(answer_one.url).content.decode().count('data-print="sent"') == 1
    answer_two = second.post(reverse("bench:device-register"), data)
    assert answer_two["X-Form-Replayed"] == "true"
    assert answer_two.cookies["messages"].value, "the replay writes its messages cookie"
    later = Client()
    later.cookies = SimpleCookie(
        {
            "sessionid": first.cookies["sessionid"].value,
            "messages": answer_two.cookies["messages"].value,
        }
    )
    later.cookies.update({k: m for k, m in first.cookies.items() if k not in later.cookies})
    assert later.get(answer_two.url).content.decode().count('data-print="sent"') == 1
