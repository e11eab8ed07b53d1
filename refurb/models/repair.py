"""Repair tickets: what was wrong with a device in repair, what was done, by whom, for how long.

A ticket is opened by the move into ``in_repair`` (``refurb.repairs.repair_ticket_open``, an
effect of the transition table) with the mandatory checks that failed copied in, so the
ticket reads the same after the device is tested again. Work is recorded as ``RepairWork``
lines (an action, the minutes a worker spent). The ticket is closed with an outcome when the
device leaves ``in_repair``: repaired (then tested again), harvested for parts, or recycled.
Parts fitted and removed are the inventory's ``PartMovement`` rows that name the ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Repair(models.Model):
    """A repair ticket: the fault, the diagnosis, the work done and the outcome."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    class Outcome(models.TextChoices):
        REPAIRED = "repaired", _("Repaired: to test again")
        HARVEST = "harvest", _("Harvested for parts")
        RECYCLE = "recycle", _("Recycled")

    class Barrier(models.TextChoices):
        """Why a device could not be repaired (the Open Repair Data Standard's list)."""

        PARTS_UNAVAILABLE = "parts_unavailable", _("Spare parts not available")
        PARTS_EXPENSIVE = "parts_expensive", _("Spare parts too expensive")
        NO_WAY_TO_OPEN = "no_way_to_open", _("No way to open the product")
        NO_INFORMATION = "no_information", _("Repair information not available")
        NO_EQUIPMENT = "no_equipment", _("Lack of equipment")
        WORN_OUT = "worn_out", _("Product too worn out")

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="repairs",
        verbose_name=_("device"),
    )
    fault = models.TextField(_("fault"), blank=True)
    # The mandatory checks that had failed when the ticket was opened: [{code, label, note}].
    # Null on rows written by bulk seeders that predate the column.
    failed_checks = models.JSONField(_("failed checks"), default=list, blank=True, null=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True, default="", db_default="")
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.TextField(_("parts used"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="", db_default=""
    )
    barrier = models.CharField(
        _("repair barrier"),
        max_length=20,
        choices=Barrier.choices,
        blank=True,
        default="",
        db_default="",
    )
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bench"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-opened_at"]
        constraints = [
            # One open ticket per device at a time.
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(status="open"),
                name="repair_one_open_per_device",
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="repair_status_opened")]

    def __str__(self) -> str:
        return f"{self.device} · {self.get_status_display()}"


class RepairWork(models.Model):
    """One line of a ticket: what a worker did and how many minutes it took."""

    repair = models.ForeignKey(
        Repair, on_delete=models.PROTECT, related_name="work", verbose_name=_("repair")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker"),
    )
    action = models.CharField(_("action"), max_length=300)
    minutes = models.PositiveIntegerField(
        _("minutes"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 60)],
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("repair work")
        verbose_name_plural = _("repair work")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.repair_id} · {self.action} · {self.minutes}"
