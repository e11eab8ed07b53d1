"""Representations of sites and workstations, and the bodies that create them."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workshop.api.base import StrictFieldsMixin, StrictSerializer
from workshop.models import Job, Site, Workstation, WorkstationKind

SITE_CODE = RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, for example LY."))


class SiteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["code", "name", "address", "country", "created_at"]
        read_only_fields = ["created_at"]
        # The service validates the model (including the unique code).
        # The pattern is the model's own (``Site.code``), said in the schema.
        extra_kwargs = {"code": {"validators": [SITE_CODE]}}


class WorkstationSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Workstation
        fields = ["id", "site", "name", "kind", "is_active"]
        read_only_fields = fields


class WorkstationCreateSerializer(StrictSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=WorkstationKind.choices)
    is_active = serializers.BooleanField(default=True)


class JobSerializer(serializers.ModelSerializer):
    """A background job (workshop.jobs); its message and summary in the request's language."""

    # A scheduled job has no site and nobody asked for it: both are null then.
    site = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    message = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "site",
            "actor",
            "done",
            "total",
            "attempts",
            "message",
            "summary",
            "file",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_message(self, job) -> str:
        from workshop.jobs import job_message_text

        return job_message_text(job)

    def get_summary(self, job) -> str:
        from workshop.jobs import job_summary_text

        return job_summary_text(job)

    def get_file(self, job) -> str | None:
        """The URL of the file the job made (an export), once it is done; else null."""
        from workshop.jobs import job_file_url

        return job_file_url(job)
