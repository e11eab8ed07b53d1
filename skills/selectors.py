"""Reads of the skills passport: one worker's page and the team view of a site.

Each runs a fixed number of queries, whatever the number of workers, skills, validations or
events (``tests/skills/test_queries.py`` pins them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from skills.evidence import KindEvidence, worker_evidence
from skills.models import Level, Skill, SkillValidation
from workshop.roles import BENCH_WORKER


def person_name(user) -> str:
    full = " ".join(part for part in (user.first_name, user.last_name) if part)
    return full or user.get_username()


@dataclass
class SkillState:
    """One skill of one worker: the level validated last (or none), and the evidence."""

    skill: Skill
    validation: SkillValidation | None = None
    evidence: KindEvidence | None = None
    history: list[SkillValidation] = field(default_factory=list)

    @property
    def level(self) -> int:
        return self.validation.level if self.validation else 0

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else ""

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < Level.TEACHES else None

    @property
    def next_level_label(self) -> str:
        return Level(self.next_level).label if self.next_level else ""

    @property
    def steps(self) -> list[bool]:
        """Four steps, filled up to the level (the pictogram's dots)."""
        return [step <= self.level for step in Level.values]


def worker_passport(worker, *, now: datetime | None = None, weeks: int = 12) -> dict:
    """What one worker's page shows: every active skill with its level and evidence, the
    validations newest first, and what to learn next. Four queries."""
    now = now or timezone.now()
    skills = list(Skill.objects.filter(is_active=True))
    validations = list(
        SkillValidation.objects.filter(worker_id=worker.pk)
        .select_related("coach", "skill")
        .order_by("-created_at", "-id")
    )
    evidence = worker_evidence(worker, now=now, weeks=weeks)
    states = {skill.pk: SkillState(skill) for skill in skills}
    for validation in validations:
        state = states.get(validation.skill_id)
        if state is None:
            continue
        state.history.append(validation)
        if state.validation is None:
            state.validation = validation
    for state in states.values():
        if state.skill.evidence:
            state.evidence = evidence.get(state.skill.evidence)
    ordered = [states[skill.pk] for skill in skills]
    return {
        "skills": ordered,
        "validations": validations,
        "evidence": evidence,
        "next": learn_next(ordered),
        "weeks": weeks,
    }


def learn_next(states: list[SkillState], limit: int = 2) -> list[SkillState]:
    """What to learn next: the skills begun but not yet autonomous first (the lowest level
    first), then the skills not discovered yet, in the framework's order."""
    begun = [s for s in states if 0 < s.level < Level.AUTONOMOUS]
    begun.sort(key=lambda s: s.level)
    fresh = [s for s in states if s.level == 0]
    return (begun + fresh)[:limit]


@dataclass
class TeamRow:
    worker: object
    name: str
    levels: list[int]
    last_validated: datetime | None
    stale: bool


def team_workers(site_ids):
    """The active bench workers of ``site_ids`` (every site when ``None``)."""
    User = get_user_model()
    workers = User.objects.filter(is_active=True, groups__name=BENCH_WORKER).select_related(
        "worker_profile__site"
    )
    if site_ids is not None:
        workers = workers.filter(worker_profile__site_id__in=site_ids)
    return workers.order_by("last_name", "first_name", "username").distinct()


def team_view(site_ids, *, stale_weeks: int = 4, now: datetime | None = None) -> dict:
    """Who is at which level of each skill, and who has not been validated for
    ``stale_weeks`` weeks, for the bench workers of ``site_ids``. Four queries."""
    now = now or timezone.now()
    skills = list(Skill.objects.filter(is_active=True))
    workers = list(team_workers(site_ids))
    rows = SkillValidation.objects.filter(worker__in=team_workers(site_ids).order_by().values("pk"))
    if site_ids is not None:
        rows = rows.filter(site_id__in=site_ids)
    latest: dict[tuple[int, int], int] = {}
    # Oldest first, so the last level read of each skill is the one validated last; the dates
    # are read once per worker (their latest), in the database: a few thousand datetimes
    # parsed in Python would cost more than the whole query.
    for worker_id, skill_id, level in rows.order_by("created_at", "id").values_list(
        "worker_id", "skill_id", "level"
    ):
        latest[(worker_id, skill_id)] = level
    last_at = dict(
        rows.order_by()
        .values("worker_id")
        .annotate(last=Max("created_at"))
        .values_list("worker_id", "last")
    )
    limit = now - timedelta(weeks=stale_weeks)
    index = {skill.pk: i for i, skill in enumerate(skills)}
    per_level = [[0] * (len(Level.values) + 1) for _skill in skills]
    team = []
    for worker in workers:
        levels = [latest.get((worker.pk, skill.pk), 0) for skill in skills]
        for skill in skills:
            per_level[index[skill.pk]][latest.get((worker.pk, skill.pk), 0)] += 1
        last = last_at.get(worker.pk)
        team.append(
            TeamRow(worker, person_name(worker), levels, last, last is None or last < limit)
        )
    return {
        "skills": skills,
        "rows": team,
        "stale": [row for row in team if row.stale],
        "per_level": [{"skill": skill, "counts": per_level[index[skill.pk]]} for skill in skills],
        "stale_weeks": stale_weeks,
    }
