"""The shop's e-mails, sent through ``workshop.mail.mail_send`` inside the caller's
transaction: the mail job is recorded with the change it tells about, and on a queue it runs
only after that commit (a refused or rolled-back action sends nothing). The mail job retries
and shows on /jobs/ when it fails.
"""

from __future__ import annotations

from django.conf import settings

from workshop.mail import mail_send


def mail_language(language) -> str:
    """French unless English (or another language of the site) was asked for."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = str(language or "").split("-")[0].lower()
    return language if language in codes else "fr"


def shop_mail(
    *,
    to,
    template: str,
    context: dict,
    site=None,
    actor=None,
    attachments=None,
    language: str = "fr",
):
    """Send one e-mail, French unless ``language`` asks for English (``attachments``: a list,
    or a callable building it)."""
    return mail_send(
        to=to,
        template=template,
        context=context,
        site=site,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        language=mail_language(language),
        attachments=attachments() if callable(attachments) else attachments,
    )
