"""Measure the skills passport: the team view of a site with 300 bench workers and a year of
their validations and events, and one worker's page (a year of their events).

The setup writes, once per data set (it is found again on the next run): 300 bench workers
at the site with the most devices, a coach, about fifteen validations per worker spread over
the last year, and six events a week for a year per worker, appended in bulk to one of the
site's devices each and sealed as ``event_append`` would (``refurb.events.event_seal``).
The team view reads the people and the validations only; the worker's page reads the
worker's events of the last twelve weeks.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from bench.scenarios.base import BenchEnv, check_response
from refurb.events import event_seal
from refurb.models import Device, DeviceEvent
from skills.models import Skill, SkillValidation
from workshop.models import WorkerProfile
from workshop.roles import BENCH_WORKER, COACH

WORKERS = 300
WEEKS = 52
EVENTS_PER_WEEK = 6
PREFIX = "bench-skills-"
CODES = [
    (DeviceEvent.Code.TEST, "", {}),
    (DeviceEvent.Code.ERASURE, "", {"drive": "D", "verified": True, "result": "success"}),
    (DeviceEvent.Code.MOVED, "", {}),
    (DeviceEvent.Code.REPAIR, "", {"status": "open"}),
    (DeviceEvent.Code.TRANSITION, "graded", {}),
]


def _site_id():
    return (
        Device.objects.values("site_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("site_id", flat=True)
        .first()
    )


def skills_team(env: BenchEnv) -> dict | None:
    """The site, its coach and its 300 workers, seeded on first use."""
    cached = env.notes.get("skills_team")
    if cached is not None:
        return cached
    site_id = _site_id()
    if site_id is None:
        return None
    User = get_user_model()
    coach = User.objects.filter(username=f"{PREFIX}coach").first()
    if coach is None:
        with transaction.atomic():
            coach = _seed(site_id)
    workers = list(
        User.objects.filter(username__startswith=f"{PREFIX}w")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    env.notes["skills_team"] = team = {
        "site_id": site_id,
        "coach": coach,
        "workers": workers,
        "validations": SkillValidation.objects.filter(site_id=site_id).count(),
        "events": DeviceEvent.objects.filter(actor_id__in=workers).count(),
    }
    return team


def _seed(site_id):
    User = get_user_model()
    rng = random.Random(23)
    now = timezone.now()
    coach = User.objects.create_user(
        username=f"{PREFIX}coach", first_name="Claire", last_name="Banc"
    )
    coach.groups.add(Group.objects.get(name=COACH))
    WorkerProfile.objects.create(user=coach, site_id=site_id)
    users = User.objects.bulk_create(
        [
            User(username=f"{PREFIX}w{n:03d}", first_name=f"Salarié {n:03d}", last_name="Banc")
            for n in range(WORKERS)
        ]
    )
    users = list(User.objects.filter(username__startswith=f"{PREFIX}w").order_by("pk"))
    group = Group.objects.get(name=BENCH_WORKER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
    )
    WorkerProfile.objects.bulk_create([WorkerProfile(user=u, site_id=site_id) for u in users])
    skills = list(Skill.objects.filter(is_active=True))
    validations = []
    for user in users:
        levels: dict[int, int] = {}
        for _n in range(15):
            skill = rng.choice(skills)
            levels[skill.pk] = min(4, levels.get(skill.pk, 0) + 1)
            validations.append(
                SkillValidation(
                    worker=user,
                    skill=skill,
                    level=levels[skill.pk],
                    coach=coach,
                    site_id=site_id,
                    created_at=now - timedelta(days=rng.uniform(0, 365)),
                )
            )
    SkillValidation.objects.bulk_create(validations, batch_size=2000)
    devices = list(
        Device.objects.select_for_update().filter(site_id=site_id).order_by("pk")[:WORKERS]
    )
    events = []
    for user, device in zip(users, devices, strict=False):
        moments = sorted(
            now - timedelta(days=rng.uniform(0, 7 * WEEKS)) for _n in range(WEEKS * EVENTS_PER_WEEK)
        )
        for moment in moments:
            code, to_state, payload = rng.choice(CODES)
            event = DeviceEvent(
                device=device,
                seq=device.event_seq + 1,
                code=code,
                to_state=to_state,
                actor=user,
                actor_kind=DeviceEvent.ActorKind.PERSON,
                payload=dict(payload),
                created_at=moment,
            )
            event_seal(event, asset_tag=device.asset_tag, prev_hash=device.event_head)
            device.event_seq, device.event_head = event.seq, event.hash
            events.append(event)
    DeviceEvent.objects.bulk_create(events, batch_size=2000)
    Device.objects.bulk_update(devices, ["event_seq", "event_head"], batch_size=500)
    return coach


def setup_team_view(env: BenchEnv):
    """GET /skills/team/ as a coach of the site: 300 workers × every skill."""
    team = skills_team(env)
    if team is None:
        return None
    client = Client()
    client.force_login(team["coach"])

    def run(i):
        response = check_response(client.get("/skills/team/"))
        assert response.content.count(b"data-worker=") >= len(team["workers"])

    return run


def setup_worker_page(env: BenchEnv):
    """GET /skills/worker/{id}/ as the coach: a worker's levels and twelve weeks of evidence."""
    team = skills_team(env)
    if team is None:
        return None
    client = Client()
    client.force_login(team["coach"])
    workers = team["workers"]

    def run(i):
        check_response(client.get(f"/skills/worker/{workers[i % len(workers)]}/"))

    return run
