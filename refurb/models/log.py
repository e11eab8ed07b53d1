"""The device's history: append-only events (a hash chain per device) and the stays they end.

Events are written by ``refurb.events.event_append`` only; the stays by ``device_transition``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.models.audit import AppendOnly, AppendOnlyModel, AppendOnlyQuerySet
from refurb.states import State


class EventImmutable(AppendOnly):
    """Raised when code tries to change or delete a recorded event."""


class DeviceEventQuerySet(AppendOnlyQuerySet):
    error = EventImmutable


class DeviceEvent(AppendOnlyModel):
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
        PART_FITTED = "part_fitted", _("Part fitted")
        PART_REMOVED = "part_removed", _("Part removed")
        UPDATED = "updated", _("Details updated")
        NO_STORAGE_SIGNED_OFF = "no_storage_signed_off", _("“No storage” signed off")
        NO_STORAGE_REFUSED = "no_storage_refused", _("“No storage” refused")
        SNAPSHOT = "snapshot", _("Hardware snapshot")
        PRINTED = "printed", _("Label printed")
        PRICE = "price", _("Price set")
        SALE = "sale", _("Sold")
        SYSTEM_INSTALLED = "system_installed", _("System installed")
        PHOTO_ADDED = "photo_added", _("Photo added")
        PHOTO_REMOVED = "photo_removed", _("Photo removed")

    class ActorKind(models.TextChoices):
        """Who made the change: a person (``actor``), the agent of a workstation signed in by
        its token with no badge, or the system (a scheduled job). Empty on events written
        before the chain's format 2 (``refurb.events``)."""

        PERSON = "person", _("person")
        AGENT = "agent", _("workstation agent")
        SYSTEM = "system", _("system")

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
    actor_kind = models.CharField(
        _("made by"), max_length=8, choices=ActorKind.choices, blank=True, default=""
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    append_only_error = EventImmutable
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


class ChainAnchor(AppendOnlyModel):
    """The unkeyed (version 1) start of a device's chain, sealed with the chain key.

    Events written before the chain key existed keep their plain SHA-256 seals. The migration
    that introduced the key wrote one anchor per device: its last such event (``seq``, ``head``)
    and an HMAC of both under the key (``seal``). Events up to ``seq`` verify unkeyed and must
    end at ``head``; every later event, and every event of a device without an anchor, must
    carry a keyed seal. Written by that migration only (``refurb.chain.anchor_seal``).
    """

    device = models.OneToOneField(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="chain_anchor",
        verbose_name=_("device"),
    )
    seq = models.PositiveIntegerField(_("last unkeyed event"))
    head = models.CharField(_("its hash"), max_length=64)
    seal = models.CharField(_("seal"), max_length=64)

    class Meta:
        verbose_name = _("chain anchor")
        verbose_name_plural = _("chain anchors")

    def __str__(self) -> str:
        return f"{self.device_id}#{self.seq}"


class ChainHeadSignature(AppendOnlyModel):
    """A device's chain head signed with the Ed25519 signing key (``manage.py sign_chain_heads``).

    Append-only; one row per device and head, each naming the device's previously signed head
    (``prev_seq``, 0 for its first), the chain key the head was sealed under and the public key
    that verifies ``signature`` over ``refurb.chain.signed_head_message``.
    """

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="head_signatures",
        verbose_name=_("device"),
    )
    seq = models.PositiveIntegerField(_("number"))
    head = models.CharField(_("chain head"), max_length=64)
    prev_seq = models.PositiveIntegerField(_("previously signed number"))
    day = models.DateField(_("day"))
    signed_at = models.DateTimeField(_("signed at"))
    chain_key_id = models.CharField(_("chain key"), max_length=16)
    public_key_id = models.CharField(_("public key"), max_length=16)
    signature = models.CharField(_("signature"), max_length=128)

    class Meta:
        verbose_name = _("signed chain head")
        verbose_name_plural = _("signed chain heads")
        ordering = ["device_id", "seq"]
        constraints = [
            # A head is signed once per chain key: again only after reseal_event_chains.
            models.UniqueConstraint(
                fields=["device", "seq", "chain_key_id"], name="chainheadsignature_unique"
            )
        ]
        indexes = [models.Index(fields=["day"], name="chainheadsignature_day")]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.seq} {self.day}"
