"""The workshop's places, benches and people: sites, workstations, tag counters, badges."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """A workshop building; its two-letter code starts every tag printed there."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, for example LY."))],
        help_text=_("Two capital letters that start every tag printed at this site."),
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="FR",
        db_default="FR",
        validators=[
            RegexValidator(r"^[A-Z]{2}$", _("Use the ISO 3166 two-letter code, for example FR."))
        ],
        help_text=_(
            "ISO 3166 code of the country the site is in: a device is « reconditionné en "
            "France » only if every step took place at a site in France (FR)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class WorkstationKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ERASURE = "erasure", _("Erasure")
    TEST = "test", _("Test")
    GRADING = "grading", _("Grading")
    SHOP = "shop", _("Shop")
    STOCK = "stock", _("Stock")
    # The managers' desk of each site: a manager may make any move their role allows there.
    OFFICE = "office", _("Office")


class Workstation(models.Model):
    """A bench position with its own kind (what it may do) and, later, its printer."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="workstations", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=WorkstationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    printer = models.ForeignKey(
        "labels.Printer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workstations",
        verbose_name=_("label printer"),
        help_text=_("Labels printed at this workstation go to this printer."),
    )

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = ["site__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="workstation_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} · {self.name}"

    def clean(self) -> None:
        if self.printer_id and self.site_id and self.printer.site_id != self.site_id:
            raise ValidationError({"printer": _("Choose a printer of the workstation's site.")})


class TagSequence(models.Model):
    """The last number handed out for one kind of tag at one site (locked when used)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="tag_sequences")
    kind = models.CharField(max_length=1, blank=True)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("tag sequence")
        verbose_name_plural = _("tag sequences")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="tagsequence_unique_site_kind")
        ]

    def __str__(self) -> str:
        return f"{self.site.code}{self.kind}: {self.last_number}"


class WorkstationToken(models.Model):
    """A secret a bench agent or a shared bench screen sends to act as one workstation.

    Only a SHA-256 digest and a short prefix are stored; the key is shown once, at creation.
    """

    workstation = models.ForeignKey(
        Workstation,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("workstation"),
    )
    label = models.CharField(_("label"), max_length=80, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workstation token")
        verbose_name_plural = _("workstation tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… · {self.workstation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed to its repeats.

    ``status`` is null while the first request is still running.
    """

    key = models.CharField(_("key"), max_length=255)
    principal = models.CharField(_("principal"), max_length=64)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    fingerprint = models.CharField(_("body SHA-256"), max_length=64)
    status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["key", "principal"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal} · {self.key}"


class WorkerBadge(models.Model):
    """A worker's badge: its barcode plus a short PIN (stored hashed) signs them in at a bench."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badges",
        verbose_name=_("worker"),
    )
    code = models.CharField(
        _("badge code"),
        max_length=64,
        unique=True,
        help_text=_("What the scanner reads on the badge."),
    )
    pin_hash = models.CharField(_("PIN (hashed)"), max_length=128, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("worker badge")
        verbose_name_plural = _("worker badges")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.user}"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = make_password(pin)

    def check_pin(self, pin: str) -> bool:
        return bool(pin) and check_password(pin, self.pin_hash)


class WorkerProfile(models.Model):
    """What the workshop knows about a user beyond Django's account: the site they work at.

    Shop staff see only the buyers and sales of their site; a manager sees every site. A user
    without a profile (or with no site) sees no site-scoped records unless they are a manager.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="worker_profile",
        verbose_name=_("user"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("site"),
        help_text=_("The site this person works at: shop screens show this site's buyers."),
    )

    class Meta:
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.site.code if self.site else '-'}"


class UserToken(models.Model):
    """A person's API token: stored as a SHA-256 digest with a short prefix, shown once, and
    valid until ``expires_at`` (``ATELIER_USER_TOKEN_DAYS`` after creation) or its revocation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    label = models.CharField(_("label"), max_length=80, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user API token")
        verbose_name_plural = _("user API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… · {self.user}"


class Job(models.Model):
    """One piece of background work (workshop/jobs.py): a print, an import, a periodic task.

    The queue (huey) only carries the job's id; what to do, its progress and its outcome live
    here, in the database, so the jobs page reads them whatever the queue's engine and even
    while the queue is down. A job runs at most once at a time: the worker claims it
    (``queued`` → ``running``, with a lease) in a transaction, and a job whose lease ran out
    while ``running`` (its worker was killed) is marked ``failed`` and may be retried.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The message as written (workshop.jobs.job_message): its msgid and parameters, rendered in
    # the reader's language; ``message`` keeps its text in the writer's (the admin, old rows).
    message_data = models.JSONField(_("message (msgid and parameters)"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} · {self.status}"

    @property
    def shown_message(self) -> str:
        """The message in the active language (workshop.jobs.job_message_text)."""
        from workshop.jobs import job_message_text

        return job_message_text(self)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.done / self.total))


class Heartbeat(models.Model):
    """When a job process (``worker``, ``scheduler``) was last seen alive; ``/health/`` reads it."""

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} · {self.seen_at:%Y-%m-%d %H:%M:%S}"
