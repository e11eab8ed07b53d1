from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workshop import services
from workshop.exceptions import DomainError
from workshop.models import Site, TagSequence, WorkerBadge, Workstation


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


class WorkerBadgeForm(forms.ModelForm):
    pin = forms.CharField(
        label=_("PIN"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("4 to 8 digits. Leave empty to keep the current PIN."),
    )

    class Meta:
        model = WorkerBadge
        fields = ["user", "code", "is_active"]

    def clean_code(self):
        return services.badge_normalize(self.cleaned_data.get("code", ""))

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("pin"):
            self.add_error("pin", _("A new badge needs a PIN."))
        if data.get("pin") and not services.PIN_RE.match(data["pin"]):
            self.add_error("pin", _("Use 4 to 8 digits."))
        return data


@admin.register(WorkerBadge)
class WorkerBadgeAdmin(admin.ModelAdmin):
    form = WorkerBadgeForm
    list_display = ["code", "user", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        pin = form.cleaned_data.get("pin")
        if not change:
            try:
                made = services.badge_create(
                    user=obj.user, code=obj.code, pin=pin, is_active=obj.is_active
                )
            except DomainError as error:
                self.message_user(request, error.message, level="error")
                return
            obj.pk = made.pk
            return
        if pin:
            obj.set_pin(pin)
        obj.save()
