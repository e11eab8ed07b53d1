"""Representations of sites and workstations, and the bodies that create them."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workshop.api.base import StrictFieldsMixin, StrictSerializer
from workshop.models import Site, Workstation, WorkstationKind

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
