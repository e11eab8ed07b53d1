"""Issue and verify data-sanitisation certificates.

Issuing stores the canonical facts with their SHA-256 under a random public code. Verifying
looks the code up (``unknown`` if no certificate has it), recomputes the facts from the
database and compares digests: ``valid`` when they match, ``altered`` when any fact changed
since issuance (an erasure re-recorded, a serial corrected, a device added to the lot...).
Each device's facts embed the head of its event hash chain at issuance
(``refurb.selectors.device_chain_head``): the certificate is also ``altered`` when that link is
gone or the device's chain no longer verifies (history edited behind the application's back,
even sealed again without the chain key, or contradicting a signed daily head). The verification
also returns, per device, the signed head that vouches for the certified link, which anyone can
check with the public key shown on ``/verify/``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from refurb.certificates.content import collection_content, content_digest, device_content
from refurb.models import Certificate
from workshop.access import access_check
from workshop.exceptions import DomainError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16

VALID = "valid"
ALTERED = "altered"
UNKNOWN = "unknown"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())[:64]


def certificate_issue(
    *,
    actor,
    device=None,
    collection=None,
    language: str | None = None,
    now: datetime | None = None,
) -> Certificate:
    """Issue a certificate for one device or one collection, if every drive covered is safe.

    A collection certificate covers the devices done so far and lists the others as pending
    (not covered); it is refused only while no device of the lot is done. Reuses the latest
    certificate of the same subject when its facts are unchanged, so downloading twice gives
    the same code. Raises ``DomainError`` ``certificate_unsafe`` (409) naming the drives that
    are neither erased with verification nor destroyed.
    """
    if (device is None) == (collection is None):
        raise DomainError("invalid", "Give either a device or a collection.")
    if actor is not None:  # managers of the subject's site only (workshop/access.py)
        subject = device if device is not None else collection
        access_check("certificate", "issue", site=subject.site_id, actor=actor)
    now = now or timezone.now()
    if device is not None:
        content = device_content(device)
        subject = {"kind": Certificate.Kind.DEVICE, "device": device}
    else:
        content = collection_content(collection)
        subject = {"kind": Certificate.Kind.COLLECTION, "collection": collection}
    digest = content_digest(content)
    with transaction.atomic():
        existing = Certificate.objects.filter(**subject, content_sha256=digest).first()
        if existing is not None:
            return existing
        certificate = Certificate(
            code=new_code(),
            content=content,
            content_sha256=digest,
            language=(language or settings.LANGUAGE_CODE)[:8],
            issued_at=now,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            **subject,
        )
        certificate.full_clean()
        certificate.save()
    return certificate


@dataclass(frozen=True)
class Verification:
    status: str  # VALID, ALTERED or UNKNOWN
    certificate: Certificate | None = None
    # Per asset tag, the signed head covering the certified link (``ChainHeadSignature`` row).
    signed: dict = field(default_factory=dict)

    @property
    def content(self) -> dict | None:
        return self.certificate.content if self.certificate else None


def certificate_verify(code: str) -> Verification:
    """Tell whether a certificate code is valid, altered since issuance, or unknown."""
    certificate = (
        Certificate.objects.select_related("device", "collection")
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        return Verification(UNKNOWN)
    if content_digest(certificate.content) != certificate.content_sha256:
        return Verification(ALTERED, certificate)
    if certificate.kind == Certificate.Kind.DEVICE:
        current = device_content(certificate.device, check=False)
    else:
        current = collection_content(
            certificate.collection,
            check=False,
            covered={device["tag"] for device in certificate.content.get("devices", [])},
        )
    _keep_certified_chain_heads(current, certificate.content)
    status = VALID if content_digest(current) == certificate.content_sha256 else ALTERED
    intact, signed = _chains_intact(certificate.content)
    if not intact:
        status = ALTERED
    return Verification(status, certificate, signed if status == VALID else {})


def _keep_certified_chain_heads(current: dict, certified: dict) -> None:
    """Compare facts, not chain heads: later events (graded, sold) move a head legitimately.

    Each device's ``chain`` in ``current`` becomes the certified one (or is dropped for a
    certificate issued before chain heads were embedded); ``_chains_intact`` checks them.
    """
    heads = {d["tag"]: d.get("chain") for d in certified.get("devices", [])}
    for device in current.get("devices", []):
        head = heads.get(device["tag"])
        if head is None:
            device.pop("chain", None)
        else:
            device["chain"] = head


def _chains_intact(certified: dict) -> tuple[bool, dict]:
    """Whether every certified chain head is still a link of an intact event chain.

    Also return, per asset tag, the signed head that vouches for the certified link.
    """
    from refurb.chain import chains_links

    heads = {d["tag"]: d["chain"] for d in certified.get("devices", []) if d.get("chain")}
    if not heads:
        return True, {}
    links = chains_links(list(heads))
    signed = {}
    for tag, head in heads.items():
        link = links.get(tag)
        if link is None or link.broken is not None:
            return False, {}
        if link.hashes.get(head["seq"]) != head["head"]:
            return False, {}
        cover = link.signed_cover(head["seq"])
        if cover is not None:
            signed[tag] = cover
    return True, signed
