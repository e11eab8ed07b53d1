"""A proof is only a write: read-only runs are checks, on every path (snapshot, import, screen).

The real read-only run is ``nwipe033_verify_one_read_only_reports_erased.log`` in
``../shared/samples/nwipe/`` (nwipe 0.33, ``--method=verify_one``): nothing was written, yet
its Drive Status says ``Erased``.
"""

import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refurb import services
from refurb.ingest import erasure_import, snapshot_ingest
from refurb.models import DeviceEvent, Drive, Erasure
from refurb.snapshots import parse_snapshot
from refurb.snapshots.methods import METHOD_TABLE, classify, is_read_only
from refurb.snapshots.nwipe import parse_nwipe_log
from tests.refurb.parsers.samples import sample_text
from tests.refurb.snapshot_payloads import THINKPAD, agent_payload, retarget_nwipe
from workshop.exceptions import DomainError
from workshop.services import user_token_create

pytestmark = pytest.mark.django_db

VERIFY_ONE = ("nwipe", "nwipe033_verify_one_read_only_reports_erased.log")
SNAPSHOTS = "/api/snapshots/"
ERASURES = "/api/snapshots/erasures/"


def verify_log(device="/dev/nvme0n1"):
    return retarget_nwipe(sample_text(*VERIFY_ONE), device)


def test_the_real_verify_only_log_is_read_as_a_read_only_check():
    log = parse_nwipe_log(sample_text(*VERIFY_ONE))
    assert (log.version, log.method, log.method_key, log.nist_category) == (
        "0.33", "Verify Ones  (0xFF)", "verify_one", None
    )  # fmt: skip
    assert (log.read_only, log.passes, log.rounds, log.verify, log.blanking) == (
        True, 0, 1, "last", True
    )  # fmt: skip
    [disk] = log.disks
    assert (disk.device, disk.status, disk.verified, disk.serial, disk.size_bytes) == (
        "/dev/loop2", "Erased", False, None, 33554432
    )  # fmt: skip


@pytest.mark.parametrize(
    "tool, label, key, category, writes",
    [
        ("nwipe", "Verify Zeros (0x00)", "verify_zero", None, False),
        ("nwipe", "Verify Ones  (0xFF)", "verify_one", None, False),
        ("ShredOS", "verify_zero", "verify_zero", None, False),
        ("nwipe", "DoD Short", "dodshort", "clear", True),
        ("nwipe", "Fill With Zeros (0x00)", "zero", "clear", True),
        ("shredos", "PRNG Stream", "random", "clear", True),
        ("hdparm", "security-erase-enhanced", "security-erase-enhanced", "purge", True),
        ("hdparm", "read-sector", "identify", None, False),
        ("nvme-sanitize", "crypto", "sanitize-crypto", "purge", True),
        ("nvme-format", "ses=0", "format-ses0", None, True),
        ("nvme-cli", "verify", "verify", None, False),
        ("blkdiscard", "zeroout", "zeroout", "clear", True),
        ("workbench", "EraseSectors: StepRandom+StepZero", "EraseSectors", "clear", True),
    ],
)
def test_one_table_maps_tool_and_method_label_to_category_and_writes(
    tool, label, key, category, writes
):
    info = classify(tool, label)
    assert (info.key, info.category, info.writes) == (key, category, writes)


def test_an_unknown_method_is_neither_proof_nor_check():
    assert classify("nwipe", "Secret Sauce") is None
    assert classify("dd", "zero") is None
    log = parse_nwipe_log(sample_text(*VERIFY_ONE).replace("Verify Ones  (0xFF)", "Secret Sauce"))
    assert (log.nist_category, log.read_only) == (None, False)


@pytest.fixture
def thinkpad(site, bench_worker):
    """The ThinkPad X1 Carbon registered from its real snapshot (one NVMe drive)."""
    payload = agent_payload(**THINKPAD)
    raw = json.dumps(payload).encode()
    snapshot = snapshot_ingest(
        payload=payload, raw=raw, actor=bench_worker, site=site, workstation=None
    )
    return snapshot.device


def _client(bench_worker):
    _token, token = user_token_create(user=bench_worker)
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")


def _assert_checked_not_erased(device, answer):
    drive = device.drives.get()
    assert Erasure.objects.filter(drive__device=device).count() == 0
    assert drive.status == Drive.Status.PENDING
    assert answer["erasures"] == []
    assert answer["checks"] == [
        {"drive": drive.tag, "serial": "S35ANX0J401001", "tool": "nwipe",
         "method": "Verify Ones  (0xFF)", "result": "passed", "writes": False}
    ]  # fmt: skip
    check = DeviceEvent.objects.get(device=device, code=DeviceEvent.Code.DRIVE_CHECK)
    assert (check.payload["drive"], check.payload["writes"]) == (drive.tag, False)
    assert any("only read the drive" in w for w in answer["warnings"])


def test_the_verify_only_log_through_the_erasure_import_api_is_a_check(thinkpad, bench_worker):
    response = _client(bench_worker).post(
        ERASURES,
        data=json.dumps({"asset_tag": thinkpad.asset_tag, "nwipe_log": verify_log()}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    _assert_checked_not_erased(thinkpad, response.json())


def test_the_verify_only_log_in_an_agent_snapshot_is_a_check(thinkpad, bench_worker):
    payload = agent_payload(**THINKPAD, asset_tag=thinkpad.asset_tag)
    payload["reports"]["nwipe_log"] = verify_log()
    response = _client(bench_worker).post(
        SNAPSHOTS, data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    _assert_checked_not_erased(thinkpad, response.json())


def test_the_bench_screen_service_refuses_a_read_only_method_as_an_erasure(thinkpad, bench_worker):
    drive = thinkpad.drives.get()
    with pytest.raises(DomainError) as error:
        services.drive_record_erasure(
            drive=drive, method="clear", tool="nwipe", standard="Verify Zeros (0x00)",
            result="success", verified=True, actor=bench_worker,
        )  # fmt: skip
    assert error.value.code == "read_only_method"
    drive.refresh_from_db()
    assert (drive.status, drive.erasures.count()) == (Drive.Status.PENDING, 0)


def test_an_erasure_row_with_a_read_only_standard_is_never_a_proof(thinkpad):
    erasure = Erasure(
        drive=thinkpad.drives.get(), method="clear", tool="nwipe",
        standard="Verify Zeros (0x00)", result="success", verified=True,
    )  # fmt: skip
    assert erasure.is_proof is False


# The lines nwipe's hpa_dco.c writes when it finds a hidden area (0.35 and newer; its verdict,
# and the hdparm reading of older 0.35 builds).
HIDDEN_AREA_LINES = [
    "[2026/11/22 10:00:00] warning:  *** HIDDEN SECTORS DETECTED ! *** on /dev/nvme0n1",
    "[2026/11/22 10:00:00] warning: [BAD]The host protected area is enabled on /dev/nvme0n1",
    "[2026/11/22 10:00:00] warning: The host protected area is enabled on /dev/nvme0n1",
]


@pytest.mark.parametrize("line", HIDDEN_AREA_LINES)
def test_a_hidden_area_left_by_nwipe_makes_the_erasure_not_a_proof(line, thinkpad, bench_worker):
    text = retarget_nwipe(sample_text("hw", "local_nwipe042_success_dodshort_verified.log"))
    lines = text.splitlines()
    lines.insert(5, line)
    outcome = erasure_import(
        asset_tag=thinkpad.asset_tag, actor=bench_worker, nwipe_log="\n".join(lines)
    )
    erasure = Erasure.objects.get()
    assert (erasure.result, erasure.verified, erasure.is_proof) == ("success", False, False)
    assert erasure.drive.status == Drive.Status.FAILED
    assert any("(HPA/DCO)" in w for w in outcome.warnings)


@pytest.mark.parametrize(
    "line",
    [
        "[2026/11/22 10:00:00]    info: No hidden sectors on /dev/nvme0n1",
        "[2026/11/22 10:00:00]   debug: hdparm says the host protected area is enabled on "
        "/dev/nvme0n1 but this information may or may not be correct, as occurs when you get "
        "a SG_IO error and 0/1 sectors and it says HPA is enabled. Further checks are "
        "conducted below..",
        "[2026/11/22 10:00:00] warning: /dev/nvme0n1 may not support HPA/DCO",
    ],
)
def test_no_hidden_area_said_by_nwipe_keeps_the_erasure_a_proof(line, thinkpad, bench_worker):
    text = retarget_nwipe(sample_text("hw", "local_nwipe042_success_dodshort_verified.log"))
    lines = text.splitlines()
    lines.insert(5, line)
    erasure_import(asset_tag=thinkpad.asset_tag, actor=bench_worker, nwipe_log="\n".join(lines))
    erasure = Erasure.objects.get()
    assert (erasure.result, erasure.verified, erasure.is_proof) == ("success", True, True)


# --- property: whatever the tool, method, result and path, a read-only run is never a proof

RECORD_TOOLS = {"hdparm": "hdparm", "nvme-cli": "nvme-sanitize", "blkdiscard": "blkdiscard"}
TOOL_NAMES = {"nwipe": ("nwipe", "ShredOS"), **{k: (v,) for k, v in RECORD_TOOLS.items()}}
METHODS = sorted({(info.tool, info.key) for info in METHOD_TABLE if info.tool != "workbench"} | {
    ("nwipe", "Verify Zeros (0x00)"), ("nwipe", "Verify Ones  (0xFF)"), ("nwipe", "DoD Short"),
    ("nwipe", "Secret Sauce"), ("hdparm", "format"), ("nvme-cli", "ses=0"),
    ("nvme-cli", "compare"),
})  # fmt: skip
CASES = [(tool, family, method) for family, method in METHODS for tool in TOOL_NAMES[family]]


def _evidence(tool, method, result):
    """An nwipe log (the real verify-only run, relabelled) or a structured record."""
    if tool == "nwipe":
        status = {"erased": "Erased", "failed": "-FAILED-", "aborted": "UABORTED"}[result]
        text = verify_log().replace("Verify Ones  (0xFF)", method)
        return {"nwipe_log": text.replace("| Erased |", f"| {status} |")}
    return {
        "record": {
            "tool": RECORD_TOOLS[tool], "action": method, "serial": "S35ANX0J401001",
            "exit_code": {"erased": 0, "failed": 1, "aborted": None}[result],
            "verified": True, "finished": "2026-11-22T10:20:00+01:00",
        }
    }  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    case=st.sampled_from(CASES),
    result=st.sampled_from(["erased", "failed", "aborted"]),
    path=st.sampled_from(["snapshot", "import", "screen"]),
)
def test_no_read_only_run_is_ever_a_proof_on_any_path(thinkpad, bench_worker, case, result, path):
    tool, family, method = case
    read_only = is_read_only(tool, method)
    with transaction.atomic():
        drive = thinkpad.drives.get()
        if path == "screen":
            try:
                services.drive_record_erasure(
                    drive=drive, method="clear", tool=tool, standard=method,
                    result={"erased": "success"}.get(result, result), verified=True,
                    actor=bench_worker,
                )  # fmt: skip
            except DomainError as error:
                info = classify(tool, method)
                assert info is not None and info.category is None
                assert read_only or result == "erased"
                assert error.code == ("read_only_method" if read_only else "not_a_sanitisation")
        else:
            evidence = _evidence(family, method, result)
            if path == "import":
                erasure_import(
                    asset_tag=thinkpad.asset_tag, actor=bench_worker,
                    nwipe_log=evidence.get("nwipe_log"),
                    records=[evidence["record"]] if "record" in evidence else None,
                )  # fmt: skip
            else:
                payload = agent_payload(**THINKPAD, asset_tag=thinkpad.asset_tag)
                payload["reports"]["nwipe_log"] = evidence.get("nwipe_log")
                payload["reports"]["erasures"] = (
                    [evidence["record"]] if "record" in evidence else []
                )
                snapshot_ingest(
                    payload=payload, raw=json.dumps(payload).encode(), actor=bench_worker,
                    workstation=None, parsed=parse_snapshot(payload),
                )  # fmt: skip
        drive.refresh_from_db()
        proofs = [e for e in Erasure.objects.filter(drive=drive) if e.is_proof]
        if read_only or result != "erased":
            assert proofs == []
            assert drive.status != Drive.Status.ERASED
        for erasure in proofs:
            info = classify(erasure.tool, erasure.standard)
            if info is None:  # an unknown method: only the operator's word, on the screen
                assert path == "screen"
            else:
                assert info.writes and info.category is not None
        if read_only:
            assert not Erasure.objects.filter(drive=drive).exists()
        transaction.set_rollback(True)
