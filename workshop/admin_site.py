"""The admin site of Atelier: for managers and superusers only.

Bench workers, coaches and shop staff do their whole job on the screens and the API; the admin
answers them with its sign-in page, as for anyone without access. ``AtelierAdminConfig``
(``INSTALLED_APPS``) makes this the default ``admin.site``, so every app registers into it.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


def is_manager(user) -> bool:
    """True for an active superuser or an active holder of the manager role."""
    from workshop.roles import MANAGER, user_roles

    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or MANAGER in user_roles(user))


class AtelierAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and is_manager(user))


class AtelierAdminConfig(AdminConfig):
    default_site = "workshop.admin_site.AtelierAdminSite"
