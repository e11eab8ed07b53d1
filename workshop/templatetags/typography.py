"""Template filters of French typography (``workshop.typography``): ``{{ total|money }}``,
``{{ rate|percent }}``, ``{{ text|punctuate }}``."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from workshop import typography

register = template.Library()


@register.filter
def money(value) -> str:
    return typography.money(value)


@register.filter
def percent(value, places=0) -> str:
    return typography.percent(value, int(places))


@register.filter(needs_autoescape=True)
def punctuate(value, autoescape=True):
    text = typography.punctuate(value)
    if isinstance(value, SafeData) or not autoescape:
        return mark_safe(text) if isinstance(value, SafeData) else text
    return mark_safe(conditional_escape(text))


@register.simple_tag
def colon() -> str:
    """The colon after a label: ``\u202f:`` in French, ``:`` otherwise."""
    return f"{typography.NNBSP}:" if typography.french() else ":"
