"""Building blocks every API view and serializer uses: strict input, paging, permissions."""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.fields import ProhibitNullCharactersValidator
from rest_framework.response import Response

from workshop.access import access_check
from workshop.api.auth import RolePermission, request_workstation
from workshop.api.errors import UnknownFieldError
from workshop.api.fields import DESCRIPTION as DATETIME_DESCRIPTION
from workshop.api.fields import PATTERN as DATETIME_PATTERN
from workshop.api.fields import check_moment
from workshop.api.idempotency import IdempotentMixin
from workshop.api.pagination import CursorPagination, PageNumberPagination  # noqa: F401


class StrictFieldsMixin:
    """Refuse a body that names a field the serializer does not accept (``unknown_field``),
    a number where the schema says text, and any text holding a NUL character, which
    PostgreSQL cannot store nor even look up."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [name for name in data if name not in accepted]
            if unknown:
                raise UnknownFieldError(unknown)
            # DRF's CharField turns a number into text; the schema says string: refuse it.
            not_text = {
                name: [str(serializers.CharField.default_error_messages["invalid"])]
                for name, value in data.items()
                if isinstance(self.fields.get(name), serializers.CharField)
                and value is not None
                and not isinstance(value, str)
            }
            if not_text:
                raise serializers.ValidationError(not_text)
            # DRF's BooleanField reads 0, 1, "yes"...; in JSON the schema says true or false.
            not_boolean = {
                name: [str(serializers.BooleanField.default_error_messages["invalid"])]
                for name, value in data.items()
                if isinstance(self.fields.get(name), serializers.BooleanField)
                and value is not None
                and not isinstance(value, bool)
                and not isinstance(data, QueryDict)
            }
            if not_boolean:
                raise serializers.ValidationError(not_boolean)
            with_nul = {
                name: [str(ProhibitNullCharactersValidator.message)]
                for name, value in data.items()
                if isinstance(value, str) and "\x00" in value
            }
            if with_nul:
                raise serializers.ValidationError(with_nul)
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A write serializer that refuses unknown fields."""


class ApiViewMixin(IdempotentMixin):
    """Role permissions, idempotent POSTs and a clear 404 for every API view."""

    permission_classes = [RolePermission]
    not_found_message = ""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
            message = self.not_found_message or _("Nothing matches “%(key)s”.")
            raise exceptions.NotFound(message % {"key": lookup}) from None


class ReadCreateViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List, detail and a create that goes through a service (``perform_service``)."""

    create_serializer_class = None

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class is not None:
            return self.create_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        instance = self.perform_service(dict(body.validated_data))
        instance = self.get_queryset().get(pk=instance.pk)
        data = self.serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_service(self, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class _BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def clean(self, value):
        from django import forms

        moment = super().clean(value)
        if moment is not None and (message := check_moment(moment)) is not None:
            raise forms.ValidationError(message, code="invalid")
        return moment


class _BoundedIsoDateTimeRangeField(django_filters.fields.RangeField):
    widget = django_filters.widgets.DateRangeWidget

    def __init__(self, *args, **kwargs):
        fields = (_BoundedIsoDateTimeField(), _BoundedIsoDateTimeField())
        super().__init__(fields, *args, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": DATETIME_PATTERN,
        "description": (DATETIME_DESCRIPTION),
    }
)
class UtcDateTimeRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """``<name>_after``/``<name>_before`` ISO date-times, sent to the database in UTC.

    Python accepts UTC offsets up to ±23:59 and years 1 to 9999, PostgreSQL offsets only up
    to ±15:59: each bound follows the API's one date-time rule (``workshop.api.fields``:
    1900-2100, whole-minute offsets), so an exotic one answers 400, never a database error.
    """

    field_class = _BoundedIsoDateTimeRangeField

    def filter(self, qs, value):
        if value:
            value = slice(_utc(value.start), _utc(value.stop))
        return super().filter(qs, value)


def _utc(moment):
    from datetime import UTC

    return None if moment is None else moment.astimezone(UTC)


def site_scope(queryset, request, field: str = "site_id"):
    """Only the rows of the caller's sites (every site for a network manager or a superuser;
    a workstation token's site): another site's row is missing, exactly like one that does
    not exist."""
    from workshop.selectors import user_site_ids

    site_ids = user_site_ids(request.user)
    if site_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": site_ids})


def access_guard(request, resource: str, action: str, site) -> None:
    """The access matrix for the caller on a row of ``site``: 403 ``role_forbidden`` or
    ``other_site`` (``workshop/access.py``), before the service is called."""
    access_check(
        resource, action, site=site, actor=request.user, workstation=request_workstation(request)
    )


def caller_site(request, site=None):
    """The site a write happens at: the one the body names, else the workstation's, else the
    person's; a 400 naming ``site`` when none can be told."""
    from workshop.selectors import user_site

    if site is None:
        workstation = request_workstation(request)
        site = workstation.site if workstation is not None else user_site(request.user)
    if site is None:
        from workshop.exceptions import DomainError

        raise DomainError(
            "invalid",
            _("Some fields are not valid: correct them and try again."),
            fields={"site": [str(_("This field is required."))]},
        )
    return site
