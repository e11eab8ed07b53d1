"""Bench reports imported in bulk from an offline agent's USB stick (refurb.imports).

The upload is read with bounded reads (a zip bomb stops at the limits, a member named
``../../x`` is a label, never a path), one job imports each file through the services the API
uses, each file's result is listed (imported, already imported, refused with the reason in
French), and a file imported twice records nothing twice."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from refurb import imports
from refurb.imports import report_file_import, report_upload_read, zip_of
from refurb.models import Device, Erasure, ReportImport, Snapshot
from tests import factories
from tests.jobs.report_files import erasure_file, laptop_snapshot, ssd_serial
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import Job, WorkstationKind

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def bench(client, station, bench_worker):
    """The bench worker signed in at the erasure bench (chosen on its screen)."""
    client.force_login(bench_worker)
    workstation = station(WorkstationKind.ERASURE)
    client.post(reverse("bench:workstation"), {"workstation": workstation.pk})
    return client


def post_files(client, files, token="tok-1"):
    return client.post(reverse("bench:imports"), {"files": files, "form_token": token})


# --- Reading the upload ---------------------------------------------------------------------


def test_plain_files_and_a_zip_are_read_member_by_member_names_kept_as_labels_only():
    archive = zip_of(
        {
            "snapshots/a.json": b"{}",
            "../../etc/evil.json": b"{}",
            "/abs/path/b.json": b"{}",
            "dir\\c.json": b"{}",
            ".hidden.json": b"{}",
            ".Trash-1000/files/old.json": b"{}",
            "__MACOSX/._a.json": b"{}",
            "d.json.part": b"{}",
            "inner.zip": zip_of({"x.json": b"{}"}),
        }
    )
    reports = report_upload_read([upload("stick.zip", archive), upload("e.json", b"{}")])
    names = [(r.name, bool(r.refused)) for r in reports]
    assert names == [
        ("a.json", False),
        ("evil.json", False),
        ("b.json", False),
        ("c.json", False),
        ("inner.zip", True),
        ("e.json", False),
    ]
    assert "zip" in reports[4].refused


def test_a_zip_bomb_member_is_refused_after_a_bounded_read():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.json", b"0" * (imports.MAX_FILE_BYTES + 10))
    assert len(bomb.getvalue()) < 100_000
    [report] = report_upload_read([upload("bomb.zip", bomb.getvalue())])
    assert report.data is None
    assert "plus de 10 Mio" in report.refused or "10 Mio" in report.refused


def test_a_zip_whose_members_add_up_past_the_limit_is_refused_whole(monkeypatch):
    monkeypatch.setattr(imports, "MAX_TOTAL_BYTES", 1000)
    archive = zip_of({f"{n}.json": b"x" * 400 for n in range(3)})
    with pytest.raises(DomainError) as refused:
        report_upload_read([upload("big.zip", archive)])
    assert "plusieurs fois" in refused.value.message or "Mio" in refused.value.message


def test_a_broken_zip_and_an_empty_upload_are_refused_in_french():
    with pytest.raises(DomainError) as broken:
        report_upload_read([upload("stick.zip", b"PK\x03\x04 not really")])
    assert "zip" in broken.value.message
    with pytest.raises(DomainError) as empty:
        report_upload_read([])
    assert "Choisissez" in empty.value.message


def test_too_many_files_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILES", 2)
    with pytest.raises(DomainError):
        report_upload_read([upload(f"{n}.json", b"{}") for n in range(3)])


# --- One file -------------------------------------------------------------------------------


def test_a_snapshot_imported_twice_is_recorded_once(station, bench_worker):
    workstation = station(WorkstationKind.ERASURE)
    raw = laptop_snapshot(1)
    first = report_file_import(name="a.json", raw=raw, actor=bench_worker, workstation=workstation)
    assert first["status"] == "imported", first
    device = Device.objects.get(asset_tag=first["device"])
    assert device.serial_number == "SYN14000001"
    again = report_file_import(name="b.json", raw=raw, actor=bench_worker, workstation=workstation)
    assert again["status"] == "duplicate"
    assert again["device"] == device.asset_tag
    assert "Déjà importé" in again["message"]
    assert Snapshot.objects.count() == 1 and ReportImport.objects.count() == 1


def test_erasure_evidence_is_imported_once_and_for_this_site_only(station, bench_worker, make_user):
    workstation = station(WorkstationKind.ERASURE)
    snap = report_file_import(
        name="a.json", raw=laptop_snapshot(2), actor=bench_worker, workstation=workstation
    )
    raw = erasure_file(snap["device"], ssd_serial(2))
    erasures = Erasure.objects.count()
    done = report_file_import(name="e.json", raw=raw, actor=bench_worker, workstation=workstation)
    assert done["status"] == "imported", done
    assert done["kind"] == "erasure"
    assert Erasure.objects.count() == erasures + 1
    again = report_file_import(name="e2.json", raw=raw, actor=bench_worker, workstation=workstation)
    assert again["status"] == "duplicate"
    assert Erasure.objects.count() == erasures + 1
    # The same evidence (another file) sent from another site's bench: refused, says where.
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    there = factories.WorkstationFactory(site=other, kind=WorkstationKind.ERASURE, name="E SE")
    karim = make_user(roles.BENCH_WORKER, username="karim", site=other)
    refused = report_file_import(
        name="e3.json",
        raw=raw.replace(b"+01:00", b"+02:00"),
        actor=karim,
        workstation=there,
    )
    assert refused["status"] == "refused"
    assert "LY" in refused["message"] and "site" in refused["message"]
    assert Erasure.objects.count() == erasures + 1


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"\xff\xfe not json", "JSON"),
        (b'{"hello": "world"}', "outil"),
        (b'{"format": "atelier-installation", "installation": {}}', "--upload"),
        (json.dumps({"asset_tag": "LY9999999", "records": []}).encode(), "LY9999999"),
    ],
)
def test_what_is_not_a_report_is_refused_with_the_reason_in_french(
    station, bench_worker, raw, words
):
    workstation = station(WorkstationKind.ERASURE)
    result = report_file_import(
        name="<script>x</script>.json", raw=raw, actor=bench_worker, workstation=workstation
    )
    assert result["status"] == "refused"
    assert words in result["message"]
    assert not ReportImport.objects.exists() and not Snapshot.objects.exists()


# --- The screen and the job -------------------------------------------------------------------


def test_the_screen_makes_one_job_that_imports_each_file_and_lists_the_results(
    bench, django_assert_num_queries
):
    archive = zip_of(
        {"fallback/1.json": laptop_snapshot(11), "fallback/2.json": laptop_snapshot(12)}
    )
    files = [upload("stick.zip", archive), upload("<img src=x onerror=alert(1)>.json", b"not json")]
    answer = post_files(bench, files)
    job = Job.objects.get(kind="report_import")
    assert answer.status_code == 302 and answer.url == reverse("bench:import", args=[job.pk])
    # The same form sent again (a double click): the first answer, no second job.
    again = post_files(bench, [upload("stick.zip", archive)])
    assert again.status_code == 302 and Job.objects.filter(kind="report_import").count() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    statuses = [f["status"] for f in job.result["files"]]
    assert statuses == ["imported", "imported", "refused"]
    assert job.result["counts"] == {"imported": 2, "duplicate": 0, "refused": 1}
    assert Snapshot.objects.count() == 2
    with django_assert_num_queries(6):
        page = bench.get(answer.url)
    html = page.content.decode()
    assert "3 fichiers sur 3" in html
    assert "&lt;img src=x onerror=alert(1)&gt;.json" in html and "<img src=x" not in html
    assert "n’est pas un rapport écrit par l’agent" in html
    assert "data-refresh" not in html  # done: the page stops refreshing itself
    # The stick uploaded again (a new form): every file already imported, nothing twice.
    post_files(bench, [upload("stick.zip", archive)], token="tok-2")
    second = Job.objects.filter(kind="report_import").first()
    assert second.pk != job.pk
    assert [f["status"] for f in second.result["files"]] == ["duplicate", "duplicate"]
    assert Snapshot.objects.count() == 2 and Device.objects.count() == 2
    # The stored uploads are removed once imported.
    from django.core.files.storage import default_storage

    assert not default_storage.exists(second.payload["files"][0]["path"])


def test_the_form_page_is_linked_from_the_erasure_bench_and_the_coach_view(
    bench, client, coach, station, django_assert_num_queries
):
    home = bench.get(reverse("bench:erasure")).content.decode()
    assert f'href="{reverse("bench:imports")}"' in home
    for n in (31, 32):  # two imports listed: the list costs no query per row
        post_files(bench, [upload("a.json", laptop_snapshot(n))], token=f"tok-{n}")
    with django_assert_num_queries(6):
        page = bench.get(reverse("bench:imports"))
    assert page.status_code == 200
    assert 'type="file"' in page.content.decode() and "multiple" in page.content.decode()
    client.force_login(coach)
    client.post(reverse("bench:workstation"), {"workstation": station(WorkstationKind.TEST).pk})
    coach_view = client.get(reverse("bench:coach")).content.decode()
    assert f'href="{reverse("bench:imports")}"' in coach_view


def test_shop_staff_and_other_sites_do_not_reach_imports(client, station, shop_staff, bench):
    post_files(bench, [upload("a.json", laptop_snapshot(21))])
    job = Job.objects.get(kind="report_import")
    client.force_login(shop_staff)
    client.post(reverse("bench:workstation"), {"workstation": station(WorkstationKind.SHOP).pk})
    assert client.get(reverse("bench:imports")).status_code == 403
    assert (
        client.post(reverse("bench:imports"), {"files": [upload("b.json", b"{}")]}).status_code
        == 403
    )
    assert Job.objects.filter(kind="report_import").count() == 1
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    there = factories.WorkstationFactory(site=other, kind=WorkstationKind.ERASURE, name="E SE")
    karim = factories.UserFactory(roles=[roles.BENCH_WORKER], username="karim", site=other)
    client.force_login(karim)
    client.post(reverse("bench:workstation"), {"workstation": there.pk})
    assert client.get(reverse("bench:import", args=[job.pk])).status_code == 404


def test_an_unexpected_error_on_one_file_refuses_it_and_the_others_are_imported(bench, monkeypatch):
    real = imports.snapshot_ingest
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom <b>")
        return real(**kwargs)

    monkeypatch.setattr(imports, "snapshot_ingest", flaky)
    post_files(
        bench, [upload("1.json", laptop_snapshot(41)), upload("2.json", laptop_snapshot(42))]
    )
    job = Job.objects.get(kind="report_import")
    assert job.status == "done"
    first, second = job.result["files"]
    assert first["status"] == "refused" and "erreur inattendue" in first["message"]
    assert second["status"] == "imported"
    assert Snapshot.objects.count() == 1 and ReportImport.objects.count() == 1
