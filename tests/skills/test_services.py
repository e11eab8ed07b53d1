"""The skills passport's services: the framework, a coach's validation (append-only, four
eyes, site and role), the evidence read from the event log with its corrections, and a
worker's data exported or pseudonymised."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from refurb import services as refurb_services
from refurb.models import VerificationSample
from skills import services
from skills.evidence import worker_evidence, worker_volumes
from skills.models import Evidence, Level, Skill, SkillChange, SkillValidation
from skills.selectors import learn_next, team_view, worker_passport
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def erase_skill():
    return Skill.objects.get(code="erase")


@pytest.fixture
def coach_ly(make_user, site):
    return make_user(roles.COACH, username="claire", first_name="Claire", site=site)


@pytest.fixture
def worker(make_user, site):
    return make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé", site=site)


def _erase(device, actor, serial):
    drive = refurb_services.drive_add(device=device, actor=actor, serial_number=serial)
    refurb_services.drive_record_erasure(
        drive=drive, method="clear", tool="nwipe", standard="DoD Short", result="success",
        verified=True, actor=actor,
    )  # fmt: skip
    return drive


def test_the_framework_is_seeded_in_french_with_every_bench():
    names = dict(Skill.objects.values_list("code", "name"))
    assert names["erase"] == "Effacer et contrôler les disques"
    assert {"register", "checklist", "diagnose", "repair", "grade", "sell", "stocktake",
            "collection", "safety", "teamwork"} <= set(names)  # fmt: skip
    assert [str(label) for _v, label in Level.choices] == [
        "Découvert", "Pratiqué avec aide", "Autonome", "Capable de transmettre",
    ]  # fmt: skip


def test_a_coach_validates_a_level_once_and_it_is_never_edited(worker, coach_ly, erase_skill):
    validation = services.skill_validate(
        worker=worker, skill=erase_skill, level=Level.AUTONOMOUS, comment="Seule.", actor=coach_ly
    )
    assert (validation.level, validation.coach, validation.site_id) == (
        3, coach_ly, worker.worker_profile.site_id,
    )  # fmt: skip
    validation.comment = "changed"
    with pytest.raises(Exception, match="append-only"):
        validation.save()
    with pytest.raises(Exception, match="append-only"):
        SkillValidation.objects.filter(pk=validation.pk).update(level=1)
    with pytest.raises(Exception, match="append-only"):
        validation.delete()


def test_the_database_refuses_an_update_of_a_validation(worker, coach_ly, erase_skill):
    validation = services.skill_validate(worker=worker, skill=erase_skill, level=2, actor=coach_ly)
    with pytest.raises(IntegrityError if connection.vendor == "postgresql" else Exception):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE skills_skillvalidation SET level = 4 WHERE id = %s", [validation.pk]
            )
    validation.refresh_from_db()
    assert validation.level == 2


@pytest.mark.parametrize(
    "who, code",
    [
        ("worker", "role_forbidden"),  # a bench worker validates nobody
        ("shop", "role_forbidden"),
        ("counsellor", "role_forbidden"),  # counsellors read, coaches validate
        ("other_site_coach", "other_site"),
        ("self", "four_eyes"),
    ],
)
def test_who_may_not_validate(who, code, make_user, site, worker, coach_ly, erase_skill):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    actors = {
        "worker": make_user(roles.BENCH_WORKER, username="karim", site=site),
        "shop": make_user(roles.SHOP, username="lucas", site=site),
        "counsellor": make_user(roles.COUNSELLOR, username="ines", site=site),
        "other_site_coach": make_user(roles.COACH, username="coach-se", site=other),
        "self": coach_ly,
    }
    target = coach_ly if who == "self" else worker
    with pytest.raises(DomainError) as error:
        services.skill_validate(worker=target, skill=erase_skill, level=3, actor=actors[who])
    assert error.value.code == code
    assert error.value.status == 403
    assert not SkillValidation.objects.exists()


@pytest.mark.parametrize("level", ["0", "5", "x", None])
def test_a_level_outside_the_list_is_refused(level, worker, coach_ly, erase_skill):
    with pytest.raises(DomainError) as error:
        services.skill_validate(worker=worker, skill=erase_skill, level=level, actor=coach_ly)
    assert error.value.code == "invalid" and "level" in error.value.fields
    assert not SkillValidation.objects.exists()


def test_a_manager_changes_the_framework_with_an_audit_row(make_user, coach_ly, erase_skill):
    manager = make_user(roles.MANAGER, username="nadia")
    services.skill_change(
        skill=erase_skill, changes={"name": "Effacer les disques", "order": 5}, actor=manager
    )
    erase_skill.refresh_from_db()
    assert (erase_skill.name, erase_skill.order) == ("Effacer les disques", 5)
    assert set(SkillChange.objects.values_list("field", flat=True)) == {"name", "order"}
    with pytest.raises(DomainError) as error:
        services.skill_change(skill=erase_skill, changes={"name": "X"}, actor=coach_ly)
    assert error.value.code == "role_forbidden"
    with pytest.raises(DomainError) as error:
        services.skill_change(skill=erase_skill, changes={"name": "", "order": 1}, actor=manager)
    erase_skill.refresh_from_db()
    assert (erase_skill.name, erase_skill.order) == ("Effacer les disques", 5)  # nothing written


def test_evidence_counts_the_work_per_week_and_the_corrections(settings, site, worker, coach_ly):
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 1.0
    laptop = factories.make_device(site=site, actor=worker, make="Dell", model="E7240")
    tablet = factories.make_device(site=site, category_code="tablet", actor=worker)
    phone = factories.make_device(site=site, category_code="phone", actor=worker)
    refurb_services.device_confirm_no_storage(device=tablet, actor=worker)
    refurb_services.device_confirm_no_storage(device=phone, actor=worker)
    refurb_services.device_refuse_no_storage(device=phone, actor=coach_ly, reason="une carte SD")
    _erase(laptop, worker, "S1")
    _erase(laptop, worker, "S2")
    sample = VerificationSample.objects.get(erasure__drive__serial_number="S1")
    refurb_services.verification_record(sample=sample, actor=coach_ly, passed=False, note="data")
    refurb_services.device_update(device=laptop, actor=coach_ly, model="E7250")
    evidence = worker_evidence(worker)
    erased = evidence[Evidence.ERASED]
    # 2 declarations and 2 erasures; one declaration refused and one erasure failed its check
    # (S2 went back to erasure with it as its batch, but the check names S1 only).
    assert (erased.count, erased.corrected) == (4, 2)
    assert erased.correction_share == 0.5
    registered = evidence[Evidence.REGISTERED]
    assert (registered.count, registered.corrected) == (3, 1)
    assert len(erased.weeks) == 12 and erased.weeks[-1].count == 4
    # The coach's own events are not the worker's evidence.
    assert worker_evidence(coach_ly)[Evidence.ERASED].count == 0
    assert worker_volumes(worker)[Evidence.ERASED] == 4


def test_evidence_is_read_in_two_queries_whatever_the_work(site, worker, django_assert_num_queries):
    for _i in range(5):
        factories.make_device(site=site, actor=worker)
    with django_assert_num_queries(2):
        worker_evidence(worker)


def test_the_passport_shows_the_latest_level_and_what_to_learn_next(worker, coach_ly, erase_skill):
    now = timezone.now()
    services.skill_validate(
        worker=worker, skill=erase_skill, level=2, actor=coach_ly, now=now - timedelta(days=9)
    )
    services.skill_validate(worker=worker, skill=erase_skill, level=3, actor=coach_ly, now=now)
    register = Skill.objects.get(code="register")
    services.skill_validate(worker=worker, skill=register, level=1, actor=coach_ly, now=now)
    passport = worker_passport(worker)
    states = {s.skill.code: s for s in passport["skills"]}
    assert states["erase"].level == 3 and len(states["erase"].history) == 2
    assert states["erase"].steps == [True, True, True, False]
    assert [s.skill.code for s in learn_next(passport["skills"])] == ["register", "checklist"]


def test_the_team_view_says_who_is_at_which_level_and_who_waits(
    make_user, site, worker, coach_ly, erase_skill, django_assert_num_queries
):
    karim = make_user(roles.BENCH_WORKER, username="karim", first_name="Karim", site=site)
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    make_user(roles.BENCH_WORKER, username="far", site=other)
    services.skill_validate(worker=worker, skill=erase_skill, level=3, actor=coach_ly)
    services.skill_validate(
        worker=karim, skill=erase_skill, level=1, actor=coach_ly,
        now=timezone.now() - timedelta(weeks=6),
    )  # fmt: skip
    with django_assert_num_queries(4):
        view = team_view(frozenset({site.pk}), stale_weeks=4)
    names = [row.name for row in view["rows"]]
    assert names == ["Karim", "Salomé"]  # the other site's worker is not there
    index = [s.code for s in view["skills"]].index("erase")
    assert [row.levels[index] for row in view["rows"]] == [1, 3]
    assert [row.name for row in view["stale"]] == ["Karim"]
    counts = next(p for p in view["per_level"] if p["skill"].code == "erase")["counts"]
    assert counts[1] == 1 and counts[3] == 1


def test_a_workers_data_is_exported_and_pseudonymised(make_user, worker, coach_ly, erase_skill):
    manager = make_user(roles.MANAGER, username="nadia")
    services.skill_validate(worker=worker, skill=erase_skill, level=3, actor=coach_ly)
    data = services.worker_data_export(worker=worker, actor=manager)
    assert data["first_name"] == "Salomé"
    assert data["validations"][0]["skill"] == "erase"
    with pytest.raises(DomainError):
        services.worker_data_export(worker=worker, actor=coach_ly)
    record = services.worker_data_pseudonymise(worker=worker, actor=manager)
    assert record.first_name.startswith("Pseudonyme ") and not record.is_active
    assert record.first_name == services.pseudonym(worker.pk)  # stable
    assert SkillValidation.objects.filter(worker=worker).count() == 1  # kept, append-only
    assert services.worker_data_export(worker=record)["first_name"] == record.first_name
