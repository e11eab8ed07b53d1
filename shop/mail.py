"""The shop's e-mails, sent through ``workshop.mail.mail_send`` inside the caller's
transaction: the mail job is recorded with the change it tells about, and on a queue it runs
only after that commit (a refused or rolled-back action sends nothing). The mail job retries
and shows on /jobs/ when it fails.
"""

from __future__ import annotations

from workshop.mail import mail_send


def shop_mail(*, to, template: str, context: dict, site=None, actor=None, attachments=None):
    """Send one French e-mail (``attachments``: a list, or a callable building it)."""
    return mail_send(
        to=to,
        template=template,
        context=context,
        site=site,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        language="fr",
        attachments=attachments() if callable(attachments) else attachments,
    )
