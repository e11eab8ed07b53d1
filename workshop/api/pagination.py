"""Paging of API lists: page numbers by default, cursors for the big, growing lists.

A ``page_size`` that is not a whole number from 1 up is refused (400 with the error shape)
rather than silently replaced by the default; above ``max_page_size`` it is capped. The schema
says so (``minimum: 1``), which is what schemathesis checks.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class StrictPageSizeMixin:
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value < 1 or not raw.strip().isdigit():
            raise ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return min(value, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class PageNumberPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    """``page`` is a whole number from 1 (or ``last``): anything else answers 400, where
    Django REST framework read an empty or repeated ``page`` as the first page."""

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if (
            any(not (value.isdigit() or value in self.last_page_strings) for value in values)
            or len(values) > 1
        ):
            raise ValidationError(
                {self.page_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class CursorPagination(StrictPageSizeMixin, pagination.CursorPagination):
    ordering = "-id"
