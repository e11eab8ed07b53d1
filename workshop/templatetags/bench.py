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


@register.simple_tag(takes_context=True)
def bench_messages(context):
    """The messages to show, split: ``messages`` (ordinary ones) and ``notices`` (the print
    notices: sent, or what to check with a retry button). Both are shown once."""
    from workshop.labelprint import bench_messages as split

    request = context.get("request")
    ordinary, notices = split(request) if request is not None else ([], [])
    return {"messages": ordinary, "notices": notices}


@register.simple_tag
def form_token_field():
    """The one-time form token alone, for a form that writes its CSRF field itself (the
    admin's)."""
    from django.utils.html import format_html

    from workshop.formtokens import new_token

    return format_html('<input type="hidden" name="form_token" value="{}">', new_token())


@register.simple_tag(takes_context=True)
def form_token(context):
    """The CSRF field and a one-time form token (``workshop.formtokens``): a second submit
    of the same form answers what the first did instead of doing it again."""
    from django.middleware.csrf import get_token
    from django.utils.html import format_html

    request = context.get("request")
    csrf = get_token(request) if request is not None else context.get("csrf_token", "")
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}', csrf, form_token_field()
    )
