"""The shared device card with its timeline, and the one transition view of every card."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refurb import services as refurb_services
from refurb.states import State
from refurb.views.common import device_context, device_get
from workshop.exceptions import DomainError
from workshop.forms import TransitionForm, form_errors
from workshop.labelprint import bench_print
from workshop.views.common import (
    bench_device_url,
    bench_view,
    done,
    render_bench,
    safe_next,
    show_error,
)


@bench_view
def device_card(request, tag):
    """Show a device: specs, drives, location, state, next moves and its whole history."""
    device = device_get(tag)
    return render_bench(request, "refurb/bench/device.html", device_context(request, device))


@require_POST
@bench_view
def transition(request, tag):
    """Apply one move of the transition table to the device (the buttons of every card)."""
    device = device_get(tag)
    back = safe_next(request, bench_device_url(request.workstation, device))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, back)
    data = form.cleaned_data
    try:
        event = refurb_services.device_move_ask(
            device=device,
            to=data["to"],
            actor=request.user,
            workstation=request.workstation,
            reason=data["reason"],
            inputs={"grade": data["grade"]} if data["grade"] else None,
        )
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    messages.success(
        request,
        _("%(tag)s is now “%(state)s”.")
        % {"tag": device.asset_tag, "state": device.get_state_display()},
    )
    if device.state == State.ON_SALE:
        bench_print(
            request,
            template="shop_label",
            obj=device,
            action_key=f"on_sale:{event.pk}",
        )
    return done(request, back)
