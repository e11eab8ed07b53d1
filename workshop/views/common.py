"""What every bench view shares: the workstation cookie, sign-in checks, partial rendering.

A bench page renders its main template inside ``workshop/page.html`` for a normal request, and
alone when htmx asks for the ``#bench-main`` region. Writes follow Post/Redirect/Get; with htmx
the redirect becomes an ``HX-Location`` that loads the next page's partial into
``#bench-main``. A ``DomainError`` that escapes a view becomes a message, never a 500.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseLocation

from workshop import selectors
from workshop.access import site_allowed
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK
from workshop.roles import ALL_ROLES, user_roles

WORKSTATION_COOKIE = "atelier_workstation"
WORKSTATION_SALT = "atelier.workstation"
WORKSTATION_MAX_AGE = 400 * 24 * 3600
MAIN_ID = "bench-main"

BENCH_HOME = {
    WK.INTAKE: "bench:intake",
    WK.ERASURE: "bench:erasure",
    WK.TEST: "bench:test",
    WK.GRADING: "bench:grading",
    WK.SHOP: "shop:counter",
}
BENCH_DEVICE = {
    WK.INTAKE: "bench:intake-device",
    WK.ERASURE: "bench:erasure-device",
    WK.TEST: "bench:test-device",
    WK.GRADING: "bench:grading-device",
}


def current_workstation(request):
    """Return the workstation this browser was set to (signed cookie), or ``None``."""
    if not hasattr(request, "_bench_workstation"):
        pk = request.get_signed_cookie(WORKSTATION_COOKIE, default=None, salt=WORKSTATION_SALT)
        request._bench_workstation = selectors.workstation_get(pk) if pk else None
    return request._bench_workstation


def bench_home_url(workstation) -> str:
    """Return the URL of the bench screen for ``workstation``'s kind."""
    if workstation is None:
        return reverse("bench:workstation")
    return reverse(BENCH_HOME.get(workstation.kind, "bench:lookup"))


def bench_device_url(workstation, device) -> str:
    """Return the URL that opens ``device`` on the bench screen of ``workstation``."""
    name = BENCH_DEVICE.get(getattr(workstation, "kind", None), "bench:device")
    return reverse(name, args=[device.asset_tag])


def safe_next(request, fallback: str) -> str:
    """Return the ``next`` parameter if it points to this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def wants_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == MAIN_ID


def render_bench(request, template: str, context: dict | None = None, *, status: int = 200):
    """Render a bench page, or only its main region for htmx."""
    context = dict(context or {})
    context.setdefault("workstation", current_workstation(request))
    if request.method == "GET":
        context.setdefault("current_url", request.get_full_path())
    else:
        context.setdefault("current_url", bench_home_url(context["workstation"]))
    if wants_partial(request):
        return render(request, template, context, status=status)
    context["main_template"] = template
    return render(request, "workshop/page.html", context, status=status)


def done(request, url: str):
    """Finish a write: redirect, or with htmx load ``url``'s partial into the main region."""
    if getattr(request, "htmx", None):
        return HttpResponseLocation(url, target=f"#{MAIN_ID}", swap="innerHTML")
    return redirect(url)


def show_error(request, error: DomainError) -> None:
    messages.error(request, error.message, extra_tags=error.code)


def bench_view(view=None, *, roles: frozenset[str] | None = None, workstation: bool = True):
    """Require a signed-in user holding a role (``roles``: one of those) and a workstation.

    A ``DomainError`` that a view lets through becomes a message and a redirect, never a 500.
    """

    def decorate(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("bench:signin"))
            request.workstation = current_workstation(request)
            if request.workstation is not None and not site_allowed(
                request.workstation.site_id, actor=request.user
            ):
                # This screen is a bench of another site than the person's: not theirs to use.
                messages.error(
                    request,
                    _("%(name)s is a workstation of another site: choose one of your site.")
                    % {"name": request.workstation},
                )
                request.workstation = request._bench_workstation = None
            held = user_roles(request.user)
            # The benches are for the roles that work with devices (a job counsellor's
            # screens are the skills passport's, ``skills/``).
            if not held & (roles or ALL_ROLES):
                return render_bench(request, "workshop/bench/forbidden.html", status=403)
            if workstation and request.workstation is None:
                messages.info(request, _("Choose which workstation this is first."))
                return redirect(f"{reverse('bench:workstation')}?next={request.get_full_path()}")
            try:
                return fn(request, *args, **kwargs)
            except DomainError as error:
                show_error(request, error)
                return done(request, safe_next(request, bench_home_url(request.workstation)))

        return wrapper

    return decorate(view) if view is not None else decorate


def roles_required(*roles):
    """Let in signed-in users holding one of ``roles``; others get a 403."""
    wanted = frozenset(roles)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & wanted:
                refused = PermissionDenied(
                    _("This page is for: %(roles)s.") % {"roles": ", ".join(sorted(wanted))}
                )
                refused.roles = wanted  # the 403 page names them (workshop.views.errors)
                raise refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
