"""Labels printed where the work happens: the bench screens ask, the labels app prints.

The benches (intake, erasure, the device card, the counter) live in apps below ``labels``, so
they cannot import it. ``labels/hooks.py`` registers its printer here at start-up; a screen
calls :func:`bench_print` after the work is saved. Printing never blocks the work: whatever
happens, the outcome becomes a notice (sent, or what to check with a retry button) that the
next bench page shows once, beside its messages (it travels as one of them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger("atelier.labels")
NOTICE_TAG = "print-notice"
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
    """Keep ``notice`` for the next bench page, once (the same notice pending is not doubled).

    A notice travels with the Django messages of the request (a message tagged
    ``print-notice`` holding the notice as JSON): it reaches the page the answer leads to
    the way a message does, and a replayed form submit (``workshop.formtokens``) carries it
    again with the first answer's messages.
    """
    from django.contrib import messages

    storage = getattr(request, "_messages", None)
    if storage is None:
        return
    text = json.dumps(notice, sort_keys=True, ensure_ascii=False)
    pending = [m for m in storage._queued_messages if m.extra_tags == NOTICE_TAG]
    if any(m.message == text for m in pending):
        return
    level = messages.INFO if notice.get("ok") else messages.WARNING
    messages.add_message(request, level, text, extra_tags=NOTICE_TAG)


def notice_of(message) -> dict | None:
    """The print notice a message carries, or None for an ordinary message."""
    if getattr(message, "extra_tags", "") != NOTICE_TAG:
        return None
    try:
        notice = json.loads(str(message.message))
    except ValueError:
        return None
    return notice if isinstance(notice, dict) else None


def bench_messages(request) -> tuple[list, list[dict]]:
    """The request's messages, split: ordinary messages, then print notices (marks them shown)."""
    from django.contrib.messages import get_messages

    ordinary, notices = [], []
    for message in get_messages(request):
        notice = notice_of(message)
        if notice is None:
            ordinary.append(message)
        elif notice not in notices:
            notices.append(notice)
    return ordinary, notices[-MAX_NOTICES:]
