"""The test bench, the grading bench and the coach's overview."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from refurb import selectors as refurb_selectors
from refurb import services as refurb_services
from refurb.forms import TestResultForm
from refurb.models import ChecklistItem, Grade
from refurb.selectors import device_checklist
from refurb.states import State
from refurb.views.common import device_context, device_get
from refurb.views.photos import photos_context
from refurb.views.software import system_context
from workshop import selectors
from workshop.exceptions import DomainError
from workshop.forms import form_errors
from workshop.roles import COACH, MANAGER
from workshop.views.common import bench_view, done, render_bench, safe_next, show_error

STUCK_DEFAULT_DAYS = 7


@bench_view
def test_bench(request):
    return render_bench(request, "refurb/bench/test.html")


@bench_view
def test_device(request, tag):
    device = device_get(tag)
    context = device_context(request, device)
    lines = device_checklist(device)
    mandatory = [line for line in lines if line.item.mandatory]
    failed = [line for line in mandatory if line.result is not None and not line.passed]
    if failed and any(move["target"] == State.IN_REPAIR for move in context["open_moves"]):
        # A failed mandatory check: the next step is the repair, offered first.
        context["next_step"] = {
            **context["next_step"],
            "text": _("Next step: a mandatory check failed: send it to repair, or test it again."),
            "target": str(State.IN_REPAIR),
            "here": True,
            "continue_at": [],
        }
        for move in context["moves"]:
            move["main"] = move["target"] == State.IN_REPAIR
        context["open_moves"].sort(key=lambda move: not move["main"])
    context.update(
        {
            "checklist": lines,
            "all_mandatory_passed": all(line.passed for line in mandatory),
            "mandatory_failed": failed,
            "untested": sum(1 for line in lines if line.result is None),
            "mandatory_untested": sum(1 for line in mandatory if line.result is None),
            **system_context(device),
        }
    )
    return render_bench(request, "refurb/bench/test.html", context)


@require_POST
@bench_view
def test_result(request, tag, item_id):
    device = device_get(tag)
    item = get_object_or_404(ChecklistItem, pk=item_id)
    back = reverse("bench:test-device", args=[device.asset_tag]) + f"#check-{item.pk}"
    form = TestResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, back)
    try:
        refurb_services.test_record_result(
            device=device,
            item=item,
            passed=form.cleaned_data["passed"],
            note=form.cleaned_data["note"],
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    return done(request, back)


@require_POST
@bench_view
def test_all_passed(request, tag):
    """Record "passed" for every mandatory check not answered yet (the worker did them all).

    A check already answered keeps its answer: a failure is never overwritten.
    """
    device = device_get(tag)
    back = reverse("bench:test-device", args=[device.asset_tag])
    untested = [
        line.item
        for line in device_checklist(device)
        if line.item.mandatory and line.result is None
    ]
    try:
        for item in untested:
            refurb_services.test_record_result(
                device=device,
                item=item,
                passed=True,
                note="",
                actor=request.user,
                workstation=request.workstation,
            )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d mandatory check recorded as passed.",
                "%(count)d mandatory checks recorded as passed.",
                len(untested),
            )
            % {"count": len(untested)},
        )
    return done(request, back)


@bench_view
def grading(request):
    return render_bench(request, "refurb/bench/grading.html")


@bench_view
def grading_device(request, tag):
    device = device_get(tag)
    context = device_context(request, device)
    targets = {move["target"] for move in context["moves"]}
    context.update(
        {
            "grades": list(Grade.objects.all()),
            "can_grade": State.GRADED in targets,
            "can_sell": State.ON_SALE in targets,
            **photos_context(request, device),
            # The grade cards above make the move to `graded`; the generic list skips it.
            "open_moves": [m for m in context["open_moves"] if m["target"] != State.GRADED],
            **system_context(device),
        }
    )
    return render_bench(request, "refurb/bench/grading.html", context)


def _days(request) -> int:
    try:
        days = int(request.GET.get("days", STUCK_DEFAULT_DAYS))
    except (TypeError, ValueError):
        messages.warning(request, _("The number of days must be a whole number: showing 7."))
        return STUCK_DEFAULT_DAYS
    return min(max(days, 0), 3650)


@bench_view(roles=frozenset({COACH, MANAGER}))
def coach(request):
    """Show what each bench and worker did today, and the devices stuck in a state."""
    site = request.workstation.site
    now = timezone.now()
    start, end = selectors.day_bounds(now)
    days = _days(request)
    declared = list(refurb_selectors.devices_awaiting_sign_off(site=site))
    return render_bench(
        request,
        "refurb/bench/coach.html",
        {
            "activity": refurb_selectors.bench_activity(site=site, day_start=start, day_end=end),
            "stuck": list(refurb_selectors.devices_stuck(site=site, days=days, now=now)),
            "to_sign_off": [device for device in declared if not device.no_storage_signed_off],
            "signed_off": [device for device in declared if device.no_storage_signed_off],
            "failed_checks": list(refurb_selectors.devices_failed_checks(site=site)),
            "open_repairs": refurb_selectors.repairs_open(site=site),
            "days": days,
            "today": start,
            "now": now,
        },
    )


@require_POST
@bench_view(roles=frozenset({COACH, MANAGER}))
def no_storage_sign_off(request, tag):
    """Sign off a worker's "no storage" declaration (never one's own: four eyes)."""
    device = device_get(tag)
    back = safe_next(request, reverse("bench:coach"))
    try:
        refurb_services.device_sign_off_no_storage(
            device=device, actor=request.user, workstation=request.workstation
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(tag)s signed off: it can now be marked as erased at the erasure bench.")
            % {"tag": device.asset_tag},
        )
    return done(request, back)


@require_POST
@bench_view(roles=frozenset({COACH, MANAGER}))
def no_storage_refuse(request, tag):
    """Refuse a "no storage" declaration, saying what was found: the drives are recorded."""
    device = device_get(tag)
    back = safe_next(request, reverse("bench:coach"))
    try:
        refurb_services.device_refuse_no_storage(
            device=device,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _(
                "%(tag)s refused: its drives are now recorded at the erasure bench, and its "
                "history says what you found."
            )
            % {"tag": device.asset_tag},
        )
    return done(request, back)
