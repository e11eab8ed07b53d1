"""The framework in the admin (managers): every change saved through ``skills.services``; the
validations and the framework's changes are read-only (append-only rows)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from skills import services
from skills.models import Skill, SkillChange, SkillValidation
from workshop.admin import SiteScopedAdminMixin
from workshop.exceptions import DomainError


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "bench", "evidence", "order", "is_active"]
    list_filter = ["bench", "is_active"]
    search_fields = ["name", "code"]
    fields = ["code", "bench", "name", "description", "evidence", "order", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # Validations and evidence name a skill by its code and bench: they never change.
        return ["code", "bench"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class SkillForm(base):
            def clean(self):
                data = super().clean()
                for name in self.changed_data:
                    if name in services.CHANGEABLE:
                        try:
                            services._clean(name, data.get(name))
                        except DomainError as error:
                            self.add_error(name, error.message)
                try:
                    services._manager_check(request.user)
                except DomainError as error:
                    raise ValidationError(error.message) from error
                return data

        SkillForm.__name__ = base.__name__
        return SkillForm

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.skill_create(
                code=data["code"],
                bench=data["bench"],
                name=data["name"],
                actor=request.user,
                **{k: data[k] for k in ("description", "evidence", "order", "is_active")},
            )
            obj.pk = created.pk
            return None
        changes = {name: data[name] for name in form.changed_data if name in services.CHANGEABLE}
        services.skill_change(skill=obj, changes=changes, actor=request.user)
        return None


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SkillValidation)
class SkillValidationAdmin(SiteScopedAdminMixin, _ReadOnly):
    list_display = ["created_at", "worker", "skill", "level", "coach", "site"]
    list_filter = ["site", "skill", "level"]
    list_select_related = ["worker", "skill", "coach", "site"]


@admin.register(SkillChange)
class SkillChangeAdmin(_ReadOnly):
    list_display = ["created_at", "skill", "field", "actor"]
    list_select_related = ["skill", "actor"]
