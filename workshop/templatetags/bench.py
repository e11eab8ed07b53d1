"""Template helpers of every screen: roles and the current workstation."""

from __future__ import annotations

from django import template

from workshop.roles import user_roles

register = template.Library()


@register.filter
def has_role(user, codes: str) -> bool:
    """Tell whether ``user`` holds one of the comma-separated role ``codes``."""
    wanted = {code.strip() for code in codes.split(",") if code.strip()}
    return bool(user_roles(user) & wanted)


@register.simple_tag(takes_context=True)
def bench_workstation(context):
    """Return the workstation this browser is set to (for pages outside the bench views)."""
    from workshop.views.common import current_workstation

    request = context.get("request")
    return current_workstation(request) if request is not None else None
