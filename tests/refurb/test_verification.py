"""R2v3 verification sampling: a share of erased drives is checked again by someone else."""

import random

import pytest

from refurb import services
from refurb.models import DeviceEvent, Drive, VerificationSample
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


def _erase(device, actor, serial, verified=True):
    drive = services.drive_add(device=device, actor=actor, serial_number=serial)
    services.drive_record_erasure(
        drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=verified, actor=actor,
    )  # fmt: skip
    drive.refresh_from_db()
    return drive


@pytest.fixture
def checker(make_user):
    return make_user(roles.BENCH_WORKER, username="checker")


def test_the_default_share_is_five_percent(settings):
    del settings.ATELIER_ERASURE_VERIFICATION_SHARE
    assert services.verification_share() == 0.05


def test_about_the_share_of_draws_is_taken(settings, laptop, bench_worker):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.05
    erasure = _erase(laptop, bench_worker, "S1").erasures.get()
    VerificationSample.objects.all().delete()
    rng = random.Random(18)
    drawn = 0
    for _ in range(2000):
        sample = services.verification_draw(erasure, rng=rng)
        if sample:
            drawn += 1
            sample.delete()
    assert 70 <= drawn <= 130  # 5 % of 2000 is 100


def test_every_proof_is_drawn_at_share_one_and_no_unverified_run(settings, laptop, bench_worker):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    proof = _erase(laptop, bench_worker, "S1")
    unverified = _erase(laptop, bench_worker, "S2", verified=False)
    assert VerificationSample.objects.get().erasure.drive == proof
    assert not VerificationSample.objects.filter(erasure__drive=unverified).exists()


def test_the_person_who_erased_the_drive_cannot_check_it(settings, laptop, bench_worker):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    _erase(laptop, bench_worker, "S1")
    sample = VerificationSample.objects.get()
    with pytest.raises(DomainError) as error:
        services.verification_record(sample=sample, actor=bench_worker, passed=True)
    assert (error.value.code, error.value.status) == ("same_person", 403)
    sample.refresh_from_db()
    assert sample.passed is None


def test_a_passed_check_is_evidence_and_changes_nothing_else(
    settings, laptop, bench_worker, checker
):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    drive = _erase(laptop, bench_worker, "S1")
    sample = VerificationSample.objects.get()
    assert services.verification_record(sample=sample, actor=checker, passed=True) == []
    sample.refresh_from_db()
    assert (sample.passed, sample.checked_by) == (True, checker)
    event = DeviceEvent.objects.get(code=DeviceEvent.Code.DRIVE_CHECK)
    assert (event.payload["passed"], event.payload["sampled_drive"], event.actor) == (
        True, drive.tag, checker
    )  # fmt: skip
    drive.refresh_from_db()
    assert drive.status == Drive.Status.ERASED
    with pytest.raises(DomainError) as error:
        services.verification_record(sample=sample, actor=checker, passed=False)
    assert error.value.code == "already_checked"


def test_a_failed_check_puts_the_drive_and_its_batch_back_to_erasure(
    settings, laptop, bench_worker, checker
):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    sampled = _erase(laptop, bench_worker, "S1")
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.0
    same_batch = _erase(laptop, bench_worker, "S2")
    other_operator = _erase(laptop, checker, "S3")
    sample = VerificationSample.objects.get()
    reopened = services.verification_record(
        sample=sample, actor=checker, passed=False, note="sector 12 not zero"
    )
    assert sorted(reopened) == sorted([sampled.tag, same_batch.tag])
    for drive, status in (
        (sampled, "pending"),
        (same_batch, "pending"),
        (other_operator, "erased"),
    ):
        drive.refresh_from_db()
        assert drive.status == status
    events = DeviceEvent.objects.filter(code=DeviceEvent.Code.DRIVE_CHECK)
    assert sorted(e.payload["drive"] for e in events) == sorted([sampled.tag, same_batch.tag])
    # The reopened status is what the evidence says, so the integrity check finds nothing, and
    # an erasure recorded after the failed check counts again.
    from refurb.integrity import drive_status_problems, drive_status_recompute

    assert list(drive_status_problems()) == []
    services.drive_record_erasure(
        drive=sampled, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=True, actor=bench_worker,
    )  # fmt: skip
    sampled.refresh_from_db()
    assert sampled.status == drive_status_recompute(sampled) == "erased"


def test_the_erasure_report_tells_the_sampling(settings, laptop, bench_worker, checker):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    first = _erase(laptop, bench_worker, "S1")
    _erase(laptop, bench_worker, "S2")
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.0
    _erase(laptop, bench_worker, "S3")
    sample = VerificationSample.objects.get(erasure__drive=first)
    services.verification_record(sample=sample, actor=checker, passed=True)
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.05
    assert services.verification_sampling_report(site=laptop.site) == {
        "proofs": 3, "drawn": 2, "checked": 1, "passed": 1, "failed": 0, "pending": 1,
        "share": 0.05, "drawn_share": 0.6667,
    }  # fmt: skip


def test_a_failed_check_sends_a_device_already_wiped_back_to_received(
    settings, laptop, bench_worker, checker
):
    """Its drive may still hold data: it is erased again before it moves on."""
    from tests import factories

    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    first = _erase(laptop, bench_worker, "S1")
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.0
    second = _erase(laptop, bench_worker, "S2")  # same batch: reopened with it
    factories.transition(device=laptop, to="wiped", actor=bench_worker)
    laptop.refresh_from_db()
    assert laptop.state == "wiped"
    services.verification_record(
        sample=VerificationSample.objects.get(), actor=checker, passed=False, note="not zero"
    )
    laptop.refresh_from_db()
    assert laptop.state == "received"
    back = laptop.events.filter(from_state="wiped", to_state="received").get()
    assert back.reason == "independent check failed"
    assert {first.tag, second.tag} == set(
        laptop.events.filter(code=DeviceEvent.Code.DRIVE_CHECK).values_list(
            "payload__drive", flat=True
        )
    )
    from refurb.chain import chains_verify

    assert not chains_verify(asset_tag=laptop.asset_tag).breaks
