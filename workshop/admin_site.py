"""The admin site of Atelier: for managers and superusers only.

Bench workers, coaches and shop staff do their whole job on the screens and the API; the admin
answers them with its sign-in page, as for anyone without access. ``AtelierAdminConfig``
(``INSTALLED_APPS``) makes this the default ``admin.site``, so every app registers into it.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst


def is_manager(user) -> bool:
    """True for an active superuser or an active holder of the manager role."""
    from workshop.roles import MANAGER, user_roles

    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or MANAGER in user_roles(user))


class AtelierAdminSite(AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple, str | None] = {}

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and is_manager(user))

    def _reverse(self, viewname: str, **kwargs) -> str | None:
        """``reverse`` of an admin URL, looked up once a process: the side bar of every page
        names two URLs of each of some ninety models (two thirds of building it). The key
        holds what a reversed URL depends on: the URL configuration and the script prefix."""
        key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), viewname, *kwargs.items())
        if key in self._urls:
            return self._urls[key]
        try:
            url = reverse(viewname, kwargs=kwargs or None, current_app=self.name)
        except NoReverseMatch:
            url = None
        self._urls[key] = url
        return url

    def _build_app_dict(self, request, label=None):
        """Django's ``AdminSite._build_app_dict`` (5.2), the same dictionaries, with its URLs
        reversed once a process (``_reverse``); compared with Django's own in
        ``tests/workshop/test_admin_speed.py`` for a superuser and a site's manager."""
        app_dict = {}
        for model, model_admin in self._registry.items():
            app_label = model._meta.app_label
            if label and app_label != label:
                continue
            has_module_perms = model_admin.has_module_permission(request)
            if not has_module_perms:
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            info = f"{app_label}_{model._meta.model_name}"
            model_dict = {
                "model": model,
                "name": capfirst(model._meta.verbose_name_plural),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                model_dict["admin_url"] = self._reverse(f"admin:{info}_changelist")
            if perms.get("add"):
                model_dict["add_url"] = self._reverse(f"admin:{info}_add")
            if app_label in app_dict:
                app_dict[app_label]["models"].append(model_dict)
            else:
                app_dict[app_label] = {
                    "name": apps.get_app_config(app_label).verbose_name,
                    "app_label": app_label,
                    "app_url": self._reverse("admin:app_list", app_label=app_label),
                    "has_module_perms": has_module_perms,
                    "models": [model_dict],
                }
        return app_dict

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
