"""The attestation of skills of one worker, as a PDF (reportlab), in French.

It names the workshop (the legal identity of the worker's site: ``shop.SiteLegal``, else the
site's name and address), the worker, the period (first to last piece of evidence or
validation), each skill with the level validated last, its date and the coach who validated
it, and the volumes of work from the device history. Every text goes through
``workshop.pdftext`` so a name or a comment prints as typed, never as markup.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from refurb.models import DeviceEvent
from shop.models import SiteLegal
from skills.evidence import worker_volumes
from skills.models import Evidence, Level, Skill, SkillValidation
from skills.selectors import person_name
from workshop import fonts
from workshop.pdftext import paragraph


def _identity(site) -> dict:
    legal = SiteLegal.objects.filter(site=site).first() if site is not None else None
    if legal is not None:
        return {"name": legal.legal_name, "siret": legal.siret, "address": legal.address}
    return {
        "name": site.name if site is not None else "",
        "siret": "",
        "address": site.address if site is not None else "",
    }


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT") if moment else ""


def attestation_pdf(worker, *, now=None, language: str = "fr") -> bytes:
    with translation.override(language):
        return _render(worker, now or timezone.now())


def attestation_facts(worker) -> dict:
    """What the attestation says, as data (its tests read it too)."""
    profile = getattr(worker, "worker_profile", None)
    site = getattr(profile, "site", None)
    validations = list(
        SkillValidation.objects.filter(worker=worker)
        .select_related("skill", "coach")
        .order_by("-created_at", "-id")
    )
    latest: dict[int, SkillValidation] = {}
    for validation in validations:
        latest.setdefault(validation.skill_id, validation)
    skills = [s for s in Skill.objects.all() if s.pk in latest]
    events = DeviceEvent.objects.filter(actor_id=worker.pk)
    first_event = events.order_by("created_at").values_list("created_at", flat=True).first()
    last_event = events.order_by("-created_at").values_list("created_at", flat=True).first()
    moments = [m for m in (first_event, last_event) if m]
    moments += [v.created_at for v in validations]
    return {
        "workshop": _identity(site),
        "site": site,
        "worker": person_name(worker),
        "start": min(moments) if moments else None,
        "end": max(moments) if moments else None,
        "skills": [(skill, latest[skill.pk]) for skill in skills],
        "volumes": worker_volumes(worker),
    }


def _render(worker, now) -> bytes:
    fonts.register()
    facts = attestation_facts(worker)
    style = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=style, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=style, fontName=fonts.BOLD, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", parent=style, fontName=fonts.BOLD, fontSize=11, leading=15)
    buf = io.BytesIO()
    workshop = facts["workshop"]
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Attestation of skills"),
        author=workshop["name"],
    )
    story: list = [paragraph(workshop["name"], heading)]
    for line in (workshop["address"] or "").splitlines():
        story.append(paragraph(line, small))
    if workshop["siret"]:
        story.append(paragraph(_("SIRET %(siret)s") % {"siret": workshop["siret"]}, small))
    story += [Spacer(1, 6 * mm), paragraph(_("Attestation of skills"), title), Spacer(1, 3 * mm)]
    if facts["start"]:
        period = _("from %(start)s to %(end)s") % {
            "start": _date(facts["start"]),
            "end": _date(facts["end"]),
        }
    else:
        period = _("no work recorded yet")
    story.append(
        paragraph(
            _(
                "%(workshop)s certifies that %(name)s worked at its benches %(period)s and "
                "acquired the skills below, as validated by the technical coaches."
            )
            % {"workshop": workshop["name"], "name": facts["worker"], "period": period},
            style,
        )
    )
    story.append(Spacer(1, 5 * mm))
    story.append(paragraph(_("Skills validated"), heading))
    rows = [[_("Skill"), _("Level"), _("Validated on"), _("By")]]
    for skill, validation in facts["skills"]:
        rows.append(
            [
                paragraph(skill.name, small),
                paragraph(Level(validation.level).label, small),
                paragraph(_date(validation.created_at), small),
                paragraph(person_name(validation.coach), small),
            ]
        )
    if len(rows) == 1:
        rows.append([paragraph(_("No skill validated yet."), small), "", "", ""])
    story.append(_table(rows, [70 * mm, 40 * mm, 35 * mm, 33 * mm]))
    story.append(Spacer(1, 5 * mm))
    story.append(paragraph(_("Volumes of work"), heading))
    volume_rows = [[_("Work"), _("Number")]]
    for kind, label in Evidence.choices:
        count = facts["volumes"].get(kind)
        if kind and count:
            volume_rows.append([paragraph(str(label), small), formats.number_format(count)])
    if len(volume_rows) == 1:
        volume_rows.append([paragraph(_("No work recorded yet."), small), ""])
    story.append(_table(volume_rows, [120 * mm, 30 * mm]))
    story.append(Spacer(1, 8 * mm))
    story.append(
        paragraph(
            _("Issued on %(date)s, from the workshop's records.") % {"date": _date(now)}, small
        )
    )
    doc.build(story)
    return buf.getvalue()


def _table(rows, widths):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
                ("FONTNAME", (0, 1), (-1, -1), fonts.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
