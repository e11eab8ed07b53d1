"""A real SMTP server on loopback that keeps every mail it receives (aiosmtpd).

``make run`` starts it (``manage.py demo_mailbox``) beside the server, so the demo's mails (an
association's confirmation link, a donor's link) land under ``var/mail/`` as ``.eml`` files
any mail reader opens. The tests use the same server (the ``smtp_server`` fixture) and read
what it received.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import re
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.mailbox._received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server on ``host:port`` (0: a free port) keeping the mails it gets.

    ``messages`` holds them parsed (``email.message.EmailMessage``, modern policy), with
    ``envelope_to`` set; with ``out_dir`` each is also saved as ``NNNN-subject.eml``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir=None) -> None:
        self.host = host
        self.out_dir = Path(out_dir) if out_dir else None
        self.messages: list = []
        self._lock = threading.Condition()
        self._numbers = itertools.count(1)
        if port == 0:
            import socket

            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.port = port
        self._controller = Controller(_Handler(self), hostname=host, port=port)

    def start(self) -> Mailbox:
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def _received(self, mail_from, rcpt_tos, content: bytes) -> None:
        message = email.message_from_bytes(content, policy=email.policy.default)
        message.envelope_to = rcpt_tos
        if self.out_dir:
            subject = re.sub(r"[^\w-]+", "-", str(message.get("Subject", "")))[:60].strip("-")
            name = f"{int(time.time())}-{next(self._numbers):04d}-{subject or 'mail'}.eml"
            (self.out_dir / name).write_bytes(content)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()

    def wait(self, count: int = 1, timeout: float = 10.0) -> list:
        """The messages once there are ``count`` of them (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} mail(s) received, {count} expected")
                self._lock.wait(left)
            return list(self.messages)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def message_text(message, subtype: str = "plain") -> str:
    """The ``text/plain`` (or ``html``) body of a received message, decoded."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""
