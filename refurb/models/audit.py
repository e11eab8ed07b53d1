"""Rows that prove or audit a change made outside a device's own history.

``WriteOff`` is the proof of a ``written_off`` move (``refurb.services.device_write_off``): who
wrote the device off, from which workstation, why, and on what occasion (a stocktake). It is
written in the transaction of the move and never changed. ``ReferenceChange`` is the audit of
a change to the reference data the rules read (a category holding data, a mandatory checklist
item, a grade), written by ``refurb.services.reference_change`` only. Both are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """Raised when code tries to change or delete a recorded proof, audit row or event."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes (the database triggers refuse them too)."""

    error = AppendOnly

    def update(self, **kwargs):
        raise self.error(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def delete(self):
        raise self.error(f"{self.model.__name__} rows are append-only: they cannot be deleted.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A row written once: saved only as an insert, never deleted."""

    append_only_error = AppendOnly
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.append_only_error(
                f"{type(self).__name__} rows are append-only: they cannot be updated."
            )
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(
            f"{type(self).__name__} rows are append-only: they cannot be deleted."
        )


class WriteOff(AppendOnlyModel):
    """A device written off (lost, stolen, destroyed outside the process), with its reason."""

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="write_offs",
        verbose_name=_("device"),
    )
    from_state = models.CharField(_("from"), max_length=16)
    reason = models.TextField(_("reason"))
    occasion = models.CharField(
        _("occasion"),
        max_length=80,
        blank=True,
        help_text=_("What the write-off was decided on, e.g. a stocktake."),
    )
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
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.device_id} {self.created_at:%Y-%m-%d}"


class ReferenceChange(AppendOnlyModel):
    """One change of one field of the reference data the rules read, and who made it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    site = models.ForeignKey(
        "workshop.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("The site of the person who made the change (reference data is shared)."),
    )
    model = models.CharField(_("table"), max_length=40)
    object_id = models.PositiveIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    field = models.CharField(_("field"), max_length=40)
    old = models.JSONField(_("old value"), null=True)
    new = models.JSONField(_("new value"), null=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("reference data change")
        verbose_name_plural = _("reference data changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="referencechange_object")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}.{self.field}"
