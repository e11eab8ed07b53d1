"""How a report's cell reads on screen: dates short (``23/11/2026``), numbers localized."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def cell(value):
    """A date as its short local form, anything else as the template would print it."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value
