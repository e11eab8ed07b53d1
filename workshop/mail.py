"""E-mail: every mail the workshop sends is rendered at once and sent by a job.

``mail_send`` renders a mail's three templates (``<template>_subject.txt``, ``<template>.txt``
and ``<template>.html``, the HTML extending ``mail/base.html``) in the addressee's language
now, with the data of the moment, and records a job of kind ``mail`` that hands it to the SMTP
server (Django's e-mail framework, ``EMAIL_*`` settings). The request that asked for it never
waits on the mail server: on a queue the job runs after the commit that asked for it (a rolled
back request sends nothing); a server that refuses or cannot be reached is tried again
``ATELIER_MAIL_RETRIES`` times, ``ATELIER_MAIL_RETRY_DELAY`` seconds apart, and a mail that
still fails stays *failed* on the jobs page of its site's staff, who may retry it.

Headers are never built from raw text: the subject is one line (newlines and runs of
whitespace folded), every address is checked, and Django refuses any header with a newline.
"""

from __future__ import annotations

import base64
import re
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop.exceptions import DomainError
from workshop.jobs import JobFailed, job_create, job_kind

_SPACES = re.compile(r"\s+")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _addresses(to) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    cleaned = []
    for address in addresses:
        address = (address or "").strip()
        try:
            if "\n" in address or "\r" in address:
                raise ValidationError("newline")
            validate_email(address)
        except ValidationError:
            raise DomainError(
                "mail_address_invalid",
                _("The e-mail address %(address)s is not valid: correct it, then try again.")
                % {"address": address or "—"},
            ) from None
        cleaned.append(address)
    if not cleaned:
        raise DomainError("mail_address_invalid", _("A mail needs at least one addressee."))
    return cleaned


def mail_render(template: str, context: dict, *, language: str = "fr") -> dict:
    """The subject (one line), text and HTML of ``template`` in ``language``."""
    with translation.override(language):
        context = {"language": language, **context}
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return {"subject": _SPACES.sub(" ", subject).strip(), "text": text, "html": html}


def mail_send(
    *,
    to,
    template: str,
    context: dict,
    site=None,
    actor=None,
    language: str = "fr",
    attachments: list[tuple[str, bytes, str]] | None = None,
):
    """Render ``template`` for ``to`` now and send it in a job of kind ``mail``; return the Job.

    ``attachments`` are ``(file name, content, MIME type)``. Refused (``DomainError``, nothing
    recorded) for an invalid address or an attachment over 10 MB."""
    addresses = _addresses(to)
    rendered = mail_render(template, context, language=language)
    files = []
    for name, content, mimetype in attachments or []:
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise DomainError(
                "mail_attachment_too_large",
                _("The file %(name)s is too large to be sent by e-mail.") % {"name": name},
            )
        files.append(
            {
                "name": _SPACES.sub(" ", name).strip(),
                "content": base64.b64encode(content).decode("ascii"),
                "mimetype": mimetype,
            }
        )
    payload = {
        "to": addresses,
        "template": template,
        "language": language,
        **rendered,
        "attachments": files,
    }
    return job_create("mail", payload, actor=actor, site=site)


def _message(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(payload["html"], "text/html")
    for item in payload.get("attachments", []):
        message.attach(item["name"], base64.b64decode(item["content"]), item["mimetype"])
    return message


@job_kind(
    "mail",
    label=gettext_lazy("e-mail"),
    lease_seconds=300,
    retries=settings.ATELIER_MAIL_RETRIES,
    retry_delay=settings.ATELIER_MAIL_RETRY_DELAY,
)
def run_mail(job, progress) -> dict:
    payload = job.payload
    to = ", ".join(payload.get("to", []))
    try:
        sent = _message(payload).send()
    except (smtplib.SMTPException, OSError) as exc:
        raise JobFailed(
            _(
                "The mail « %(subject)s » to %(to)s could not be sent (%(error)s): check that "
                "the mail server named in the settings answers, then retry."
            )
            % {"subject": payload.get("subject", ""), "to": to, "error": exc}
        ) from exc
    if not sent:
        raise JobFailed(_("The mail server took no mail for %(to)s.") % {"to": to})
    return {"summary": _("Sent to %(to)s: %(subject)s") % {"to": to, "subject": payload["subject"]}}
