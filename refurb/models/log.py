"""The device's history: append-only events (a hash chain per device) and the stays they end.

Events are written by ``refurb.events.event_append`` only; the stays by ``device_transition``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.states import State


class EventImmutable(Exception):
    """Raised when code tries to change or delete a recorded event."""


class DeviceEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise EventImmutable("Device events are append-only: they cannot be updated.")

    def delete(self):
        raise EventImmutable("Device events are append-only: they cannot be deleted.")

    _raw_delete = delete


class DeviceEvent(models.Model):
    """One line of a device's history. Written by ``refurb.events.event_append`` only."""

    class Code(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TRANSITION = "transition", _("State changed")
        MOVED = "moved", _("Moved")
        DRIVE_ADDED = "drive_added", _("Drive recorded")
        ERASURE = "erasure", _("Erasure recorded")
        DRIVE_CHECK = "drive_check", _("Drive check (read-only)")
        DESTRUCTION = "destruction", _("Drive destroyed")
        TEST = "test", _("Test recorded")
        REPAIR = "repair", _("Repair")
        UPDATED = "updated", _("Details updated")
        NO_STORAGE_SIGNED_OFF = "no_storage_signed_off", _("“No storage” signed off")
        NO_STORAGE_REFUSED = "no_storage_refused", _("“No storage” refused")
        SNAPSHOT = "snapshot", _("Hardware snapshot")
        PRINTED = "printed", _("Label printed")
        PRICE = "price", _("Price set")
        SALE = "sale", _("Sold")

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("device"),
    )
    seq = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("kind"), max_length=24)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstation"),
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = DeviceEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        ordering = ["device_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["device", "seq"], name="deviceevent_unique_seq")
        ]
        indexes = [
            models.Index(fields=["created_at"], name="deviceevent_created"),
            # Time-in-state report: the state-changing events of each device in order, read
            # by a window (LEAD over device ordered by seq) without touching the table.
            models.Index(
                fields=["device", "seq", "created_at", "to_state"],
                name="deviceevent_stays",
                condition=~models.Q(to_state=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.seq} {self.code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EventImmutable("Device events are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EventImmutable("Device events are append-only: they cannot be deleted.")

    @property
    def code_label(self) -> str:
        try:
            return self.Code(self.code).label
        except ValueError:
            return self.code


class StayRollup(models.Model):
    """One finished stay: a state a device left, how long it stayed, written by each transition."""

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("device"),
    )
    site = models.ForeignKey(
        "workshop.Site",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("site"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    ended_at = models.DateTimeField(_("ended at"))
    seconds = models.FloatField(_("seconds"))

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_stayrollup"
        verbose_name = _("finished stay")
        verbose_name_plural = _("finished stays")
        indexes = [
            models.Index(fields=["ended_at"], name="stayrollup_ended"),
            models.Index(fields=["site", "ended_at"], name="stayrollup_site_ended"),
            # Percentiles by rank: the stays of a state in order, with what the filters read.
            models.Index(
                fields=["state", "seconds"], include=["site", "ended_at"], name="stayrollup_rank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.state} {self.seconds:.0f} s"
