"""Who sees a worker's skills, as a table: the worker themselves, the coaches and counsellors
of their site, managers; never another bench worker, never another site's staff. Each row is
asked through the screens (page, attestation PDF, validation) of a Lyon worker."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from skills.models import Skill, SkillValidation
from tests import factories
from workshop import roles
from workshop.access import MATRIX, worker_data_visible

pytestmark = pytest.mark.django_db

# principal -> (may read the Lyon worker's page and attestation, may validate a level)
ROWS = {
    "the worker": (True, False),
    "another bench worker of the site": (False, False),
    "a coach of the site": (True, True),
    "a counsellor of the site": (True, False),
    "shop staff of the site": (False, False),
    "a manager of the site": (True, True),
    "a network manager": (True, True),
    "a coach of the other site": (False, False),
    "a counsellor of the other site": (False, False),
    "a manager of the other site": (False, False),
}


@pytest.fixture
def world(make_user):
    lyon = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    worker = make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé", site=lyon)
    people = {
        "the worker": worker,
        "another bench worker of the site": make_user(roles.BENCH_WORKER, site=lyon),
        "a coach of the site": make_user(roles.COACH, site=lyon),
        "a counsellor of the site": make_user(roles.COUNSELLOR, site=lyon),
        "shop staff of the site": make_user(roles.SHOP, site=lyon),
        "a manager of the site": make_user(roles.MANAGER, site=lyon),
        "a network manager": make_user(roles.MANAGER),
        "a coach of the other site": make_user(roles.COACH, site=other),
        "a counsellor of the other site": make_user(roles.COUNSELLOR, site=other),
        "a manager of the other site": make_user(roles.MANAGER, site=other),
    }
    return worker, people


def test_the_matrix_has_the_rows_of_worker_data():
    assert MATRIX[("worker_skills", "read")] == {roles.COACH, roles.COUNSELLOR, roles.MANAGER}
    assert MATRIX[("worker_skills", "validate")] == {roles.COACH, roles.MANAGER}
    assert MATRIX[("worker_data", "export")] == {roles.MANAGER}
    assert roles.COUNSELLOR in roles.ROLES and roles.COUNSELLOR not in roles.ALL_ROLES


@pytest.mark.parametrize("who", list(ROWS))
def test_who_sees_and_validates_a_workers_skills(who, world):
    worker, people = world
    may_read, may_validate = ROWS[who]
    user = people[who]
    assert worker_data_visible(user, worker) is may_read
    client = Client()
    client.force_login(user)
    page = client.get(reverse("skills:worker", args=[worker.pk]), follow=True)
    assert page.status_code == (200 if may_read else 403)
    if may_read:
        assert "Salomé" in page.content.decode() or who == "the worker"
    pdf = client.get(reverse("skills:attestation", args=[worker.pk]))
    assert pdf.status_code == (200 if may_read else 403)
    if may_read:
        assert pdf["Content-Type"] == "application/pdf"
    skill = Skill.objects.get(code="erase")
    client.post(reverse("skills:validate", args=[worker.pk]), {"skill": skill.pk, "level": 3})
    assert SkillValidation.objects.filter(worker=worker).exists() is may_validate


def test_a_bench_worker_reaches_their_own_page_but_not_the_team_view(world):
    worker, people = world
    client = Client()
    client.force_login(worker)
    assert client.get(reverse("skills:me")).status_code == 200
    assert client.get(reverse("skills:team")).status_code == 403


def test_the_team_view_lists_the_sites_workers_only(world):
    worker, people = world
    client = Client()
    client.force_login(people["a counsellor of the other site"])
    body = client.get(reverse("skills:team")).content.decode()
    assert f'data-worker="{worker.pk}"' not in body
    client.force_login(people["a counsellor of the site"])
    body = client.get(reverse("skills:team")).content.decode()
    assert f'data-worker="{worker.pk}"' in body


def test_a_counsellor_goes_home_to_the_team_view_and_is_kept_off_the_benches(world):
    _worker, people = world
    client = Client()
    client.force_login(people["a counsellor of the site"])
    assert client.get(reverse("bench:home"))["Location"] == reverse("skills:team")
    assert client.get(reverse("bench:erasure")).status_code == 403
    # ...and is offered no workstation to choose (it would only answer "not for your role").
    body = client.get(reverse("skills:team")).content.decode()
    assert f'href="{reverse("bench:workstation")}"' not in body
    client.force_login(people["a coach of the site"])
    body = client.get(reverse("skills:team")).content.decode()
    assert f'href="{reverse("bench:workstation")}"' in body


def test_a_hostile_comment_is_escaped_on_the_page_and_printed_as_typed(world):
    from skills.attestation import attestation_facts
    from skills.services import skill_validate

    worker, people = world
    hostile = '<script>alert(1)</script><font color="red">=HYPERLINK()'
    skill_validate(
        worker=worker, skill=Skill.objects.get(code="erase"), level=3, comment=hostile,
        actor=people["a coach of the site"],
    )  # fmt: skip
    client = Client()
    client.force_login(worker)
    body = client.get(reverse("skills:me")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert attestation_facts(worker)["skills"][0][0].code == "erase"
    pdf = client.get(reverse("skills:attestation", args=[worker.pk]))
    assert pdf.status_code == 200
