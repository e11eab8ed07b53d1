"""Bad input to the snapshot endpoints: a clear error, the right status, nothing stored."""

import pytest

from refurb.models import Device, Drive, Erasure, Snapshot
from tests import factories
from tests.refurb.snapshot_payloads import THINKPAD, agent_payload, hw_path, retarget_nwipe
from workshop.tags import make_tag

from .conftest import ERASURES

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Snapshot, Device, Drive, Erasure))


@pytest.fixture
def unchanged(site):
    before = counts()
    yield
    assert counts() == before


def test_malformed_json_is_refused_with_400(post, unchanged):
    response = post(b'{"format": "atelier-agent", ')
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert "Content-Type: application/json" in response.json()["message"]


def test_a_report_from_an_unknown_tool_lists_the_accepted_formats(post, unchanged):
    response = post({"tool": "hwinfo-windows", "machine": {}})
    body = response.json()
    assert response.status_code == 422  # valid JSON, a tool Atelier does not read
    assert body["code"] == "unknown_format"
    assert "atelier-agent" in body["fields"]["format"]
    assert "workbench-11" in body["message"]


def test_an_upload_over_ten_mebibytes_is_refused_with_413(post, unchanged):
    big = b'{"format": "atelier-agent", "pad": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    response = post(big)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_serial_matching_two_devices_is_a_conflict_naming_them(post, site):
    first = factories.make_device(site=site, serial_number="PF0QMY5N")
    second = factories.make_device(site=site, serial_number="pf0qmy5n")
    before = counts()
    response = post(agent_payload(**THINKPAD))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "serial_ambiguous"
    assert sorted(body["fields"]["serial"]) == sorted([first.asset_tag, second.asset_tag])
    assert "--asset-tag" in body["message"]
    assert counts() == before


def test_an_unknown_asset_tag_is_a_404_and_nothing_is_stored(post, unchanged):
    response = post(agent_payload(**THINKPAD, asset_tag=make_tag("LY", "", 999)))
    assert response.status_code == 404
    assert response.json()["code"] == "device_not_found"


def test_a_mistyped_asset_tag_is_refused(post, unchanged):
    tag = make_tag("LY", "", 999)
    response = post(
        agent_payload(**THINKPAD, asset_tag=tag[:-1] + ("0" if tag[-1] != "0" else "1"))
    )
    assert response.status_code == 422  # the right shape, a wrong check character
    assert response.json()["code"] == "tag_check_failed"


def test_a_failure_half_way_rolls_everything_back(post, laptop, monkeypatch):
    import refurb.ingest.erasures

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(refurb.ingest.erasures, "drive_record_erasure", explode)
    before = counts()
    record = {"tool": "hdparm", "action": "security-erase-enhanced", "exit_code": 0,
              "verified": True, "serial": "S35ANX0J401001"}  # fmt: skip
    with pytest.raises(RuntimeError):
        post(agent_payload(**THINKPAD, erasures=[record], asset_tag=laptop.asset_tag))
    assert counts() == before


def test_an_anonymous_request_is_refused(client, unchanged):
    response = client.post("/api/snapshots/", data=b"{}", content_type="application/json")
    assert response.status_code in (401, 403)


def test_an_nwipe_log_can_be_imported_for_a_device_tag(post, laptop):
    post(agent_payload(**THINKPAD, asset_tag=laptop.asset_tag))
    log = retarget_nwipe(hw_path("local_nwipe_success_dodshort_verified.log").read_text())
    response = post(
        {"asset_tag": laptop.asset_tag, "nwipe_log": log, "utc_offset": "+01:00"}, url=ERASURES
    )
    assert response.status_code == 201, response.content
    drive = laptop.drives.get()
    assert drive.status == Drive.Status.ERASED
    assert drive.erasures.get().standard == "DoD Short"


def test_structured_records_can_be_imported_for_a_device_tag(post, laptop):
    records = [{"tool": "nvme-sanitize", "action": "crypto", "exit_code": 0, "verified": True,
                "serial": "S3YZNB0KB00864E", "model": "Samsung SSD 860 EVO 500GB"}]  # fmt: skip
    response = post({"asset_tag": laptop.asset_tag, "records": records}, url=ERASURES)
    assert response.status_code == 201, response.content
    drive = laptop.drives.get()
    assert (drive.serial_number, drive.status) == ("S3YZNB0KB00864E", "erased")
    assert drive.erasures.get().method == "purge"


def test_an_unknown_erasure_tool_is_refused_and_nothing_is_stored(post, laptop, unchanged):
    response = post(
        {"asset_tag": laptop.asset_tag, "records": [{"tool": "dban", "exit_code": 0}]},
        url=ERASURES,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "erasure_unknown_tool"


def test_an_erasure_import_without_a_tag_is_refused(post, unchanged):
    response = post({"records": []}, url=ERASURES)
    assert response.status_code == 400
    assert response.json()["fields"]["asset_tag"]


def test_shop_staff_may_not_post_snapshots(client, shop_staff, unchanged):
    from workshop.services import user_token_create

    key = user_token_create(user=shop_staff)[1]
    response = client.post(
        "/api/snapshots/",
        data=b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 403
