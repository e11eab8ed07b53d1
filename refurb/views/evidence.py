"""Screens of the refurbished-product evidence of a device (``refurb.compliance``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from refurb.compliance import device_refurbished_evidence
from refurb.evidence_pdf import evidence_pdf
from refurb.models import Device
from workshop.access import site_allowed
from workshop.roles import MANAGER
from workshop.views.common import roles_required


def _device(request, tag: str) -> Device:
    device = get_object_or_404(Device.objects.select_related("site"), asset_tag=tag.upper())
    if not site_allowed(device.site_id, actor=request.user):
        refused = PermissionDenied()
        refused.text = _(
            "%(tag)s belongs to the site %(site)s: its records are read at that site."
        ) % {"tag": device.asset_tag, "site": device.site.code}
        raise refused
    return device


@roles_required(MANAGER)
def device_evidence(request, tag: str):
    """``refurb:evidence``: what proves the device is refurbished, and which words apply."""
    evidence = device_refurbished_evidence(_device(request, tag))
    return render(request, "refurb/compliance/evidence.html", {"evidence": evidence})


@roles_required(MANAGER)
def device_evidence_pdf(request, tag: str):
    evidence = device_refurbished_evidence(_device(request, tag))
    response = HttpResponse(evidence_pdf(evidence), content_type="application/pdf")
    name = f"evidence-{evidence.device.asset_tag}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
