"""Signing in (badge + PIN, or user name + password), choosing the workstation, going home."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshop import selectors
from workshop.forms import BadgeSignInForm, PasswordSignInForm
from workshop.roles import ALL_ROLES, user_roles
from workshop.security import LOCKED_STATUS, badge_lockout_message, lockout_message
from workshop.views.common import (
    WORKSTATION_COOKIE,
    WORKSTATION_MAX_AGE,
    WORKSTATION_SALT,
    bench_home_url,
    bench_view,
    current_workstation,
    render_bench,
    safe_next,
)


def home(request):
    """Send a signed-in worker to the bench of this browser's workstation."""
    if not request.user.is_authenticated:
        return redirect("bench:signin")
    if not user_roles(request.user) and hasattr(request.user, "buyer_account"):
        # An association's account (shop): its home is its account page, not a bench.
        return redirect("shop:account")
    if not user_roles(request.user) & ALL_ROLES and user_roles(request.user):
        # A job counsellor works with people, not devices: their home is the team's skills.
        return redirect("skills:team")
    return redirect(bench_home_url(current_workstation(request)))


def signin(request):
    """Sign in with a badge and PIN (the bench norm) or a user name and password."""
    badge_form = BadgeSignInForm(prefix="badge")
    password_form = PasswordSignInForm(prefix="pw")
    focus_pin = False
    if request.method == "POST":
        if request.POST.get("method") == "password":
            password_form = PasswordSignInForm(request.POST, prefix="pw")
            if password_form.is_valid():
                user = authenticate(
                    request,
                    username=password_form.cleaned_data["username"],
                    password=password_form.cleaned_data["password"],
                )
                if user is not None:
                    return _signed_in(request, user)
            if getattr(request, "axes_locked_out", False):
                messages.error(request, lockout_message(), extra_tags="signin")
                return _locked_screen(request, badge_form, password_form)
            messages.error(
                request, _("User name or password is wrong. Try again."), extra_tags="signin"
            )
        else:
            badge_form = BadgeSignInForm(request.POST, prefix="badge")
            if badge_form.is_valid():
                pin = badge_form.cleaned_data["pin"]
                if not pin:
                    focus_pin = True
                    messages.info(request, _("Now type your PIN and press Enter."))
                else:
                    user = authenticate(request, badge=badge_form.cleaned_data["badge"], pin=pin)
                    if user is not None:
                        return _signed_in(request, user)
                    if getattr(request, "axes_locked_out", False):
                        messages.error(request, badge_lockout_message(), extra_tags="signin")
                        return _locked_screen(
                            request, BadgeSignInForm(prefix="badge"), password_form
                        )
                    badge_form = BadgeSignInForm(
                        initial={"badge": badge_form.cleaned_data["badge"]}, prefix="badge"
                    )
                    focus_pin = True
                    messages.error(
                        request,
                        _("This badge and PIN do not match. Type your PIN again."),
                        extra_tags="signin",
                    )
    return render_bench(
        request,
        "workshop/bench/signin.html",
        {
            "badge_form": badge_form,
            "password_form": password_form,
            "focus_pin": focus_pin,
            "next": safe_next(request, ""),
            "hide_scan": True,
        },
    )


def _locked_screen(request, badge_form, password_form):
    """Show the sign-in screen with the lockout message (429), ready for another badge."""
    response = render_bench(
        request,
        "workshop/bench/signin.html",
        {
            "badge_form": badge_form,
            "password_form": password_form,
            "focus_pin": False,
            "next": safe_next(request, ""),
            "hide_scan": True,
        },
        status=LOCKED_STATUS,
    )
    response.lockout_shown = True  # workshop.security.lockout_response keeps this screen
    return response


def _signed_in(request, user):
    login(request, user)
    return redirect(safe_next(request, reverse("bench:home")))


@require_POST
def signout(request):
    logout(request)
    return redirect("bench:signin")


@bench_view(workstation=False)
def workstation_choose(request):
    """List the workstations; choosing one remembers it in this browser (signed cookie)."""
    if request.method == "POST":
        workstation = selectors.workstation_get(request.POST.get("workstation"), user=request.user)
        if workstation is None:
            messages.error(request, _("Choose a workstation in the list."))
            return redirect("bench:workstation")
        response = redirect(safe_next(request, bench_home_url(workstation)))
        response.set_signed_cookie(
            WORKSTATION_COOKIE,
            str(workstation.pk),
            salt=WORKSTATION_SALT,
            max_age=WORKSTATION_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        messages.success(request, _("This screen is now %(name)s.") % {"name": workstation.name})
        return response
    workstations = list(selectors.workstations_for(request.user))
    current = request.workstation
    if current is not None:
        workstations.sort(key=lambda ws: (ws.site_id != current.site_id, ws.site.code))
    return render_bench(
        request,
        "workshop/bench/workstation.html",
        {"workstations": workstations, "next": safe_next(request, ""), "hide_scan": True},
    )
