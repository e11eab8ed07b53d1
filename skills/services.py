"""The skills passport's writes: a coach's validation, a manager's change of the framework, and
a worker's data exported or pseudonymised on request (GDPR), as for buyers and donors.

Every rule is here: the screens, the admin and the commands call these functions.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skills.evidence import worker_volumes
from skills.models import Bench, Evidence, Level, Skill, SkillChange, SkillValidation
from workshop.access import access_check, role_allows, site_refusal, worker_site_id
from workshop.exceptions import DomainError
from workshop.models import WorkerBadge
from workshop.roles import user_roles
from workshop.selectors import user_site_ids

COMMENT_MAX = 1000
# The fields of the framework a manager may change, and how each is checked.
CHANGEABLE = ("name", "description", "evidence", "order", "is_active")


def _person(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError(
            "person_required", _("A validation is given by a person: sign in first."), status=403
        )
    if getattr(actor, "workstation", None) is not None:
        raise DomainError(
            "person_required", _("A validation is given by a person: sign in first."), status=403
        )


def skill_validate(
    *, worker, skill: Skill, level, comment: str = "", actor, now: datetime | None = None
) -> SkillValidation:
    """A technical coach (or a manager) of the worker's site validates ``level`` of ``skill``.

    Never one's own skills (another coach validates them). The row is written once and never
    changed: a later validation, even of a lower level, is another row.
    """
    _person(actor)
    User = get_user_model()
    worker = User.objects.select_related("worker_profile").filter(pk=worker.pk).first()
    if worker is None or not worker.is_active:
        raise DomainError("worker_unknown", _("This worker is unknown or left."), status=404)
    site_id = worker_site_id(worker)
    if site_id is None:
        raise DomainError(
            "worker_no_site",
            _("This worker has no site: a manager gives them one first."),
            status=409,
        )
    access_check("worker_skills", "validate", site=site_id, actor=actor)
    if worker.pk == actor.pk:
        raise DomainError(
            "four_eyes",
            _("You cannot validate your own skills: another coach does it."),
            status=403,
        )
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        raise DomainError(
            "invalid",
            _("Choose a level in the list."),
            fields={"level": [_("Choose a level in the list.")]},
        ) from None
    skill = Skill.objects.filter(pk=skill.pk, is_active=True).first()
    if skill is None:
        raise DomainError(
            "invalid",
            _("Choose a skill in the list."),
            fields={"skill": [_("Choose a skill in the list.")]},
        )
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            "invalid",
            _("The comment is too long: %(max)s characters at most.") % {"max": COMMENT_MAX},
            fields={"comment": [_("Shorten the comment.")]},
        )
    return SkillValidation.objects.create(
        worker=worker,
        skill=skill,
        level=level,
        comment=comment,
        coach=actor,
        site_id=site_id,
        created_at=now or timezone.now(),
    )


def _manager_check(actor) -> None:
    """The framework is shared by every site: managers change it (``("skill", "change")``)."""
    if not role_allows(user_roles(actor), "skill", "change"):
        raise DomainError("role_forbidden", _("Your role does not allow this."), status=403)


def _clean(field: str, value):
    if field == "name":
        value = (value or "").strip()
        if not value or len(value) > 120:
            raise DomainError(
                "invalid",
                _("A skill needs a name of 120 characters at most."),
                fields={"name": [_("Give a name of 120 characters at most.")]},
            )
        return value
    if field == "description":
        return (value or "").strip()
    if field == "evidence":
        if value not in Evidence.values:
            raise DomainError(
                "invalid",
                _("Choose the evidence in the list."),
                fields={"evidence": [_("Choose the evidence in the list.")]},
            )
        return value
    if field == "order":
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 32767:
            raise DomainError(
                "invalid",
                _("The order is a whole number from 0 to 32767."),
                fields={"order": [_("Type a whole number.")]},
            )
        return value
    if field == "is_active":
        return bool(value)
    raise DomainError(
        "invalid",
        _("This field of a skill cannot be changed."),
        fields={field: [_("This field of a skill cannot be changed.")]},
    )


def skill_change(*, skill: Skill, changes: dict, actor, now: datetime | None = None) -> Skill:
    """A manager changes fields of a skill of the framework; each change is audited
    (``SkillChange``, append-only). The code and the bench never change (validations and
    evidence name them). Nothing is written when one field is refused."""
    _person(actor)
    _manager_check(actor)
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    now = now or timezone.now()
    with transaction.atomic():
        locked = Skill.objects.select_for_update().get(pk=skill.pk)
        changed = []
        for field, value in cleaned.items():
            old = getattr(locked, field)
            if old == value:
                continue
            SkillChange.objects.create(
                skill=locked, actor=actor, field=field, old=old, new=value, created_at=now
            )
            setattr(locked, field, value)
            changed.append(field)
        if changed:
            locked.save(update_fields=changed)
    return locked


def skill_create(*, code: str, bench: str, name: str, actor, **fields) -> Skill:
    """A manager adds a skill to the framework (then changed with ``skill_change``)."""
    _person(actor)
    _manager_check(actor)
    code = (code or "").strip()
    if not code or Skill.objects.filter(code=code).exists():
        raise DomainError(
            "invalid",
            _("Give the skill a code no other skill has."),
            fields={"code": [_("Give a code no other skill has.")]},
        )
    if bench not in Bench.values:
        raise DomainError(
            "invalid",
            _("Choose the bench in the list."),
            fields={"bench": [_("Choose the bench in the list.")]},
        )
    values = {"name": _clean("name", name)}
    for field, value in fields.items():
        values[field] = _clean(field, value)
    return Skill.objects.create(code=code, bench=bench, **values)


def pseudonym(pk: int) -> str:
    """The stable pseudonym of worker ``pk`` (keyed on SECRET_KEY, like buyers' and donors')."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"worker:{pk}".encode(), hashlib.sha256)
    return f"Pseudonyme {digest.hexdigest()[:10].upper()}"


def _export_check(worker, actor) -> None:
    site_id = worker_site_id(worker)
    if site_id is None:
        if not role_allows(user_roles(actor), "worker_data", "export"):
            raise DomainError("role_forbidden", _("Your role does not allow this."), status=403)
        if user_site_ids(actor) is not None:  # only who sees every site reaches a siteless one
            raise site_refusal()
        return
    access_check("worker_data", "export", site=site_id, actor=actor)


def worker_data_export(*, worker, actor=None) -> dict:
    """Everything the skills passport stores about ``worker``, as JSON-ready data: who they
    are, their validations (level, date, coach, comment) and the volumes of their work.

    With an ``actor``, managers of the worker's site only (``("worker_data", "export")``).
    """
    if actor is not None:
        _export_check(worker, actor)
    validations = (
        SkillValidation.objects.filter(worker=worker)
        .select_related("skill", "coach", "site")
        .order_by("created_at", "id")
    )
    return {
        "kind": "worker",
        "id": worker.pk,
        "username": worker.get_username(),
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": worker.email,
        "site": getattr(getattr(worker, "worker_profile", None), "site", None)
        and worker.worker_profile.site.code,
        "badges": list(worker.badges.values_list("code", flat=True)),
        "validations": [
            {
                "skill": v.skill.code,
                "skill_name": v.skill.name,
                "level": v.level,
                "comment": v.comment,
                "coach": v.coach.get_full_name() or v.coach.get_username(),
                "site": v.site.code,
                "at": v.created_at.isoformat(),
            }
            for v in validations
        ],
        "volumes": worker_volumes(worker),
    }


def worker_data_pseudonymise(*, worker, actor=None):
    """Replace a worker's names, e-mail and user name with a stable pseudonym, deactivate the
    account and its badges; return the user.

    The validations stay (append-only, like the device history): they now name the
    pseudonym. The coaches' comments are kept as written (coaches write no names in them,
    docs/skills.md).
    """
    User = get_user_model()
    if actor is not None:
        _export_check(worker, actor)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=worker.pk)
        if locked.is_superuser:
            raise DomainError("not_a_worker", _("A superuser is not pseudonymised."), status=409)
        name = pseudonym(locked.pk)
        locked.first_name = name
        locked.last_name = ""
        locked.email = ""
        locked.username = name.replace(" ", "-").lower()
        locked.is_active = False
        locked.set_unusable_password()
        locked.save()
        WorkerBadge.objects.filter(user=locked).update(is_active=False)
        return locked
