"""Template helpers of the device screens: what an event changed, in the screen's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from refurb.models import Destruction, Erasure
from refurb.states import State
from workshop.access import private_name_visible, role_allows, site_allowed
from workshop.roles import user_roles

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return value or ""


def _choice_label(choices, value) -> str:
    """The translated label of a stored choice code (payloads keep codes, screens show labels)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


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
        result = _choice_label(Erasure.Result, data.get("result"))
        parts = [data.get("drive", ""), str(data.get("method", "")).capitalize(), result, verified]
        return " · ".join(str(part) for part in parts)
    if code == "destruction":
        method = _choice_label(Destruction.Method, data.get("method"))
        return f"{data.get('drive', '')} · {method} · {data.get('witness', '')}"
    if code == "test":
        outcome = _("pass") if data.get("passed") else _("fail")
        note = f" · {data['note']}" if data.get("note") else ""
        item = (check_labels or {}).get(data.get("item"), data.get("item", ""))
        return _("%(item)s: %(outcome)s") % {"item": item, "outcome": outcome} + note
    if code == "updated" and data.get("no_storage_confirmed"):
        return _("no storage")
    return ""


@register.filter(name="event_by")
def event_by_filter(event) -> str:
    """Who made the event: a person's name, a workstation's agent or the system."""
    from refurb.eventtext import event_by

    return event_by(event)


@register.filter(name="event_sentence")
def event_sentence_filter(event, check_labels=None) -> str:
    """One sentence saying what an event did (``refurb.eventtext``)."""
    from refurb.eventtext import event_sentence

    return event_sentence(event, check_labels)


@register.simple_tag(takes_context=True)
def may_issue_certificates(context, site_id) -> bool:
    """True when the signed-in person may issue and download certificates of ``site_id``
    (``workshop.access``: managers of that site): nobody else is offered a link they cannot use.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return role_allows(user_roles(user), "certificate", "issue") and site_allowed(
        site_id, actor=user
    )


@register.simple_tag(takes_context=True)
def donor_shown(context, collection) -> str:
    """The donor of ``collection`` as the signed-in person may read it: an organisation's name
    always, a private person's only for the managers of its site (``workshop.access``)."""
    donor = collection.donor
    if donor.kind != "person":
        return donor.name
    request = context.get("request")
    if private_name_visible(getattr(request, "user", None), collection.site_id):
        return donor.name
    return _("a private person")


def _spec_labels() -> dict[str, str]:
    return {
        "cpu_model": _("Processor"),
        "cpu_generation": _("CPU generation"),
        "cpu_cores": _("CPU cores"),
        "cpu_threads": _("CPU threads"),
        "ram_gb": _("Memory (GB)"),
        "storage_gb": _("Storage (GB)"),
        "storage_kind": _("Kind of storage"),
        "screen_inches": _("Screen (inches)"),
        "battery_design_wh": _("Battery design capacity (Wh)"),
        "battery_health_pct": _("Battery health (%)"),
        "gpus": _("Graphics"),
    }


@register.filter
def spec_label(key: str) -> str:
    """The name of a spec key (``ram_gb``) in the screen's language; an unknown key as is."""
    return _spec_labels().get(str(key), str(key))
