"""The roles of the workshop, as Django groups with the permissions each needs.

Role codes are stable identifiers used by the transition table; group names are the codes, the
human names are translated when shown. ``sync_roles`` is idempotent: the data migration runs it
once and every ``migrate`` runs it again (``workshop.reference``) so that models added later get
their permissions.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

BENCH_WORKER = "bench_worker"
COACH = "coach"
SHOP = "shop"
MANAGER = "manager"
# A job counsellor (conseiller·ère en insertion professionnelle): follows the workers of their
# site on their way back to work (their skills passport, ``skills/``); touches no device.
COUNSELLOR = "counsellor"

ROLES = {
    BENCH_WORKER: _("Bench worker"),
    COACH: _("Technical coach"),
    SHOP: _("Shop staff"),
    MANAGER: _("Manager"),
    COUNSELLOR: _("Job counsellor"),
}


def role_label(code: str) -> str:
    """A role's translated name (its group's name is its code); an unknown group's own name."""
    return str(ROLES.get(code, code))


# The roles that work with the devices (benches, shop, office): every device screen, API view
# and move is for them. The counsellor is not among them.
ALL_ROLES = frozenset({BENCH_WORKER, COACH, SHOP, MANAGER})
# Every role, the counsellor's too: what a superuser holds.
EVERY_ROLE = frozenset(ROLES)
# Who works at the benches (registering, erasing, testing, grading).
BENCH_ROLES = frozenset({BENCH_WORKER, COACH, MANAGER})

# Which permissions each role holds: "app_label.action_model" patterns, "*" for every model of
# the app. Managers hold everything in the project's apps.
_BENCH = [
    "inventory.view_*",
    "shop.view_*",
    "reports.view_*",
    "refurb.add_device",
    "refurb.change_device",
    "inventory.add_collection",
    "inventory.change_collection",
    "inventory.add_donor",
    "refurb.view_*",
    "refurb.add_drive",
    "refurb.change_drive",
    "refurb.add_erasure",
    "refurb.add_destruction",
    "refurb.add_testresult",
    "refurb.add_repair",
    "refurb.change_repair",
    "workshop.view_*",
    "labels.view_*",
    "labels.add_*",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    BENCH_WORKER: _BENCH,
    COACH: _BENCH
    + [
        "inventory.change_*",
        "inventory.add_*",
        "shop.change_*",
        "shop.add_*",
        "reports.change_*",
        "reports.add_*",
        "refurb.change_*",
        "refurb.add_*",
        "labels.change_*",
    ],
    SHOP: [
        "inventory.view_*",
        "inventory.add_*",
        "inventory.change_*",
        "shop.view_*",
        "shop.add_*",
        "shop.change_*",
        "reports.view_*",
        "reports.add_*",
        "reports.change_*",
        "refurb.add_device",
        "refurb.change_device",
        "refurb.add_category",
        "refurb.change_category",
        "refurb.add_stayrollup",
        "refurb.change_stayrollup",
        "refurb.view_*",
        "workshop.view_*",
        "labels.view_*",
        "labels.add_*",
    ],
    COUNSELLOR: ["skills.view_*", "workshop.view_site"],
    MANAGER: [
        "skills.*",
        "inventory.*",
        "shop.*",
        "reports.*",
        "refurb.*",
        "workshop.*",
        "labels.*",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    ],
}


def _matches(pattern: str, app_label: str, codename: str) -> bool:
    pattern_app, _sep, pattern_code = pattern.partition(".")
    if pattern_app != app_label:
        return False
    if pattern_code == "*":
        return True
    if pattern_code.endswith("*"):
        return codename.startswith(pattern_code[:-1])
    return codename == pattern_code


def sync_roles(apps=None) -> None:
    """Create the role groups and give each exactly the permissions its patterns name."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.select_related("content_type"))
    for code, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=code)
        wanted = [
            permission
            for permission in permissions
            if any(
                _matches(pattern, permission.content_type.app_label, permission.codename)
                for pattern in patterns
            )
        ]
        group.permissions.set(wanted)


def user_roles(user) -> frozenset[str]:
    """Return the role codes a user holds; superusers hold every role. Cached on the user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_atelier_roles", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        roles = EVERY_ROLE
    else:
        roles = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    user._atelier_roles = roles
    return roles
