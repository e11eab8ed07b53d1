"""The shop's e-mails: sent through ``workshop.mail.mail_send`` once the transaction commits.

A refused action sends nothing; the mail job retries and shows on /jobs/ when it fails.
"""

from __future__ import annotations

from django.db import transaction


def shop_mail(*, to, template: str, context: dict, site=None, actor=None, attachments=None):
    """Queue one e-mail after the current transaction commits (French)."""
    from workshop.mail import mail_send

    def send():
        mail_send(
            to=to,
            template=template,
            context=context,
            site=site,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            language="fr",
            attachments=attachments() if callable(attachments) else attachments,
        )

    transaction.on_commit(send)
