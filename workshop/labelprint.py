"""Labels printed where the work happens: the bench screens ask, the labels app prints.

The benches (intake, erasure, the device card, the counter) live in apps below ``labels``, so
they cannot import it. ``labels/hooks.py`` registers its printer here at start-up; a screen
calls :func:`bench_print` after the work is saved. Printing never blocks the work: whatever
happens, the outcome becomes a notice (sent, or what to check with a retry button) that the
next bench page shows once, beside its messages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger("atelier.labels")
SESSION_KEY = "bench_print_notices"
SHOWN_KEY = "bench_print_notices_shown"
SHOWN_SECONDS = 10
MAX_NOTICES = 5

_printer: Callable[..., dict] | None = None


def label_printer_register(printer: Callable[..., dict]) -> None:
    """Set the function that prints: ``printer(template=, obj=, workstation=, actor=,
    action_key=, base_url=) -> notice`` (a dict: ``ok``, ``text`` and optional ``job_url``,
    ``retry_url``, ``document_url``)."""
    global _printer
    _printer = printer


def form_token(request) -> str:
    """The one-time token of the form being submitted, or ''."""
    return str(request.POST.get("form_token", ""))[:64] if request.method == "POST" else ""


def bench_print(request, *, template: str, obj: Any, action_key: str) -> dict | None:
    """Print ``template`` for ``obj`` at the request's workstation; keep the outcome notice.

    ``action_key`` names the action ("register:LY0000423"): the same key never prints twice.
    Returns the notice (or None when no printer is registered at all). Never raises.
    """
    if _printer is None:
        return None
    try:
        notice = _printer(
            template=template,
            obj=obj,
            workstation=getattr(request, "workstation", None),
            actor=request.user,
            action_key=action_key,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except Exception:  # a label must never cost the work that was just saved
        logger.exception("printing %s for %r failed", template, obj)
        notice = {
            "ok": False,
            "text": _(
                "The label could not be printed. The work is saved: check the printer, then "
                "reprint from the device card."
            ),
        }
    notices_add(request, notice)
    return notice


def notices_add(request, notice: dict) -> None:
    """Keep ``notice`` for the next bench page (once: the same notice pending is not doubled).

    The request remembers what it added, so that a replayed form submit (a double click,
    ``workshop.formtokens``) shows the notice again on the page the replay leads to.
    """
    notices = list(request.session.get(SESSION_KEY, []))[-(MAX_NOTICES - 1) :]
    if notice not in notices:
        notices.append(notice)
    request.session[SESSION_KEY] = notices
    added = getattr(request, "_print_notices", None)
    if added is None:
        added = request._print_notices = []
    added.append(notice)


def notices_pop(request) -> list[dict]:
    """The print notices not shown yet; once shown, they stay on that page a few seconds.

    A double click sends two requests, and each leads to its own load of the next page; the
    browser keeps the last one. Showing the notices again on the same page for ``SHOWN_SECONDS``
    makes sure the page the person sees says whether the label printed.
    """
    session = getattr(request, "session", None)
    if session is None:
        return []
    path, now = getattr(request, "path", ""), time.time()
    if SESSION_KEY in session:
        notices = session.pop(SESSION_KEY, [])
        session[SHOWN_KEY] = {"path": path, "until": now + SHOWN_SECONDS, "notices": notices}
        return notices
    shown = session.get(SHOWN_KEY)
    if shown and shown.get("path") == path and shown.get("until", 0) > now:
        return list(shown.get("notices", []))
    if shown:
        del session[SHOWN_KEY]
    return []
