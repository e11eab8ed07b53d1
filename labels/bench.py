"""Printing from the benches: the label of the thing just registered, added or put on sale.

``bench_label_print`` is what ``workshop.labelprint.bench_print`` calls (registered by
``labels/hooks.py``): it prints at the workstation's printer, once per action, and answers a
notice for the screen instead of raising, so a dead printer never stops the work.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from labels import services
from labels.models import Printer
from workshop.exceptions import DomainError


def _queryset(obj):
    return type(obj).objects.filter(pk=obj.pk)


def bench_label_print(*, template, obj, workstation, actor, action_key, base_url) -> dict:
    """Print ``template`` for ``obj`` at ``workstation``'s printer; answer a notice."""
    code = getattr(obj, "asset_tag", None) or getattr(obj, "tag", "")
    print_url = f"{reverse('labels:print')}?template={template}&codes={code}"
    if workstation is None or not workstation.printer_id:
        return {
            "ok": False,
            "text": _(
                "This workstation has no label printer: write %(code)s on a sticker, or ask a "
                "manager to give the workstation a printer."
            )
            % {"code": code},
            "print_url": print_url,
        }
    try:
        job = services.print_job_create(
            template=template,
            objects=_queryset(obj),
            workstation=workstation,
            actor=actor,
            action_key=action_key,
            base_url=base_url,
        )
    except DomainError as error:
        notice = job_notice(getattr(error, "job", None), code, error=error)
        notice["print_url"] = print_url
        return notice
    return job_notice(job, code)


def job_notice(job, code: str, *, error: DomainError | None = None) -> dict:
    """The screen notice for a print ``job`` of ``code``: sent, or what to check and retry."""
    if error is not None:
        return {
            "ok": False,
            "code": error.code,
            "text": _("Label %(code)s not printed. %(advice)s The work is saved.")
            % {"code": code, "advice": error.message},
            "retry_url": reverse("labels:job-retry", args=[job.pk]) if job else "",
            "job_url": reverse("labels:job", args=[job.pk]) if job else "",
        }
    if job.status == job.Status.QUEUED:
        # Sent by a background job: the job's page shows its progress and its outcome.
        return {
            "ok": True,
            "text": _(
                "Label %(code)s is being printed on “%(printer)s”: its page shows when it is done."
            )
            % {"code": code, "printer": job.printer.name},
            "job_url": reverse("labels:job", args=[job.pk]),
        }
    notice = {
        "ok": True,
        "text": _("Label %(code)s sent to “%(printer)s”.")
        % {"code": code, "printer": job.printer.name},
        "job_url": reverse("labels:job", args=[job.pk]),
    }
    if job.printer.kind == Printer.Kind.DOWNLOAD:
        notice["text"] = _("Label %(code)s is ready: open it to print it.") % {"code": code}
        notice["document_url"] = reverse("labels:job-document", args=[job.pk])
    return notice
