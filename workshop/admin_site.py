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

    def get_app_list(self, request, app_label=None):
        """Django's list of apps and models (every page's side bar), sorted the same way on
        names translated once: sorting the lazy names translated both of them at every
        comparison (a tenth of a device list page's time)."""
        app_dict = self._build_app_dict(request, app_label)
        for app in app_dict.values():
            app["name"] = str(app["name"])
            for model in app["models"]:
                model["name"] = str(model["name"])
        app_list = sorted(app_dict.values(), key=lambda x: x["name"].lower())
        for app in app_list:
            app["models"].sort(key=lambda x: x["name"])
        return app_list


class AtelierAdminConfig(AdminConfig):
    default_site = "workshop.admin_site.AtelierAdminSite"
