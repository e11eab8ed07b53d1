from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop.models import Site, TagSequence, Workstation, WorkstationToken


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(TagSequence)
class TagSequenceAdmin(admin.ModelAdmin):
    list_display = ["site", "kind", "last_number"]
    list_filter = ["site"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.action(description=gettext_lazy("Create a new token for the selected workstations"))
def create_token(modeladmin, request, queryset):
    from workshop.exceptions import DomainError
    from workshop.services import workstation_token_create

    for station in queryset.select_related("site"):
        try:
            _token, key = workstation_token_create(workstation=station, created_by=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{station}: {error.message}", messages.ERROR)
            continue
        modeladmin.message_user(
            request,
            _("Token for %(station)s (shown once, copy it now): %(key)s")
            % {"station": station, "key": key},
            messages.WARNING,
        )


WorkstationAdmin.actions = [create_token]


@admin.action(description=gettext_lazy("Revoke the selected tokens"))
def revoke_tokens(modeladmin, request, queryset):
    from workshop.services import workstation_token_revoke

    for token in queryset:
        workstation_token_revoke(token=token)


@admin.register(WorkstationToken)
class WorkstationTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "workstation", "label", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["workstation__site", "workstation__kind"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["workstation", "label", *readonly_fields]
    actions = [revoke_tokens]

    def has_add_permission(self, request):
        return False  # tokens are created by the workstation action or the command
