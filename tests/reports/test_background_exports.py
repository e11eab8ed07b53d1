"""Exports prepared in the background (reports.exports): the audit archive, a report's CSV and
the ORDS CSV become ``export`` jobs with their progress; the screen says so and links to the
job and, once done, to the file kept in the media storage."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.audit_export import archive_verify
from reports.exports import AUDIT, REPORT, export_start
from tests import factories
from workshop import jobs, roles
from workshop.models import Job, WorkerProfile

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = {"date_from": date(TODAY.year, 1, 1).isoformat(), "date_to": TODAY.isoformat()}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    jobs.queue_configure("immediate")
    yield settings.MEDIA_ROOT
    jobs.queue_configure("immediate")


@pytest.fixture
def lyon_manager(make_user, site):
    manager = make_user(roles.MANAGER, username="lyon-manager")
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    return manager


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_audit_archive_is_prepared_in_the_background_with_its_progress_and_file(
    client, site, lyon_manager, media
):
    factories.make_device(site=site, actor=lyon_manager)
    client.force_login(lyon_manager)
    screen = client.get(reverse("reports:audit")).content.decode()
    assert reverse("reports:audit_prepare") in screen and "data-exports" in screen

    answer = client.post(reverse("reports:audit_prepare"), {"site": site.pk, **PERIOD}, follow=True)
    job = Job.objects.get(kind="export")
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 7, 7)
    assert job.site == site and job.actor == lyon_manager
    html = answer.content.decode()
    assert "arrière-plan" in html  # the screen says where the work went
    assert f'href="/jobs/#job-{job.pk}"' in html
    download = reverse("bench:job-file", args=[job.pk])
    assert f'href="{download}"' in html
    assert (media / job.result["file"]).is_file()  # kept in the media storage

    archive = client.get(download)
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert f"audit-{site.code}-" in archive["Content-Disposition"]
    assert archive_verify(body(archive)) == []

    page = client.get(reverse("bench:jobs")).content.decode()
    assert f'id="job-{job.pk}"' in page and f'href="{download}"' in page
    with translation.override("en"):
        assert jobs.job_line(job).startswith("File ready: audit-LY-")
    with translation.override("fr"):
        assert jobs.job_line(job).startswith("Fichier prêt") and "archive d’audit" in jobs.job_line(
            job
        )


def test_a_report_csv_prepared_in_the_background_is_the_one_the_link_gives(
    client, site, lyon_manager
):
    factories.make_device(site=site, actor=lyon_manager)
    client.force_login(lyon_manager)
    index = client.get(reverse("reports:index"), PERIOD).content.decode()
    assert reverse("reports:export") in index and 'name="report"' in index
    client.post(reverse("reports:export"), {"report": "stock_by_state", **PERIOD})
    job = Job.objects.get(kind="export")
    assert job.status == Job.Status.DONE, job.shown_message
    prepared = body(client.get(reverse("bench:job-file", args=[job.pk])))
    direct = client.get(reverse("reports:csv", args=["stock_by_state"]), PERIOD).content
    assert prepared == direct and prepared.count(b"\n") >= 2

    client.post(reverse("reports:export"), {"report": "ords", **PERIOD})
    ords = Job.objects.filter(kind="export").order_by("-pk").first()
    assert ords.payload["what"] == "ords" and ords.status == Job.Status.DONE
    assert body(client.get(reverse("bench:job-file", args=[ords.pk]))) == (
        client.get(reverse("reports:ords"), PERIOD).content
    )


def test_exports_are_for_managers_of_their_site_and_the_file_for_its_site_only(
    client, site, lyon_manager, make_user, coach
):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    with pytest.raises(jobs.DomainError) as refused:
        export_start(AUDIT, actor=lyon_manager, site=other, **_dates())
    assert refused.value.code == "other_site"
    with pytest.raises(jobs.DomainError) as refused:
        export_start(REPORT, actor=lyon_manager, site=site, name="<script>", **_dates())
    assert refused.value.code == "invalid"
    assert not Job.objects.filter(kind="export").exists()  # nothing recorded

    job = export_start(AUDIT, actor=lyon_manager, site=site, **_dates())
    se_manager = make_user(roles.MANAGER, username="se-manager")
    WorkerProfile.objects.update_or_create(user=se_manager, defaults={"site": other})
    client.force_login(se_manager)
    assert client.get(reverse("bench:job-file", args=[job.pk])).status_code == 404
    client.force_login(coach)
    assert client.post(reverse("reports:audit_prepare"), {"site": site.pk}).status_code == 403
    assert client.get(reverse("bench:job-file", args=[job.pk])).status_code == 403


def test_the_worker_checks_again_who_asked(site, lyon_manager):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    job = jobs.job_create(
        "export",
        {"what": AUDIT, "site": other.pk, "name": "", **PERIOD},
        actor=lyon_manager,
        site=other,
    )
    assert job.status == Job.Status.FAILED and "file" not in job.result
    with translation.override("en"):
        assert job.shown_message.startswith("lyon-manager may no longer read this export")


def _dates():
    return {"date_from": date.fromisoformat(PERIOD["date_from"]), "date_to": TODAY}
