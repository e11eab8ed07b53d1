"""The skills screens cost the same number of queries whatever the team's size or work."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills import services
from skills.models import Skill
from tests import factories
from workshop import roles

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _team(make_user, site, coach, start, n):
    skills = list(Skill.objects.all()[:3])
    for i in range(start, start + n):
        worker = make_user(roles.BENCH_WORKER, username=f"w{i}", site=site)
        factories.make_device(site=site, actor=worker)
        for skill in skills:
            services.skill_validate(worker=worker, skill=skill, level=2, actor=coach)


def test_the_team_view_and_a_workers_page_cost_a_constant_number_of_queries(
    make_user, site, django_assert_num_queries
):
    coach = make_user(roles.COACH, username="claire", site=site)
    client = Client()
    client.force_login(coach)
    _team(make_user, site, coach, 0, 2)
    team_small = _queries(client, reverse("skills:team"))
    worker = make_user(roles.BENCH_WORKER, username="one", site=site)
    page_small = _queries(client, reverse("skills:worker", args=[worker.pk]))
    _team(make_user, site, coach, 2, 8)
    for _n in range(5):
        factories.make_device(site=site, actor=worker)
    services.skill_validate(worker=worker, skill=Skill.objects.first(), level=3, actor=coach)
    with django_assert_num_queries(team_small):
        client.get(reverse("skills:team"))
    with django_assert_num_queries(page_small):
        client.get(reverse("skills:worker", args=[worker.pk]))
