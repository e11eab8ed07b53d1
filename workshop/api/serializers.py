"""Representations of sites and workstations, and the bodies that create them."""

from __future__ import annotations

from rest_framework import serializers

from workshop.api.base import StrictFieldsMixin, StrictSerializer
from workshop.models import Site, Workstation, WorkstationKind


class SiteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["code", "name", "address", "country", "created_at"]
        read_only_fields = ["created_at"]
        # The service validates the model (including the unique code).
        extra_kwargs = {"code": {"validators": []}}


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
