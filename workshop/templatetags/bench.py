"""Template helpers of the bench screens: roles, the current workstation, event summaries."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from refurb.models import Drive
from refurb.states import State
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


@register.filter
def state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return value or ""


@register.filter
def drive_status_label(value: str) -> str:
    try:
        return Drive.Status(value).label
    except ValueError:
        return value or ""


@register.filter
def event_summary(event, check_labels=None) -> str:
    """Return one line saying what an event changed, from its payload (checks by label)."""
    data = event.payload or {}
    code = event.code
    if code == "transition":
        text = f"{state_label(event.from_state)} → {state_label(event.to_state)}"
        if data.get("grade") and event.to_state == State.GRADED:
            text += " · " + _("grade %(grade)s") % {"grade": data["grade"]}
        return text
    if code == "registered":
        parts = [data.get("make"), data.get("model"), data.get("serial")]
        return " ".join(part for part in parts if part)
    if code == "moved":
        return _("to %(place)s") % {"place": data.get("to_name") or data.get("to") or "?"}
    if code == "drive_added":
        return str(data.get("drive", ""))
    if code == "erasure":
        verified = _("verified") if data.get("verified") else _("not verified")
        parts = [data.get("drive", ""), data.get("method", ""), data.get("result", ""), verified]
        return " · ".join(str(part) for part in parts)
    if code == "destruction":
        return f"{data.get('drive', '')} · {data.get('method', '')} · {data.get('witness', '')}"
    if code == "test":
        outcome = _("pass") if data.get("passed") else _("fail")
        note = f" · {data['note']}" if data.get("note") else ""
        item = (check_labels or {}).get(data.get("item"), data.get("item", ""))
        return f"{item}: {outcome}{note}"
    if code == "updated" and data.get("no_storage_confirmed"):
        return _("no storage")
    return ""
