"""The labels API: label files decode back to their codes; print jobs over real sockets."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from inventory import services as inventory_services
from labels.models import Printer, PrintJob
from shop.services import kit_assemble
from tests import factories
from tests.labels.label_samples import decode, pdf_pages
from tests.labels.test_label_printing import Listener
from tests.labels.test_label_services import _free_port
from tests.labels.test_label_sources import crew_for, on_sale_device
from tests.labels.test_label_zpl import _render as zplkit_render

BASE = "https://atelier.example"
PDF_STOCKS = ["avery-l7160", "avery-l7651", "brother-62x29", "zebra-57x32"]
ZPL_STOCKS = ["zebra-57x32", "zebra-102x152", "thermal-50x25"]
TEMPLATES = [
    "device_tag",
    "drive_tag",
    "erasure_sticker",
    "shop_label",
    "location_label",
    "collection_label",
    "kit_label",
]


@pytest.fixture
def api(bench_worker):
    client = APIClient()
    # A fresh copy, as a real request loads the user: nothing cached on it by the setup.
    client.force_authenticate(type(bench_worker).objects.get(pk=bench_worker.pk))
    return client


@pytest.fixture
def world(site, bench_worker):
    """One object of every kind, and the code each template prints for it."""
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    location = inventory_services.location_create(site=site, name="Rayonnage 2, bac 5")
    device = on_sale_device(site, collection=collection)
    drive = device.drives.get()
    kit = kit_assemble(
        site=site,
        devices=[device, on_sale_device(site)],
        name="Bureautique",
        actor=crew_for(site).shop,
    )
    return {
        "kit_label": kit.tag,
        "device_tag": device.asset_tag,
        "drive_tag": drive.tag,
        "erasure_sticker": device.asset_tag,
        "shop_label": device.asset_tag,
        "location_label": location.tag,
        "collection_label": collection.tag,
    }


def _expected(template, code):
    return {code, f"{BASE}/d/{code}"} if template == "shop_label" else {code}


def _url(template, code, fmt, **params):
    url = reverse("api:label-file", args=[template, code, fmt])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


@override_settings(ATELIER_PUBLIC_BASE_URL=BASE)
@pytest.mark.parametrize("stock", PDF_STOCKS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_pdf_endpoint_decodes_back_to_the_exact_code_at_203_dpi(api, world, template, stock):
    code = world[template]
    response = api.get(_url(template, code, "pdf", stock=stock))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    [page] = pdf_pages(response.content, 203)
    assert _expected(template, code) <= decode(page)


@override_settings(ATELIER_PUBLIC_BASE_URL=BASE)
@pytest.mark.parametrize("stock", ZPL_STOCKS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_zpl_endpoint_renders_with_zplkit_and_decodes(api, world, template, stock):
    code = world[template]
    response = api.get(_url(template, code, "zpl", stock=stock))
    assert response.status_code == 200
    [image] = zplkit_render(response.content)
    assert _expected(template, code) <= decode(image)


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_previews_are_served(api, world, fmt):
    response = api.get(_url("device_tag", world["device_tag"], fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(f"image/{fmt}")


def test_sheet_pdf_honours_start_at(api, world):
    import pypdfium2 as pdfium

    response = api.get(
        _url("device_tag", world["device_tag"], "pdf", stock="avery-l7160", start_at=21)
    )
    assert response.status_code == 200
    assert len(pdfium.PdfDocument(response.content)) == 1
    too_far = api.get(
        _url("device_tag", world["device_tag"], "pdf", stock="avery-l7160", start_at=22)
    )
    assert too_far.status_code == 422  # a valid number the sheet cannot honour


def test_unknown_code_answers_404_with_the_error_shape(api, world):
    from workshop import tags

    response = api.get(_url("device_tag", tags.make_tag("LY", "", 999999), "pdf"))
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["code"] == "label_code_unknown"


def test_label_files_need_a_login(client, world):
    assert client.get(_url("device_tag", world["device_tag"], "pdf")).status_code in (401, 403)


@pytest.mark.parametrize("count", [1, 50])
def test_collection_device_tags_cost_the_same_queries_for_1_and_50_devices(
    api, site, bench_worker, count, django_assert_num_queries
):
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    for _ in range(count):
        factories.make_device(site=site, actor=bench_worker, collection=collection)
    with django_assert_num_queries(3):  # the roles, the collection, then its devices
        response = api.get(_url("device_tag", collection.tag, "pdf", stock="avery-l7651"))
    assert response.status_code == 200
    pages = pdf_pages(response.content, 203)
    assert len(pages) == 1 and len(decode(pages[0])) == count


def test_post_print_job_answers_201_with_the_job(api, world, make_printer):
    printer = make_printer()
    response = api.post(
        "/api/print-jobs/",
        {"template": "device_tag", "codes": [world["device_tag"]], "printer": printer.pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "sent" and body["label_count"] == 1
    assert body["codes"] == [world["device_tag"]] and body["printer"] == printer.pk


def test_post_print_job_to_a_dead_printer_answers_503_and_lists_as_failed(api, world, make_printer):
    printer = make_printer(Printer.Kind.RAW9100, port=_free_port())
    response = api.post(
        "/api/print-jobs/",
        {"template": "device_tag", "codes": [world["device_tag"]], "printer": printer.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "print_failed" and "switched on" in body["message"]
    assert body["job"]["status"] == "failed" and body["job"]["error_code"] == "refused"
    failed = api.get("/api/print-jobs/?status=failed").json()["results"]
    assert [job["id"] for job in failed] == [body["job"]["id"]]
    assert api.get("/api/print-jobs/?status=sent").json()["results"] == []


def test_retry_endpoint_sends_the_failed_job_once_the_printer_listens(api, world, make_printer):
    printer = make_printer(Printer.Kind.RAW9100, port=_free_port())
    api.post(
        "/api/print-jobs/",
        {"template": "device_tag", "codes": [world["device_tag"]], "printer": printer.pk},
        format="json",
    )
    job = PrintJob.objects.get()
    server = Listener()
    try:
        Printer.objects.filter(pk=printer.pk).update(port=server.port)
        response = api.post(reverse("api:print-job-retry", args=[job.pk]))
        assert server.done.wait(5)
    finally:
        server.close()
    assert response.status_code == 200 and response.json()["status"] == "sent"
    assert world["device_tag"].encode() in server.received


def test_post_print_job_with_bad_input_answers_400(api, world, make_printer):
    response = api.post("/api/print-jobs/", {"template": "device_tag", "codes": []}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "codes" in response.json()["fields"]


def test_download_job_document_is_the_pdf(api, world, make_printer):
    printer = make_printer()
    job = api.post(
        "/api/print-jobs/",
        {"template": "location_label", "codes": [world["location_label"]], "printer": printer.pk},
        format="json",
    ).json()
    response = api.get(reverse("api:print-job-document", args=[job["id"]]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    [page] = pdf_pages(response.content, 203)
    assert world["location_label"] in decode(page)


@pytest.mark.parametrize("count", [1, 30])
def test_job_list_costs_the_same_queries_for_1_and_30_jobs(
    api, bench_worker, laptop, make_printer, count, django_assert_num_queries
):
    from labels.services import print_job_create

    printer = make_printer()
    for _ in range(count):
        print_job_create(
            template="device_tag", codes=[laptop.asset_tag], printer=printer, actor=bench_worker
        )
    with django_assert_num_queries(3):  # roles, count, page
        response = api.get("/api/print-jobs/")
    assert response.json()["count"] == count and len(response.json()["results"]) == count


def test_workstation_token_prints_to_its_workstations_printer(world, station, make_printer):
    from workshop.services import workstation_token_create

    printer = make_printer()
    intake = station()
    intake.printer = printer
    intake.save()
    _token, key = workstation_token_create(workstation=intake)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/print-jobs/", {"template": "device_tag", "codes": [world["device_tag"]]}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["printer"], body["workstation"], body["actor"]) == (printer.pk, intake.pk, None)


def test_unknown_fields_in_a_print_request_are_refused(api, world, make_printer):
    response = api.post(
        "/api/print-jobs/",
        {"template": "device_tag", "codes": [world["device_tag"]], "colour": "red"},
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"


@pytest.mark.parametrize("count", [1, 4])
def test_shop_labels_of_a_site_cost_the_same_queries_for_1_and_4_devices_on_sale(
    api, site, count, django_assert_num_queries
):
    for _ in range(count):
        on_sale_device(site)
    # roles, the site, its devices on sale with their prices, their drives, their systems; then
    # the words each label may print, for all of them at once (refurb.compliance: 6)
    with django_assert_num_queries(11):
        response = api.get(_url("shop_label", site.code, "pdf", stock="avery-l7160"))
    assert response.status_code == 200
    assert len(decode(pdf_pages(response.content, 203)[0])) == 2 * count  # barcode + QR each


@pytest.mark.parametrize("count", [1, 40])
def test_a_print_job_costs_the_same_queries_for_1_and_40_tags(
    api, site, bench_worker, make_printer, count, django_assert_num_queries
):
    from refurb.chain import chains_verify
    from refurb.models import DeviceEvent

    printer = make_printer()
    tags = [factories.make_device(site=site, actor=bench_worker).asset_tag for _ in range(count)]
    body = {"template": "device_tag", "codes": tags, "printer": printer.pk}
    # Roles, printer, devices; the job recorded (3, savepoints included: its foreign keys
    # are rows already loaded, not looked up again by full_clean); then the outcome (10): job
    # locked and saved, devices printed before, devices locked, the actor's site, one insert
    # of the events, one update of the devices' chain heads.
    with django_assert_num_queries(16):
        response = api.post("/api/print-jobs/", body, format="json")
    assert response.status_code == 201, response.content[:300]
    job = response.json()["id"]
    printed = DeviceEvent.objects.filter(code=DeviceEvent.Code.PRINTED, payload__job=job)
    assert sorted(printed.values_list("device__asset_tag", flat=True)) == sorted(tags)
    assert chains_verify().ok


@pytest.mark.parametrize(
    "codes, field_error",
    [
        ("LY0000423", "not_a_list"),
        ([], "min_length"),
        (["x" * 41], "max_length"),
        (["ok", "   "], "blank"),
        (["a\x00b"], "null_characters_not_allowed"),
        ([{"code": 1}], "invalid"),
    ],
)
def test_the_codes_list_is_checked_in_one_loop_with_the_same_errors(codes, field_error):
    from labels.api.serializers import PrintJobCreateSerializer

    body = PrintJobCreateSerializer(data={"template": "device_tag", "codes": codes})
    assert not body.is_valid()
    assert f"code='{field_error}'" in str(body.errors["codes"])
