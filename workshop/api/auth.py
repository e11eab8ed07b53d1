"""Who is calling the API: a user (session or token) or a workstation (workstation token).

``AtelierTokenAuthentication`` reads ``Authorization: Token <key>`` and accepts both a user's
DRF token and a workstation token. A workstation token authenticates as a
``WorkstationPrincipal``: it acts as its workstation, with the roles its kind allows
(``KIND_ROLES``), and is never a user. The bench agent may name the person signed in at the
bench with the ``X-Atelier-Badge`` header (their badge code): the request then acts as that
person, with their roles, and the events it causes name them; without it the events say they
were made by the workstation's agent (``DeviceEvent.actor_kind``). A badge that is unknown,
inactive, of an inactive person, of another site or of a role that does not work at that kind
of bench is refused (403, ``badge_refused``) before anything is done.

Views never look at ``request.user`` directly for writes: they call ``request_actor``,
``request_workstation`` and ``request_roles``. ``RolePermission`` checks the view's
``read_roles``/``write_roles``; ``IsWorkstation`` admits workstation tokens only.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from workshop.models import UserToken, WorkerBadge, WorkstationKind, WorkstationToken
from workshop.roles import ALL_ROLES, BENCH_WORKER, COACH, MANAGER, SHOP, user_roles
from workshop.tokencache import token_cache_get, token_cache_put, token_cache_touch
from workshop.views.common import current_workstation

# The roles a workstation token acts with, by kind of workstation.
KIND_ROLES: dict[str, frozenset[str]] = {
    WorkstationKind.INTAKE: frozenset({BENCH_WORKER}),
    WorkstationKind.ERASURE: frozenset({BENCH_WORKER}),
    WorkstationKind.TEST: frozenset({BENCH_WORKER}),
    WorkstationKind.GRADING: frozenset({BENCH_WORKER}),
    WorkstationKind.STOCK: frozenset({BENCH_WORKER}),
    WorkstationKind.SHOP: frozenset({SHOP}),
}

# The roles of a person whose badge a workstation token may carry, by kind of workstation: the
# kind's own roles, and the coaches and managers who work beside them. What the person may then
# do is checked by each service with their own roles (the move's roles and workstations).
BADGE_ROLES: dict[str, frozenset[str]] = {
    **{kind: roles | {COACH, MANAGER} for kind, roles in KIND_ROLES.items()},
    WorkstationKind.OFFICE: frozenset({MANAGER}),
}
BADGE_HEADER = "HTTP_X_ATELIER_BADGE"

# last_used_at is written at most this often, so a busy agent does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class WorkstationPrincipal:
    """The ``request.user`` of a request authenticated by a workstation token."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, token: WorkstationToken, person=None) -> None:
        self.token = token
        self.workstation = token.workstation
        # The person signed in at the bench (``X-Atelier-Badge``), or None: the agent itself.
        self.person = person
        self._atelier_roles = (
            user_roles(person)
            if person is not None
            else KIND_ROLES.get(self.workstation.kind, frozenset())
        )

    @property
    def username(self) -> str:
        return f"workstation:{self.workstation.pk}"

    def __str__(self) -> str:
        return str(self.workstation)

    def has_perm(self, perm, obj=None) -> bool:
        return False


class BadgeRefused(exceptions.APIException):
    """The badge a workstation token carries does not sign anyone in at that bench."""

    status_code = 403
    default_code = "badge_refused"


def badge_person(code: str, workstation):
    """Return the active person whose badge ``code`` is, if they may work at ``workstation``
    (its site, a role that works at its kind of bench); raise ``BadgeRefused`` otherwise."""
    from workshop.selectors import user_site_ids
    from workshop.services import badge_normalize

    badge = (
        WorkerBadge.objects.select_related("user")
        .filter(code=badge_normalize(code), is_active=True, user__is_active=True)
        .first()
    )
    if badge is None:
        raise BadgeRefused(
            _("This badge signs no one in: it is unknown or no longer active. Sign in again.")
        )
    person = badge.user
    sites = user_site_ids(person)
    if sites is not None and workstation.site_id not in sites:
        raise BadgeRefused(_("This badge belongs to someone of another site."))
    if not user_roles(person) & BADGE_ROLES.get(workstation.kind, frozenset()):
        raise BadgeRefused(
            _("The role of this badge's holder does not work at a %(kind)s workstation.")
            % {"kind": WorkstationKind(workstation.kind).label}
        )
    return person


class AtelierTokenAuthentication(authentication.TokenAuthentication):
    """Authenticate ``Authorization: Token <key>`` as a user token or a workstation token
    (with the person of its ``X-Atelier-Badge`` header, if any)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        principal, token = result
        code = (request.META.get(BADGE_HEADER) or "").strip()
        if isinstance(principal, WorkstationPrincipal):
            if code:
                principal = WorkstationPrincipal(
                    token, person=badge_person(code, principal.workstation)
                )
        elif code:
            raise BadgeRefused(_("Only a workstation token carries a badge."))
        return principal, token

    def authenticate_credentials(self, key):
        from workshop.services import TOKEN_PREFIX, USER_TOKEN_PREFIX, token_digest

        if not key.startswith(TOKEN_PREFIX):
            # A person's token: hashed, expiring (workshop.models.UserToken). The clear-text
            # tokens of rest_framework.authtoken are no longer accepted.
            now = timezone.now()
            digest = token_digest(key)
            token = token_cache_get("user", digest)
            if token is None and key.startswith(USER_TOKEN_PREFIX):
                token = (
                    UserToken.objects.select_related("user")
                    .filter(digest=digest, revoked_at__isnull=True)
                    .first()
                )
                if token is not None and token.user.is_active and token.expires_at > now:
                    token_cache_put("user", digest, token)
            if token is None or token.expires_at <= now:
                raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
            if not token.user.is_active:
                raise exceptions.AuthenticationFailed(_("This user is inactive."))
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
                UserToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
                token_cache_touch("user", digest, now)
            return token.user, token
        digest = token_digest(key)
        ws_token = token_cache_get("workstation", digest)
        if ws_token is None:
            ws_token = (
                WorkstationToken.objects.select_related("workstation__site")
                .filter(digest=digest, revoked_at__isnull=True)
                .first()
            )
            if ws_token is not None and ws_token.workstation.is_active:
                token_cache_put("workstation", digest, ws_token)
        if ws_token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not ws_token.workstation.is_active:
            raise exceptions.AuthenticationFailed(_("This workstation is not active."))
        now = timezone.now()
        if ws_token.last_used_at is None or now - ws_token.last_used_at > LAST_USED_RESOLUTION:
            WorkstationToken.objects.filter(pk=ws_token.pk).update(last_used_at=now)
            ws_token.last_used_at = now
            token_cache_touch("workstation", digest, now)
        return WorkstationPrincipal(ws_token), ws_token


def request_workstation(request):
    """Return the workstation a request acts as: the workstation token's, or for a browser
    session the bench this browser was set to (its signed cookie); else None."""
    user = getattr(request, "user", None)
    if isinstance(user, WorkstationPrincipal):
        return user.workstation
    django_request = getattr(request, "_request", request)
    if getattr(request, "auth", None) is None and hasattr(django_request, "get_signed_cookie"):
        return current_workstation(django_request)
    return None


def request_actor(request):
    """Return the user to record as the actor: for a workstation token, the person of its
    badge, or None (the event then says the workstation's agent made it)."""
    user = getattr(request, "user", None)
    if isinstance(user, WorkstationPrincipal):
        return user.person
    if user is None or not user.is_authenticated:
        return None
    return user


def request_roles(request) -> frozenset[str]:
    """Return the roles the request acts with (a workstation token: its kind's roles)."""
    return user_roles(getattr(request, "user", None))


def request_principal(request) -> str:
    """Return a stable string naming who sent the request (for idempotency keys)."""
    workstation = request_workstation(request)
    if workstation is not None:
        return f"workstation:{workstation.pk}"
    return f"user:{request.user.pk}"


class RolePermission(permissions.BasePermission):
    """Admit reads for ``view.read_roles`` and writes for ``view.write_roles`` (role codes).

    A view with a ``matrix`` (``{action or method: (resource, action)}``) is checked against
    the access matrix (``workshop/access.py``) instead; the site is checked on the row.
    """

    message = _("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # let the view answer 405
        matrix = getattr(view, "matrix", None)
        if matrix is not None:
            key = matrix.get(getattr(view, "action", None) or request.method.lower())
            if key is None:
                key = matrix.get(request.method.lower())
            if key is not None:
                from workshop.access import role_allows

                return role_allows(request_roles(request), *key)
        if request.method in permissions.SAFE_METHODS:
            wanted = getattr(view, "read_roles", ALL_ROLES)
        else:
            wanted = getattr(view, "write_roles", frozenset())
        return bool(request_roles(request) & frozenset(wanted))


class IsWorkstation(permissions.BasePermission):
    """Admit only requests authenticated by a workstation token."""

    message = _("Only a workstation token may do this.")

    def has_permission(self, request, view) -> bool:
        return request_workstation(request) is not None
