"""Screens of the bench process: certificate downloads and the public verification page."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from refurb.certificates import pdf as certificate_text
from refurb.certificates.content import collection_model
from refurb.certificates.pdf import certificate_pdf
from refurb.certificates.services import certificate_issue, certificate_verify, normalize_code
from refurb.chain import signed_head_message
from refurb.keys import public_key
from refurb.models import Device
from workshop.exceptions import DomainError


def _pdf_response(request, certificate, filename: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("refurb:verify", args=[certificate.code]))
    pdf = certificate_pdf(certificate, verify_url=url, language=get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(request, error: DomainError) -> HttpResponse:
    status = error.status if error.status in (403, 409) else 409
    return render(request, "refurb/certificate_refused.html", {"error": error}, status=status)


@login_required
@require_GET
def certificate_device(request, tag: str):
    """Download the sanitisation certificate of one device."""
    device = get_object_or_404(Device, asset_tag=tag)
    try:
        certificate = certificate_issue(device=device, actor=request.user)
    except DomainError as error:
        return _refused(request, error)
    return _pdf_response(request, certificate, f"certificate-{device.asset_tag}.pdf")


@login_required
@require_GET
def certificate_collection(request, tag: str):
    """Download the sanitisation certificate of a whole donor collection."""
    collection = get_object_or_404(collection_model(), tag=tag)
    try:
        certificate = certificate_issue(collection=collection, actor=request.user)
    except DomainError as error:
        return _refused(request, error)
    return _pdf_response(request, certificate, f"certificate-{collection.tag}.pdf")


def _shown(content: dict | None) -> dict | None:
    """The certificate's facts with each drive's words as the PDF prints them (its status,
    capacity, method and date in French), for the public page: a copy, the facts unchanged."""
    if not content:
        return content
    shown = copy.deepcopy(content)
    for device in shown.get("devices", []):
        for drive in device.get("drives", []):
            proof = drive.get("proof") or {}
            drive["shown"] = {
                "status": certificate_text._result(drive),
                "capacity": certificate_text._capacity(drive.get("capacity_bytes")),
                "method": certificate_text._method(proof),
                "verification": certificate_text._verification(proof),
                "date": certificate_text._date(proof.get("date")),
            }
    return shown


def _signed_heads(result) -> dict:
    """Per asset tag, the signed head vouching for the certificate, with its exact message."""
    heads = {}
    for tag, row in result.signed.items():
        message = signed_head_message(
            asset_tag=tag,
            seq=row["seq"],
            head=row["head"],
            prev_seq=row["prev_seq"],
            day=row["day"],
            chain_key_id=row["chain_key_id"],
        )
        heads[tag] = {**row, "message": message.decode("utf-8")}
    return heads


@require_GET
def verify_index(request):
    """The public key that signs the chain heads, and a field to check a certificate code."""
    code = normalize_code(request.GET.get("code", ""))
    if code:
        return redirect("refurb:verify", code=code)
    return render(request, "refurb/verify_index.html", {"public_key": public_key()})


@require_GET
def verify(request, code: str):
    """Tell anyone, without signing in, whether a certificate is valid, altered or unknown."""
    result = certificate_verify(code)
    status = 404 if result.certificate is None else 200
    return render(
        request,
        "refurb/verify.html",
        {
            "result": result,
            "content": _shown(result.content),
            "code": code,
            "lot_size": (
                len(result.content.get("devices", [])) + len(result.content.get("pending", []))
                if result.content
                else 0
            ),
            "signed": _signed_heads(result),
            "public_key": public_key(),
        },
        status=status,
    )
