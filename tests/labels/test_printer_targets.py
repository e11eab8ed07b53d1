"""Printers cannot be turned into a port scanner or a relay (issue 16, hole 5).

On main, a bench worker added a raw-9100 printer pointing at any host and port and printed to
it: bytes reached loopback services, the answers (sent / refused) mapped open ports, and label
text with newlines reached the socket. Here the suite's usual loopback allowance is taken away
with ``override_settings``, and a real listener on loopback checks that nothing arrives.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from labels.models import Printer, PrintJob
from labels.printing import address_allowed
from labels.render.zpl import field_data, render_zpl
from labels.services import print_job_create
from labels.stocks import get_stock
from tests.labels.test_label_printing import Listener
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db

PRIVATE_ONLY = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]


def test_a_printer_on_loopback_gets_no_byte_when_loopback_is_not_allowed(
    laptop, bench_worker, make_printer
):
    server = Listener()
    try:
        # Saved while loopback was allowed: the address is checked again at every send.
        printer = make_printer(Printer.Kind.RAW9100, port=server.port)
        with (
            override_settings(ATELIER_PRINTER_NETWORKS=PRIVATE_ONLY),
            pytest.raises(DomainError) as refused,
        ):
            print_job_create(
                template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
            )
        assert not server.done.wait(0.5)
    finally:
        server.close()
    assert server.received == b""
    assert refused.value.fields == {"printer": ["forbidden_target"]}
    assert PrintJob.objects.get().error_code == "forbidden_target"


@override_settings(ATELIER_PRINTER_NETWORKS=PRIVATE_ONLY)
@pytest.mark.parametrize(
    "host", ["127.0.0.1", "169.254.10.1", "0.0.0.0", "8.8.8.8", "::1", "fe80::1", "bad host"]
)
def test_a_printer_address_outside_the_allowed_networks_is_refused(site, host):
    printer = Printer(site=site, name="Zebra", kind=Printer.Kind.RAW9100, host=host)
    with pytest.raises(ValidationError) as refused:
        printer.full_clean()
    assert "host" in refused.value.message_dict


@override_settings(ATELIER_PRINTER_NETWORKS=PRIVATE_ONLY)
@pytest.mark.parametrize("host", ["192.168.1.50", "10.2.3.4", "172.20.0.9", "zebra-atelier"])
def test_a_printer_on_the_workshops_network_is_accepted(site, host):
    Printer(site=site, name="Zebra", kind=Printer.Kind.RAW9100, host=host).full_clean()


def test_loopback_and_link_local_need_an_explicit_network():
    for address in ("127.0.0.1", "169.254.1.1", "::1", "fe80::1", "::ffff:127.0.0.1"):
        assert not address_allowed(address, PRIVATE_ONLY)
    assert address_allowed("::ffff:192.168.1.2", PRIVATE_ONLY)
    assert address_allowed("127.0.0.1", ["127.0.0.0/8"])


def test_a_cups_queue_name_cannot_carry_options(site):
    printer = Printer(site=site, name="Laser", kind=Printer.Kind.CUPS, queue="-h evil:631")
    with pytest.raises(ValidationError):
        printer.full_clean()


@pytest.mark.parametrize("text", ["A\n^XA^FDevil", "B\r~JR", "C\x00^XZ", "D\t_1"])
def test_zpl_field_data_carries_no_command_character_or_line_break(text):
    escaped = field_data(text)
    assert not set(escaped) & {"^", "~", "\n", "\r", "\x00", "\t"}


def test_a_hostile_label_text_stays_inside_its_field():
    from labels.templates import location_label

    label = location_label({"code": "LYL000001X", "name": "Bac\n^XA^FO0,0^FDpwned^FS\r\n~JR"})
    zpl = render_zpl([label], get_stock("zebra-102x152")).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert all(line.startswith("^") for line in zpl.splitlines())


def test_only_managers_configure_printers_in_the_admin(site, make_user):
    client = Client()
    client.force_login(make_user(roles.BENCH_WORKER, username="salome", is_staff=True))
    response = client.post(
        "/admin/labels/printer/add/",
        {"site": site.pk, "name": "Relais", "kind": "raw9100", "host": "127.0.0.1", "port": 5432},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Printer.objects.exists()
