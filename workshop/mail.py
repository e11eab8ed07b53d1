"""Placeholder of the lead's ``workshop.mail`` (replaced by main's when it lands).

Same signature; renders ``<template>_subject.txt``, ``.txt`` and ``.html`` and sends at once.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def mail_send(
    *,
    to,
    template: str,
    context: dict,
    site=None,
    actor=None,
    language: str = "fr",
    attachments=None,
):
    recipients = [to] if isinstance(to, str) else list(to)
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=recipients)
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()
    return None
