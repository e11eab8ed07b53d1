"""Each event of a device's history as one sentence in the screen's language.

Payloads keep codes (``nvme``, ``purge``, ``passed: false``); people read sentences: "Disque
LYD000028L enregistré (NVMe, n° S3Z9NB0K)." One function per event code, fed by its payload;
an unknown code or key never breaks the page (it gives the code's label alone).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refurb.models import Destruction, Drive, Erasure, NistMethod
from refurb.states import State

NBSP = "\u00a0"


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _state(value) -> str:
    return _label(State, value)


def _euros(value) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number_format(amount, 2)}{NBSP}€"


def _join(parts) -> str:
    return ", ".join(str(part) for part in parts if part)


def _registered(event, data, labels) -> str:
    what = " ".join(str(p) for p in (data.get("make"), data.get("model")) if p)
    details = []
    if data.get("serial"):
        details.append(_("serial %(serial)s") % {"serial": data["serial"]})
    if data.get("weight_kg"):
        try:
            weight = number_format(Decimal(str(data["weight_kg"])).normalize(), use_l10n=True)
        except (InvalidOperation, ValueError):
            weight = data["weight_kg"]
        details.append(f"{weight}{NBSP}kg")
    if data.get("collection"):
        details.append(_("collection %(tag)s") % {"tag": data["collection"]})
    text = _("Registered: %(what)s") % {"what": what} if what else _("Registered")
    if details:
        text += f" ({_join(details)})"
    return text + "."


def _transition(event, data, labels) -> str:
    text = _("Moved from “%(from)s” to “%(to)s”.") % {
        "from": _state(event.from_state) or "—",
        "to": _state(event.to_state),
    }
    if data.get("grade") and event.to_state == State.GRADED:
        text += " " + _("Grade %(grade)s.") % {"grade": data["grade"]}
    if data.get("invoice") and event.to_state == State.SOLD:
        text += " " + _("Invoice %(invoice)s, %(price)s.") % {
            "invoice": data["invoice"],
            "price": _euros(data.get("price", "0")),
        }
    if data.get("credit_note"):
        text += " " + _("Credit note %(note)s.") % {"note": data["credit_note"]}
    return text


def _moved(event, data, labels) -> str:
    return _("Put at %(place)s.") % {"place": data.get("to_name") or data.get("to") or "?"}


def _drive_added(event, data, labels) -> str:
    details = [_label(Drive.Kind, data.get("kind"))]
    if data.get("serial"):
        details.append(_("serial %(serial)s") % {"serial": data["serial"]})
    text = _("Drive %(drive)s recorded (%(details)s).") % {
        "drive": data.get("drive", ""),
        "details": _join(details),
    }
    if data.get("failing"):
        text += " " + _("Its SMART health says it is failing.")
    if data.get("no_storage_undone"):
        text += " " + _("The “no storage” declaration is undone.")
    return text


def _erasure(event, data, labels) -> str:
    passes = int(data.get("passes") or 1)
    text = _("Drive %(drive)s erased by %(method)s with %(tool)s, %(passes)s.") % {
        "drive": data.get("drive", ""),
        "method": _label(NistMethod, data.get("method")).split(" (")[0],
        "tool": data.get("tool") or "?",
        "passes": ngettext("%(n)d pass", "%(n)d passes", passes) % {"n": passes},
    }
    ok = data.get("result") == Erasure.Result.SUCCESS
    if ok and data.get("verified"):
        return text + " " + _("Verified: the data is gone.")
    if ok:
        return text + " " + _("Not verified: erase it again or destroy it.")
    return (
        text
        + " "
        + _("The erasure failed (%(result)s): erase it again or destroy it.")
        % {"result": _label(Erasure.Result, data.get("result")).lower()}
    )


def _check(event, data, labels) -> str:
    text = _("Drive %(drive)s read back by %(tool)s (%(method)s), without writing to it.") % {
        "drive": data.get("drive", ""),
        "tool": data.get("tool") or "?",
        "method": data.get("method") or "?",
    }
    if data.get("result") == "passed":
        return text + " " + _("It read as blank; a check is not an erasure.")
    return text + " " + _("The check did not pass: erase the drive or destroy it.")


def _destruction(event, data, labels) -> str:
    return _("Drive %(drive)s destroyed (%(method)s), witnessed by %(witness)s.") % {
        "drive": data.get("drive", ""),
        "method": _label(Destruction.Method, data.get("method")).lower(),
        "witness": data.get("witness") or "?",
    }


def _test(event, data, labels) -> str:
    item = (labels or {}).get(data.get("item"), data.get("item", ""))
    if data.get("passed"):
        text = _("Check “%(item)s” passed.") % {"item": item}
    else:
        text = _("Check “%(item)s” failed.") % {"item": item}
    if data.get("note"):
        text += " " + _("Note: %(note)s") % {"note": data["note"]}
    return text


def _repair(event, data, labels) -> str:
    if data.get("outcome"):
        outcomes = {
            "repaired": _("Repair closed: repaired, to test again."),
            "harvest": _("Repair closed: the device is harvested for parts."),
            "recycle": _("Repair closed: the device is recycled."),
        }
        return outcomes.get(data["outcome"], _("Repair done."))
    if data.get("diagnosis"):
        return _("Diagnosis: %(diagnosis)s") % {"diagnosis": data["diagnosis"]}
    if data.get("action"):
        return _("Repair work: %(action)s (%(minutes)s min).") % {
            "action": data["action"],
            "minutes": data.get("minutes", 0),
        }
    if data.get("fault"):
        return _("Repair opened: %(fault)s") % {"fault": data["fault"]}
    if data.get("status") == "abandoned":
        return _("Repair abandoned.")
    text = _("Repair done.")
    if data.get("work_done"):
        text += " " + _("Work: %(work)s") % {"work": data["work_done"]}
    if data.get("parts_used"):
        text += " " + _("Parts: %(parts)s") % {"parts": data["parts_used"]}
    return text


FIELD_NAMES = {
    "category": lambda: _("category"),
    "make": lambda: _("make"),
    "model": lambda: _("model"),
    "serial_number": lambda: _("serial number"),
    "specs": lambda: _("specifications"),
    "weight_kg": lambda: _("weight (kg)"),
}


def _value(value) -> str:
    if value in (None, "", {}):
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in sorted(value.items()))
    return str(value)


def _updated(event, data, labels) -> str:
    if isinstance(data.get("changes"), dict):
        parts = [
            _("%(field)s “%(old)s” → “%(new)s”")
            % {
                "field": FIELD_NAMES.get(name, lambda n=name: n)(),
                "old": _value(old_new[0]),
                "new": _value(old_new[1]),
            }
            for name, old_new in sorted(data["changes"].items())
        ]
        return _("Details corrected: %(changes)s.") % {"changes": "; ".join(parts)}
    if data.get("no_storage_confirmed"):
        return _("Checked by hand: this device has no storage.")
    if data.get("kit"):
        if data.get("action") == "dismantled":
            return _("Taken out of kit %(kit)s.") % {"kit": data["kit"]}
        return _("Put in kit %(kit)s.") % {"kit": data["kit"]}
    return _("Details updated.")


def _signed_off(event, data, labels) -> str:
    if data.get("declared_by"):
        return _(
            "“No storage” signed off: the declaration by %(person)s is confirmed by a second "
            "person."
        ) % {"person": data["declared_by"]}
    return _("“No storage” signed off by a second person.")


def _refused(event, data, labels) -> str:
    text = (
        _("“No storage” refused: the declaration by %(person)s is undone.")
        % {"person": data["declared_by"]}
        if data.get("declared_by")
        else _("“No storage” refused: the declaration is undone.")
    )
    found = getattr(event, "reason", "")
    if found:
        text += " " + _("Found: %(reason)s") % {"reason": found}
    return text


def _snapshot(event, data, labels) -> str:
    text = _("Hardware read by the bench agent (%(format)s).") % {
        "format": data.get("format") or "?"
    }
    counts = []
    if data.get("drives_added"):
        n = int(data["drives_added"])
        counts.append(ngettext("%(n)d drive added", "%(n)d drives added", n) % {"n": n})
    if data.get("erasures"):
        n = int(data["erasures"]) if str(data["erasures"]).isdigit() else len(data["erasures"])
        counts.append(ngettext("%(n)d erasure recorded", "%(n)d erasures recorded", n) % {"n": n})
    if counts:
        text += " " + _join(counts).capitalize() + "."
    return text


TEMPLATE_NAMES = {
    "device_tag": lambda: _("Device label"),
    "drive_tag": lambda: _("Drive label"),
    "erasure_sticker": lambda: _("Erasure sticker"),
    "shop_label": lambda: _("Shop label"),
    "kit_label": lambda: _("Kit label"),
    "part_label": lambda: _("Part label"),
}


def _printed(event, data, labels) -> str:
    name = TEMPLATE_NAMES.get(data.get("template"), lambda: _("Label"))()
    text = _("%(label)s printed on “%(printer)s”.") % {
        "label": name,
        "printer": data.get("printer") or "?",
    }
    if data.get("reprint"):
        text += " " + _("(reprint)")
    return text


def _price(event, data, labels) -> str:
    if data.get("free_of_charge"):
        return _("Given free of charge.")
    return _("Price set: %(solidarity)s solidarity, %(standard)s standard.") % {
        "solidarity": _euros(data.get("solidarity", "0")),
        "standard": _euros(data.get("standard", "0")),
    }


PART_CATEGORY_NAMES = {
    "memory": lambda: _("memory module"),
    "drive": lambda: _("drive"),
    "battery": lambda: _("battery"),
    "charger": lambda: _("charger"),
    "screen": lambda: _("screen"),
    "keyboard": lambda: _("keyboard"),
    "power_supply": lambda: _("power supply"),
    "other": lambda: _("other part"),
}


def part_category_name(code) -> str:
    """The name of a part category (``inventory.Part.Category``) in the active language."""
    return PART_CATEGORY_NAMES.get(code, lambda: str(code or "?"))()


def _part_fitted(event, data, labels) -> str:
    text = _("Part %(part)s fitted (%(category)s).") % {
        "part": data.get("part") or "?",
        "category": part_category_name(data.get("category")),
    }
    if data.get("origin"):
        text += " " + _("It comes from %(origin)s.") % {"origin": data["origin"]}
    if data.get("drive"):
        text += " " + _("Drive %(drive)s now belongs to this device, with its erasure proof.") % {
            "drive": data["drive"]
        }
    return text


def _part_removed(event, data, labels) -> str:
    return _("Part %(part)s removed (%(category)s).") % {
        "part": data.get("part") or "?",
        "category": part_category_name(data.get("category")),
    }


def _sale(event, data, labels) -> str:
    return _("Sold on invoice %(invoice)s.") % {"invoice": data.get("invoice") or "?"}


def _system_installed(event, data, labels) -> str:
    text = _("System installed: %(system)s.") % {"system": data.get("system") or "?"}
    if data.get("licence"):
        text += " " + _("Licence %(licence)s.") % {"licence": data["licence"]}
    if data.get("licence_released"):
        text += " " + _("Licence %(licence)s not used: it stays in stock.") % {
            "licence": data["licence_released"]
        }
    if data.get("first_boot_passed"):
        return text + " " + _("First boot check passed.")
    return text + " " + _("First boot check failed: install it again.")


def _photo_added(event, data, labels) -> str:
    return _("Photo %(position)s added.") % {"position": data.get("position") or "?"}


def _photo_removed(event, data, labels) -> str:
    return _("Photo %(position)s removed.") % {"position": data.get("position") or "?"}


SENTENCES: dict[str, Callable] = {
    "registered": _registered,
    "transition": _transition,
    "moved": _moved,
    "drive_added": _drive_added,
    "erasure": _erasure,
    "drive_check": _check,
    "destruction": _destruction,
    "test": _test,
    "repair": _repair,
    "updated": _updated,
    "no_storage_signed_off": _signed_off,
    "no_storage_refused": _refused,
    "snapshot": _snapshot,
    "printed": _printed,
    "price": _price,
    "sale": _sale,
    "part_fitted": _part_fitted,
    "part_removed": _part_removed,
    "system_installed": _system_installed,
    "photo_added": _photo_added,
    "photo_removed": _photo_removed,
}


def event_by(event) -> str:
    """Who made ``event``, as the timeline says it: the person's name, the agent of a
    workstation (a token with no badge: "by the agent of workstation X") or the system."""
    kind = event.actor_kind
    if not kind:  # written before events said it (chain format 1)
        kind = "person" if event.actor_id else ("agent" if event.workstation_id else "system")
    if kind == "person" and event.actor is not None:
        name = event.actor.get_full_name() or event.actor.get_username()
        return _("by %(name)s") % {"name": name}
    if kind == "agent" and event.workstation is not None:
        return _("by the agent of workstation %(workstation)s") % {
            "workstation": event.workstation.name
        }
    return _("by the system")


def event_sentence(event, check_labels: dict | None = None) -> str:
    """One sentence saying what ``event`` did, from its payload, in the active language."""
    build = SENTENCES.get(event.code)
    if build is None:
        return str(getattr(event, "code_label", "") or event.code)
    try:
        return build(event, event.payload or {}, check_labels)
    except (KeyError, TypeError, ValueError):  # an old or odd payload: still a readable line
        return str(getattr(event, "code_label", "") or event.code)
