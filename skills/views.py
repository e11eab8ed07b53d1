"""The skills passport's screens: the worker's own page, a worker's page for their coaches,
counsellors and managers (with the coach's validation and the four-eyes checks), the team
view and the attestation PDF.

Every read goes through ``workshop.access.worker_data_visible``; every write through
``skills.services`` (validation) or the refurb services the bench screens already call (the
four-eyes forms post to the coach's and the erasure bench's own views).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refurb.selectors import devices_awaiting_sign_off, verification_pending
from skills import services
from skills.attestation import attestation_pdf
from skills.charts import weekly_chart
from skills.models import Evidence, Level, Skill
from skills.selectors import person_name, team_view, worker_passport
from workshop.access import role_allows, worker_data_visible, worker_site_id
from workshop.exceptions import DomainError
from workshop.roles import COACH, COUNSELLOR, MANAGER, user_roles
from workshop.selectors import user_site_ids
from workshop.views.common import current_workstation, done, render_bench, show_error

STYLE = "skills/skills.css"
TEAM_ROLES = frozenset({COACH, COUNSELLOR, MANAGER})
STALE_DEFAULT = 4


def _signed_in(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("bench:signin"))
        request.workstation = current_workstation(request)
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            show_error(request, error)
            return done(request, reverse("skills:me"))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _refused(request):
    """The same answer for a worker who does not exist and one the user may not see."""
    return render_bench(
        request,
        "skills/refused.html",
        {"page_style": STYLE, "page_title": _("Not for you")},
        status=403,
    )


def _worker(pk):
    User = get_user_model()
    return User.objects.select_related("worker_profile__site").filter(pk=pk).first()


def _chart(passport) -> str:
    evidence = passport["evidence"]
    kinds = [k for k in Evidence.values if k and any(w.count for w in evidence[k].weeks)]
    if not kinds:
        return ""
    weeks = evidence[kinds[0]].weeks
    labels = [formats.date_format(w.week, "d/m") for w in weeks]
    done_ = [sum(evidence[k].weeks[i].count for k in kinds) for i in range(len(weeks))]
    corrected = [sum(evidence[k].weeks[i].corrected for k in kinds) for i in range(len(weeks))]
    return weekly_chart(
        _("My work, week by week"),
        labels,
        {_("Work done"): done_, _("Corrected by a coach"): corrected},
    )


def _page(request, worker, *, own: bool):
    passport = worker_passport(worker)
    roles = user_roles(request.user)
    can_validate = (
        not own and role_allows(roles, "worker_skills", "validate") and worker.pk != request.user.pk
    )
    context = {
        "page_style": STYLE,
        "page_title": _("My skills") if own else person_name(worker),
        "worker": worker,
        "worker_name": person_name(worker),
        "own": own,
        "passport": passport,
        "chart": _chart(passport),
        "levels": Level.choices,
        "can_validate": can_validate,
        "can_export": role_allows(roles, "worker_data", "export"),
        "team_link": bool(roles & TEAM_ROLES),
    }
    site_id = worker_site_id(worker)
    if can_validate and site_id is not None:
        ws = request.workstation
        context["bench_here"] = ws is not None and ws.site_id == site_id
        if context["bench_here"]:
            declared = devices_awaiting_sign_off(site=site_id)
            context["to_sign_off"] = [
                d for d in declared if d.declared_by_id == worker.pk and not d.no_storage_signed_off
            ]
            context["verification_checks"] = [
                s for s in verification_pending(site=site_id) if s.erasure.operator_id == worker.pk
            ]
    return render_bench(request, "skills/passport.html", context)


@_signed_in
def me(request):
    """The worker's own page: their skills and levels, their progress, what to learn next."""
    return _page(request, request.user, own=True)


@_signed_in
def worker_page(request, pk):
    """A worker's page, for the worker, the coaches and counsellors of their site and
    managers; a coach validates a level from here."""
    worker = _worker(pk)
    if worker is None or not worker_data_visible(request.user, worker):
        return _refused(request)
    if worker.pk == request.user.pk:
        return redirect("skills:me")
    return _page(request, worker, own=False)


@require_POST
@_signed_in
def validate(request, pk):
    """A coach validates a level of a skill for the worker, with a comment."""
    worker = _worker(pk)
    if worker is None or not worker_data_visible(request.user, worker):
        return _refused(request)
    back = reverse("skills:worker", args=[worker.pk])
    skill = Skill.objects.filter(pk=_int(request.POST.get("skill"))).first()
    if skill is None:
        messages.error(request, _("Choose a skill in the list."))
        return done(request, back)
    try:
        validation = services.skill_validate(
            worker=worker,
            skill=skill,
            level=request.POST.get("level"),
            comment=request.POST.get("comment", ""),
            actor=request.user,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(skill)s — %(level)s: validated for %(name)s.")
            % {
                "skill": skill.name,
                "level": validation.get_level_display(),
                "name": person_name(worker),
            },
        )
    return done(request, back)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@_signed_in
def attestation(request, pk):
    """The attestation of skills of a worker, as a PDF (their own, or one they may read)."""
    worker = _worker(pk)
    if worker is None or not worker_data_visible(request.user, worker):
        return _refused(request)
    pdf = attestation_pdf(worker)
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="attestation-{worker.pk}-{day}.pdf"'
    return response


@_signed_in
def team(request):
    """The team view of a site: who is at which level, who has not been validated lately."""
    roles = user_roles(request.user)
    if not roles & TEAM_ROLES or getattr(request.user, "workstation", None) is not None:
        return _refused(request)
    try:
        weeks = int(request.GET.get("weeks", STALE_DEFAULT))
    except (TypeError, ValueError):
        messages.warning(request, _("The number of weeks must be a whole number: showing 4."))
        weeks = STALE_DEFAULT
    weeks = min(max(weeks, 1), 520)
    site_ids = user_site_ids(request.user)
    view = team_view(site_ids, stale_weeks=weeks)
    return render_bench(
        request,
        "skills/team.html",
        {
            "page_style": STYLE,
            "page_title": _("Team skills"),
            "team": view,
            "team_rows": _team_rows(view),
        },
    )


def _team_rows(view) -> str:
    """The team table's rows, built here rather than in the template: 300 workers × every
    skill is a few thousand cells, which the template language would take ~200 ms to render
    (docs/skills.md, the benchmark). Every value is escaped by ``format_html``."""
    link = reverse("skills:worker", args=[0])[: -len("0/")]
    # A level is 0 to 4: five possible cells, built once.
    cell = [
        format_html('<td class="num lvl lvl--{}">{}</td>', level, level or "·")
        for level in range(len(Level.values) + 1)
    ]
    rows = []
    for row in view["rows"]:
        profile = getattr(row.worker, "worker_profile", None)
        site = profile.site.code if profile is not None and profile.site_id else ""
        cells = mark_safe("".join(cell[level] for level in row.levels))
        rows.append(
            format_html(
                '<tr data-worker="{}"><th scope="row"><a href="{}{}/">{}</a>{}</th>{}</tr>',
                row.worker.pk,
                link,
                row.worker.pk,
                row.name,
                format_html(' <span class="muted">{}</span>', site) if site else "",
                cells,
            )
        )
    return mark_safe("".join(rows))  # each row is format_html's output
