"""Building blocks every API view and serializer uses: strict input, paging, permissions."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from workshop.api.auth import RolePermission
from workshop.api.errors import UnknownFieldError
from workshop.api.idempotency import IdempotentMixin
from workshop.api.pagination import CursorPagination, PageNumberPagination  # noqa: F401


class StrictFieldsMixin:
    """Refuse a body that names a field the serializer does not accept (``unknown_field``)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [name for name in data if name not in accepted]
            if unknown:
                raise UnknownFieldError(unknown)
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
