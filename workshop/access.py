"""Who may do what, and where: the access matrix as data, and the checks the services call.

``MATRIX`` maps ``(resource, action)`` to the roles that may do it. Every entry is bound to a
site: the row's site must be one of the caller's sites (``user_site_ids``) — a person's site
(``WorkerProfile``), a workstation token's workstation site, every site for a superuser or a
*network manager* (a manager with no site). The transition table (``refurb/transitions.py``)
still decides which role makes which move; this module adds the site boundary around it.

Services call ``site_check`` (or ``access_check``) with the row they are about to change, so
the API, the screens, the admin and the agent meet the same refusal. A person with no site who
is not a manager acts at no site. ``tests/workshop/test_access_matrix.py`` walks the matrix.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workshop.exceptions import DomainError
from workshop.roles import BENCH_WORKER, COACH, COUNSELLOR, MANAGER, SHOP, user_roles
from workshop.selectors import user_site_ids

BENCH = frozenset({BENCH_WORKER, COACH, MANAGER})
EVERYONE = frozenset({BENCH_WORKER, COACH, SHOP, MANAGER})
MANAGERS = frozenset({MANAGER})

# (resource, action) -> the roles that may do it, at their own site only.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("admin", "use"): MANAGERS,
    ("workstation_token", "create"): MANAGERS,
    ("workstation_token", "revoke"): MANAGERS,
    ("badge", "unlock"): MANAGERS,
    ("lockout", "lift"): MANAGERS,
    ("workstation", "pick"): EVERYONE,
    ("device", "register"): frozenset({BENCH_WORKER, COACH, SHOP, MANAGER}),
    ("device", "move"): EVERYONE,  # which move: the transition table
    ("device", "scan"): EVERYONE,
    # Correcting a device's identity or specs (refurb.services.device_update).
    ("device", "update"): frozenset({COACH, MANAGER}),
    # Declaring "no storage" is bench work; its sign-off needs four eyes, never the person who
    # declared it (refurb.services).
    ("device", "declare_no_storage"): BENCH,
    ("device", "sign_off_no_storage"): frozenset({COACH, MANAGER}),
    ("drive", "add"): BENCH,
    ("erasure", "record"): BENCH,
    ("device", "reserve"): frozenset({COACH, SHOP, MANAGER}),
    ("donor_person", "read"): MANAGERS,
    # The counter's people (refurb.transitions.SELLERS): shop staff, coaches, managers.
    ("buyer", "read"): frozenset({COACH, SHOP, MANAGER}),
    ("sale", "read"): frozenset({COACH, SHOP, MANAGER}),
    ("printer", "configure"): MANAGERS,
    ("certificate", "issue"): MANAGERS,
    # A worker's skills passport (skills/): their own page is theirs (``worker_data_visible``);
    # the coaches and counsellors of their site and the managers read it, coaches validate.
    ("worker_skills", "read"): frozenset({COACH, COUNSELLOR, MANAGER}),
    ("worker_skills", "validate"): frozenset({COACH, MANAGER}),
    ("worker_data", "export"): MANAGERS,
    ("skill", "change"): MANAGERS,
    # The shop, the audits and the reports through the API (issue 26): each row is also walked
    # by tests/api/test_workshop_api_access.py at the caller's site and at the other one.
    ("buyer", "create"): frozenset({COACH, SHOP, MANAGER}),
    ("buyer", "recheck"): frozenset({COACH, SHOP, MANAGER}),
    ("price_grid", "read"): EVERYONE,
    ("price_grid", "write"): MANAGERS,
    ("kit", "read"): frozenset({COACH, SHOP, MANAGER}),
    ("kit", "assemble"): frozenset({COACH, SHOP, MANAGER}),
    ("kit", "dismantle"): frozenset({COACH, SHOP, MANAGER}),
    ("reservation", "read"): frozenset({COACH, SHOP, MANAGER}),
    ("reservation", "release"): frozenset({COACH, SHOP, MANAGER}),
    ("sale", "complete"): frozenset({COACH, SHOP, MANAGER}),
    ("sale", "return"): frozenset({COACH, SHOP, MANAGER}),
    ("stocktake", "read"): MANAGERS,
    ("stocktake", "open"): MANAGERS,
    ("stocktake", "scan"): EVERYONE,
    ("stocktake", "reconcile"): MANAGERS,
    ("stocktake", "resolve"): MANAGERS,
    ("stocktake", "close"): MANAGERS,
    ("shipment", "read"): frozenset({COACH, MANAGER}),
    ("shipment", "write"): frozenset({COACH, MANAGER}),
    ("report", "read"): MANAGERS,
    ("report", "read_workers"): frozenset({COACH, MANAGER}),
    ("certificate", "download"): MANAGERS,
    ("donor_outcomes", "read"): MANAGERS,
    # Donation offers and pick-up rounds (inventory.services.donations): managers triage and
    # plan; the driver (a bench worker, a coach or a manager of the site) records the slip.
    ("donation_offer", "triage"): MANAGERS,
    ("collection_round", "plan"): MANAGERS,
    ("pickup_slip", "record"): BENCH,
    # Yearly donor reports and certificate batches (reports.donors).
    ("donor_report", "issue"): MANAGERS,
    # Repair tickets: bench work on a device in repair (diagnosis, minutes, parts fitted);
    # harvesting a device for parts and reading every open ticket are the coach's.
    ("repair", "work"): BENCH,
    ("repair", "read"): frozenset({COACH, MANAGER}),
    ("device", "harvest"): frozenset({COACH, MANAGER}),
    # Parts in stock: tested, moved and erased at the benches, sold at the counter.
    ("part", "handle"): BENCH,
    ("part", "sell"): frozenset({SHOP, COACH, MANAGER}),
    # The list of parts in stock (inventory.views.repairs.parts_stock): benches and counter.
    ("part", "list"): frozenset({BENCH_WORKER, COACH, MANAGER, SHOP}),
    ("repair", "export"): MANAGERS,
    # The jobs page (workshop/views/jobs.py): a site's jobs; jobs of no site (the scheduled
    # work) for network managers only.
    ("job", "read"): MANAGERS,
    ("job", "retry"): MANAGERS,
    # Compliance records (refurb.compliance, inventory.waste, reports.audit_export): the
    # refurbishing evidence of a device, the waste register and the audit archive.
    ("compliance", "read"): MANAGERS,
    # Recording the system installed on a device is bench work (refurb.services.
    # system_install); the licence stock and its keys are a manager's (the keys are secrets).
    ("installation", "record"): BENCH,
    # Photos of a device at the grading bench (refurb.services.photos).
    ("photo", "add"): BENCH,
    ("licence", "load"): MANAGERS,
    ("licence", "read_key"): MANAGERS,
    # Online orders (shop/services/orders.py, accounts.py): shop staff review the association
    # accounts of their site and prepare, hand over or ship its orders.
    ("buyer_account", "review"): frozenset({COACH, SHOP, MANAGER}),
    ("order", "prepare"): frozenset({COACH, SHOP, MANAGER}),
    ("order", "hand_over"): frozenset({COACH, SHOP, MANAGER}),
}


def allowed_roles(resource: str, action: str) -> frozenset[str]:
    return MATRIX[(resource, action)]


def role_allows(roles: frozenset[str], resource: str, action: str) -> bool:
    return bool(frozenset(roles) & MATRIX[(resource, action)])


def site_allowed(site_id, *, actor=None, workstation=None) -> bool:
    """True when both the workstation (if any) and the person (if any) belong to ``site_id``.

    No actor and no workstation is code run on the server itself (commands, jobs): allowed.
    """
    if workstation is not None and workstation.site_id != site_id:
        return False
    if actor is not None and getattr(actor, "is_authenticated", False):
        site_ids = user_site_ids(actor)
        if site_ids is not None and site_id not in site_ids:
            return False
    return True


def site_refusal(site=None) -> DomainError:
    if site is not None and not hasattr(site, "code"):
        from workshop.models import Site

        site = Site.objects.filter(pk=site).first()
    code = getattr(site, "code", None)
    message = (
        _("This belongs to the site %(site)s: it can only be handled at that site.")
        % {"site": code}
        if code
        else _("This belongs to another site: it can only be handled at that site.")
    )
    return DomainError("other_site", message, status=403)


def site_check(site, *, actor=None, workstation=None) -> None:
    """Raise a 403 ``DomainError`` (``other_site``) unless the caller may act at ``site``."""
    site_id = getattr(site, "pk", site)
    if not site_allowed(site_id, actor=actor, workstation=workstation):
        raise site_refusal(site)


def access_check(resource: str, action: str, *, site, actor=None, workstation=None) -> None:
    """Raise a 403 ``DomainError`` unless the caller's role and site allow the action."""
    principal = actor if actor is not None else None
    roles = user_roles(principal) if principal is not None else frozenset()
    if principal is not None and not role_allows(roles, resource, action):
        raise DomainError("role_forbidden", _("Your role does not allow this."), status=403)
    site_check(site, actor=actor, workstation=workstation)


def private_name_visible(user, site_id) -> bool:
    """Whether ``user`` may read a private person's name (a donor) on a record of ``site_id``:
    managers of that site (every site for a network manager or a superuser), never a
    workstation token."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "workstation", None) is not None:
        return False
    if not role_allows(user_roles(user), "donor_person", "read"):
        return False
    site_ids = user_site_ids(user)
    return site_ids is None or site_id in site_ids


def worker_site_id(worker):
    """The site a worker works at (their ``WorkerProfile``), or ``None``."""
    profile = getattr(worker, "worker_profile", None) if worker is not None else None
    return getattr(profile, "site_id", None)


def worker_data_visible(user, worker) -> bool:
    """Whether ``user`` may read ``worker``'s skills passport: the worker themselves, the
    coaches and counsellors of the worker's site, and managers (of that site; every site for a
    network manager or a superuser). Never a workstation token, never a worker with no site to
    anyone but themselves and the managers of every site."""
    if user is None or not getattr(user, "is_authenticated", False) or worker is None:
        return False
    if getattr(user, "workstation", None) is not None:
        return False
    if user.pk == worker.pk:
        return True
    if not role_allows(user_roles(user), "worker_skills", "read"):
        return False
    site_ids = user_site_ids(user)
    if site_ids is None:
        return True
    site_id = worker_site_id(worker)
    return site_id is not None and site_id in site_ids


def worker_data_check(user, worker) -> None:
    """Raise a 403 ``DomainError`` unless ``worker_data_visible(user, worker)``."""
    if not worker_data_visible(user, worker):
        raise DomainError(
            "worker_private",
            _(
                "A worker's skills are shown to them, to the coaches and counsellors of their "
                "site and to managers only."
            ),
            status=403,
        )
