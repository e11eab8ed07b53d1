"""Report rollups: what the event log says about finished weeks, kept so reports need not
re-read the whole log.

The event log stays the one source of truth. ``refresh_report_rollups`` (a nightly job) folds
every event before a watermark — a local Monday at midnight — into these tables; a report reads
the rollups for the weeks before the watermark and the event log itself from the watermark on,
so its figures are exact whether the job ran last night, last month or never. The stays
(``refurb.models.StayRollup``) are written by each transition as it happens.

- ``BenchWeek``: per site, ISO week and workstation, the state changes made there and the
  distinct devices they concern.
- ``WorkerWeek``: per site, ISO week and worker, the events recorded by kind and the distinct
  devices touched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupState(models.Model):
    """Where the rollups stand: complete for every event created before ``complete_before``."""

    key = models.CharField(max_length=32, primary_key=True, default="events")
    complete_before = models.DateTimeField(_("complete before"), null=True, blank=True)
    last_event_id = models.BigIntegerField(_("last event folded in"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_rollupstate"
        verbose_name = _("report rollup state")
        verbose_name_plural = _("report rollup states")

    def __str__(self) -> str:
        return f"{self.key}: < {self.complete_before}"


class BenchWeek(models.Model):
    site = models.ForeignKey(
        "workshop.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    week = models.DateField(_("week"))
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workstation"),
    )
    transitions = models.PositiveIntegerField(_("state changes"))
    devices = models.PositiveIntegerField(_("devices"))

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_benchweek"
        verbose_name = _("weekly bench throughput")
        verbose_name_plural = _("weekly bench throughput")
        constraints = [
            models.UniqueConstraint(fields=["week", "site", "workstation"], name="benchweek_unique")
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.workstation_id}: {self.transitions}"


class WorkerWeek(models.Model):
    site = models.ForeignKey(
        "workshop.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    week = models.DateField(_("week"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("worker"),
    )
    events = models.PositiveIntegerField(_("events"))
    transitions = models.PositiveIntegerField(_("state changes"))
    erasures = models.PositiveIntegerField(_("erasures and destructions"))
    tests = models.PositiveIntegerField(_("tests"))
    devices = models.PositiveIntegerField(_("devices"))

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_workerweek"
        verbose_name = _("weekly worker activity")
        verbose_name_plural = _("weekly worker activity")
        constraints = [
            models.UniqueConstraint(fields=["week", "site", "actor"], name="workerweek_unique")
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.actor_id}: {self.events}"


class DonorReport(models.Model):
    """A donor's yearly report as issued (PDF and CSV), kept so the batch is downloaded later.

    Written by the ``donor_reports`` job (``reports.tasks``); issuing the year again replaces
    the donor's row of that year."""

    donor = models.ForeignKey(
        "inventory.Donor",
        on_delete=models.PROTECT,
        related_name="yearly_reports",
        verbose_name=_("donor"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    pdf = models.BinaryField(_("PDF"))
    csv = models.BinaryField(_("CSV"))
    devices = models.PositiveIntegerField(_("devices"), default=0)
    certificates = models.PositiveIntegerField(_("certificates"), default=0)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("yearly donor report")
        verbose_name_plural = _("yearly donor reports")
        ordering = ["-year", "donor__name"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "year"], name="donor_report_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.donor} · {self.year}"
