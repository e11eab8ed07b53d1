"""The skills passport: the framework (skills and their levels) and the coaches' validations.

``Skill`` is data: the seeded French framework (``migrations/0002_seed_framework``) is changed
by managers through ``skills.services.skill_change`` only. ``SkillValidation`` is a coach's
word that a worker has reached a level of a skill, with a comment: append-only (a later
validation, even a lower level, is a new row), like the device history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.models.audit import AppendOnly, AppendOnlyModel, AppendOnlyQuerySet


class Level(models.IntegerChoices):
    """The four steps of every skill, as a coach says them."""

    DISCOVERED = 1, _("Discovered")
    PRACTISED = 2, _("Practised with help")
    AUTONOMOUS = 3, _("Autonomous")
    TEACHES = 4, _("Able to teach")


class Bench(models.TextChoices):
    """Where a skill is learnt: a bench of the workshop, or everywhere (transversal)."""

    INTAKE = "intake", _("Intake")
    ERASURE = "erasure", _("Erasure")
    TEST = "test", _("Test")
    REPAIR = "repair", _("Repair")
    GRADING = "grading", _("Grading")
    SHOP = "shop", _("Shop")
    STOCK = "stock", _("Stock")
    COLLECTION = "collection", _("Collection rounds")
    TRANSVERSAL = "transversal", _("Everywhere")


class Evidence(models.TextChoices):
    """Which events of the device history show the skill being used (``skills.evidence``)."""

    NONE = "", _("None: the coach's observation only")
    REGISTERED = "registered", _("Devices registered")
    ERASED = "erased", _("Drives erased, destroyed or declared without storage")
    CHECKLIST = "checklist", _("Checklists run")
    DIAGNOSIS = "diagnosis", _("Faults diagnosed")
    REPAIR = "repair", _("Repairs done")
    GRADED = "graded", _("Devices graded")
    SOLD = "sold", _("Devices sold")
    STOCK = "stock", _("Devices moved to a location")


class Skill(models.Model):
    """One skill of the framework, with the words a coach uses for it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    bench = models.CharField(_("bench"), max_length=16, choices=Bench.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("what it means"), blank=True, help_text=_("In the words a coach uses with a worker.")
    )
    evidence = models.CharField(
        _("evidence from the work"), max_length=16, choices=Evidence.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SkillValidationImmutable(AppendOnly):
    """Raised when code tries to change or delete a coach's validation."""


class SkillValidationQuerySet(AppendOnlyQuerySet):
    error = SkillValidationImmutable


class SkillValidation(AppendOnlyModel):
    """A coach validated ``level`` of ``skill`` for ``worker``: written once, never edited."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="skill_validations",
        verbose_name=_("worker"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="validations", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("validated by"),
    )
    # The worker's site when it was validated: the team views read it without a join.
    site = models.ForeignKey(
        "workshop.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    append_only_error = SkillValidationImmutable
    objects = SkillValidationQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill validation")
        verbose_name_plural = _("skill validations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "skill", "created_at"], name="skillvalidation_latest"),
            models.Index(fields=["site", "created_at"], name="skillvalidation_site"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.skill_id} · {self.level}"


class SkillChange(AppendOnlyModel):
    """One change of one field of the framework by a manager (``skill_change``)."""

    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="changes", verbose_name=_("skill")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    field = models.CharField(_("field"), max_length=40)
    old = models.JSONField(_("old value"), null=True)
    new = models.JSONField(_("new value"), null=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("skill framework change")
        verbose_name_plural = _("skill framework changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.skill_id}.{self.field}"
