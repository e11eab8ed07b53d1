from html import escape

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop import services
from workshop.admin_site import is_manager
from workshop.exceptions import DomainError
from workshop.models import (
    Heartbeat,
    IdempotencyKey,
    Job,
    Site,
    TagSequence,
    UserToken,
    WorkerBadge,
    WorkerProfile,
    Workstation,
    WorkstationToken,
)
from workshop.roles import role_label
from workshop.selectors import user_site_ids


def _points_to_site(model, path: str) -> bool:
    """True when the list filter ``path`` (``site``, ``device__site``) ends on a site."""
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a filter on something else than a field
            return False
        model = field.related_model
        if model is None:
            return False
    return field is not None and field.is_relation and model is Site


class OwnSitesListFilter(admin.RelatedFieldListFilter):
    """Django's filter by related site, offering the sites the manager sees only."""

    def field_choices(self, field, request, model_admin):
        site_ids = user_site_ids(request.user)
        if site_ids is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": site_ids}
        )


class RoleGroupsListFilter(admin.RelatedFieldListFilter):
    """The filter by group of the user admin, under the roles' translated names."""

    def field_choices(self, field, request, model_admin):
        names = field.related_model.objects.values_list("pk", "name")
        return sorted(((pk, role_label(name)) for pk, name in names), key=lambda c: c[1])


class SiteScopedAdminMixin:
    """Rows of the signed-in manager's own site only (every site for a network manager or a
    superuser), on the list, the change page, the actions and every view built on
    ``get_queryset``; a form's choice of site offers the manager's own sites only.

    ``site_lookup`` is the path from the row to its site, or a tuple of paths, any of which
    may match (a certificate is a device's or a collection's). With ``site_null_shared``, rows
    of no site (the network's references) are shown to every manager, read as they are.
    ``tests/workshop/test_admin_site_rows.py`` checks that every registered model with a path
    to a site is scoped."""

    site_lookup: str | tuple[str, ...] = "site"
    site_null_shared = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        site_ids = user_site_ids(request.user)
        if site_ids is None:
            return queryset
        lookups = (self.site_lookup,) if isinstance(self.site_lookup, str) else self.site_lookup
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{f"{lookup}__in": site_ids})
            if self.site_null_shared:
                condition |= Q(**{f"{lookup}__isnull": True})
        return queryset.filter(condition)

    def get_list_filter(self, request):
        """A filter by site offers the manager's own sites only."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _points_to_site(self.model, entry):
                entry = (entry, OwnSitesListFilter)
            filters.append(entry)
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A choice of site offers the manager's own sites; a choice of a row that belongs to a
        site (a location, a collection, a workstation…) the rows of those sites, and those of
        no site where its site may be empty (the network's). A forged choice of another site's
        row is a form error, as a choice not offered."""
        site_ids = user_site_ids(request.user)
        related = db_field.related_model
        if site_ids is not None and "queryset" not in kwargs:
            if related is Site:
                kwargs["queryset"] = Site.objects.filter(pk__in=site_ids)
            elif _points_to_site(related, "site"):
                condition = Q(site__in=site_ids)
                if related._meta.get_field("site").null:
                    condition |= Q(site__isnull=True)
                kwargs["queryset"] = related._default_manager.filter(condition)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


_PK_MARK = "0xPKx0"


class QuickChangeList(ChangeList):
    """Each row's link to its change page built without a URL resolution: Django reverses the
    change URL for every row, then resolves it again to add the list's filters (half of the
    rest of a 100-row page). The URL is reversed once and the filters added as Django adds
    them to a change page's URL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # items_for_result() resolves every row's URL when preserved_filters is set: the
        # rows' URLs carry them already (url_for_result).
        self.row_filters, self.preserved_filters = self.preserved_filters, ""
        pattern = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        self._change_url = reverse(
            pattern, args=(_PK_MARK,), current_app=self.model_admin.admin_site.name
        )

    def get_results(self, request):
        # The rows read only the columns the list shows (``list_only``): a device row is some
        # twenty columns, four dates and the report's specs among them, and decoding them was a
        # quarter of the page's fetch. Actions still run on ``get_queryset``, whole rows.
        only = getattr(self.model_admin, "list_only", None)
        if only:
            self.queryset = self.queryset.only(*only)
        super().get_results(request)

    def url_for_result(self, result):
        url = self._change_url.replace(_PK_MARK, str(quote(getattr(result, self.pk_attname))))
        return f"{url}?{self.row_filters}" if self.row_filters else url

    def quick_rows(self) -> list[SafeString] | None:
        """Each row's cells as one piece of HTML, the markup of Django's ``items_for_result``,
        or None when a column is of a kind written here only by Django (a callable, a date, a
        number, a boolean, a file or URL, an editable list, a popup). Django looks each cell's
        field up, formats it and escapes it through ``format_html`` (1,000 cells a page, 40 %
        of the page's time); here each column is looked at once and each row is joined."""
        if self.formset is not None or self.is_popup or self.to_field:
            return None
        columns = []
        empty = str(self.model_admin.get_empty_value_display())
        first = True
        for name in self.list_display:
            link = self._link_in_column(first, name)
            column = _quick_column(self, name, empty, link)
            if column is None:
                return None
            columns.append(("th" if link and first else "td", link, *column))
            first = first and not link
        rows = []
        for result in self.result_list:
            cells = []
            for tag, link, row_class, read in columns:
                value = read(result)
                if link:
                    value = f'<a href="{escape(self.url_for_result(result))}">{value}</a>'
                cells.append(f"<{tag}{row_class}>{value}</{tag}>")
            rows.append(SafeString("".join(cells)))
        return rows

    def _link_in_column(self, first: bool, name) -> bool:
        """Django's ``items_for_result`` rule: which columns link to the change page."""
        if self.list_display_links is None:
            return False
        if first and not self.list_display_links:
            return True
        return name in self.list_display_links


def _quick_column(changelist, name, empty: str, link: bool):
    """(class attribute, reader of a row's escaped cell) for a column of
    ``QuickChangeList.quick_rows``, or None for a column it leaves to Django."""
    if name == "action_checkbox":
        if link:
            return None
        checkbox = changelist.model_admin.action_checkbox
        return ' class="action-checkbox"', checkbox
    if not isinstance(name, str):
        return None
    try:
        field = changelist.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created or not field.concrete or field.name != name:
        return None
    if isinstance(field, models.ForeignKey):

        def related(row, name=name):
            try:
                value = getattr(row, name)
            except ObjectDoesNotExist:
                return empty
            return empty if value is None else escape(str(value))

        return f' class="field-{name} nowrap"', related
    attname = field.attname
    if field.flatchoices:
        try:
            labels = {key: conditional_escape(label) for key, label in field.flatchoices}
        except TypeError:  # list-like choices
            return None

        def chosen(row, attname=attname):
            value = getattr(row, attname)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            return labels.get(value, empty)

        return f' class="field-{name}"', chosen
    if type(field) not in (models.CharField, models.TextField, models.SlugField):
        return None

    def text(row, attname=attname):
        value = getattr(row, attname)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return empty
        return escape(str(value))

    return f' class="field-{name}"', text


class QuickRowsMixin:
    """A changelist of many rows at screen speed, the same page as Django's (compared in
    ``tests/workshop/test_admin_speed.py``): each row's selection box is written as its HTML,
    where Django renders a ``CheckboxInput`` widget through the template engine (a third of
    a 100-row device page's time), its link is built without resolving a URL, its cells are
    written in one pass (``QuickChangeList.quick_rows``), and with ``list_only`` the rows read
    only the columns they show (``QuickChangeList.get_results``)."""

    change_list_template = "admin/quick_change_list.html"

    def get_changelist(self, request, **kwargs):
        return QuickChangeList

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class ManagerActionsMixin(SiteScopedAdminMixin):
    """Actions declared ``permissions=("manage",)``: managers (and superusers) only, and only
    on the rows of their own site."""

    def has_manage_permission(self, request) -> bool:
        return is_manager(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services: shown, never added, changed or deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country"]
    search_fields = ["code", "name"]


@admin.register(Workstation)
class WorkstationAdmin(ManagerActionsMixin, admin.ModelAdmin):
    list_display = ["name", "site", "kind", "printer", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(TagSequence)
class TagSequenceAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ["site", "kind", "last_number"]
    list_filter = ["site"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.action(
    description=gettext_lazy("Create a new token for the selected workstations"),
    permissions=("manage",),
)
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


@admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=("manage",))
def revoke_tokens(modeladmin, request, queryset):
    from workshop.services import workstation_token_revoke

    for token in queryset.select_related("workstation"):
        try:
            workstation_token_revoke(token=token, actor=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{token}: {error.message}", messages.ERROR)


@admin.register(WorkstationToken)
class WorkstationTokenAdmin(ManagerActionsMixin, admin.ModelAdmin):
    site_lookup = "workstation__site"

    list_display = ["prefix", "workstation", "label", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["workstation__site", "workstation__kind"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["workstation", "label", *readonly_fields]
    actions = [revoke_tokens]

    def has_add_permission(self, request):
        return False  # tokens are created by the workstation action or the command


@admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=("manage",))
def revoke_user_tokens(modeladmin, request, queryset):
    from django.utils import timezone

    from workshop.tokencache import token_cache_invalidate

    queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    token_cache_invalidate()  # an update() sends no signal: forget the cached tokens now


@admin.register(UserToken)
class UserTokenAdmin(ManagerActionsMixin, admin.ModelAdmin):
    """People's API tokens (created by ``manage.py create_user_token``): only digests."""

    site_lookup = "user__worker_profile__site"
    list_display = ["prefix", "user", "label", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "label", "prefix", "created_at", "expires_at", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]
    actions = [revoke_user_tokens]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Replayed API requests, for investigating double submissions; read-only."""

    list_display = ["key", "principal", "method", "path", "status", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["key", "principal", "path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WorkerBadgeForm(forms.ModelForm):
    pin = forms.CharField(
        label=gettext_lazy("PIN"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("4 to 8 digits. Leave empty to keep the current PIN."),
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


@admin.action(
    description=gettext_lazy("Unlock the selected badges (forget their failed PINs)"),
    permissions=("manage",),
)
def unlock_badges(modeladmin, request, queryset):
    from workshop.security import badge_unlock

    unlocked = 0
    for badge in queryset.select_related("user"):
        try:
            badge_unlock(badge.code, actor=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{badge}: {error.message}", messages.ERROR)
            continue
        unlocked += 1
    if unlocked:
        modeladmin.message_user(request, _("Badges unlocked."), messages.SUCCESS)


@admin.register(WorkerBadge)
class WorkerBadgeAdmin(ManagerActionsMixin, admin.ModelAdmin):
    site_lookup = "user__worker_profile__site"

    form = WorkerBadgeForm
    actions = [unlock_badges]
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


@admin.register(WorkerProfile)
class WorkerProfileAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    """The site each person works at (shop screens show only that site's buyers and sales)."""

    list_display = ["user", "site"]
    list_filter = ["site"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


def _user_admin_within_the_managers_reach() -> None:
    """Django's user admin, within what a manager may do: a site's manager lists and changes
    the accounts of their own site only, never a superuser's, and never grants superuser
    status or single permissions (what a person may do comes from their roles, the groups);
    an account a site's manager adds works at that manager's site."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.admin import UserAdmin

    user_model = get_user_model()
    base = (
        type(admin.site._registry.get(user_model))
        if admin.site.is_registered(user_model)
        else UserAdmin
    )

    class AtelierUserAdmin(base):
        def get_queryset(self, request):
            queryset = super().get_queryset(request)
            if request.user.is_superuser:
                return queryset
            queryset = queryset.filter(is_superuser=False)
            site_ids = user_site_ids(request.user)
            if site_ids is None:
                return queryset
            return queryset.filter(worker_profile__site__in=site_ids)

        def get_readonly_fields(self, request, obj=None):
            fields = list(super().get_readonly_fields(request, obj))
            if not request.user.is_superuser:
                fields += ["is_superuser", "user_permissions"]
            return fields

        def get_list_filter(self, request):
            hidden = () if request.user.is_superuser else ("is_superuser",)  # none are listed
            return [
                ("groups", RoleGroupsListFilter) if entry == "groups" else entry
                for entry in super().get_list_filter(request)
                if entry not in hidden
            ]

        def formfield_for_manytomany(self, db_field, request, **kwargs):
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            if db_field.name == "groups" and field is not None:
                field.label_from_instance = lambda group: role_label(group.name)
            return field

        def save_model(self, request, obj, form, change):
            super().save_model(request, obj, form, change)
            site_ids = user_site_ids(request.user)
            if not change and site_ids:
                WorkerProfile.objects.get_or_create(user=obj, defaults={"site_id": min(site_ids)})

    if admin.site.is_registered(user_model):
        admin.site.unregister(user_model)
    admin.site.register(user_model, AtelierUserAdmin)


_user_admin_within_the_managers_reach()


def _axes_admin_with_declared_permissions() -> None:
    """django-axes' attempts admin, with its clean-up action declared for deleters only.

    Deleting an attempt lifts a lockout: only managers reach the admin (``admin_site.py``).
    """
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    if not admin.site.is_registered(AccessAttempt):
        return

    class AtelierAccessAttemptAdmin(AccessAttemptAdmin):
        @admin.action(
            description=gettext_lazy("Clean up expired attempts"), permissions=("delete",)
        )
        def cleanup_expired_attempts(self, request, queryset):
            return AccessAttemptAdmin.cleanup_expired_attempts(self, request, queryset)

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AtelierAccessAttemptAdmin)


_axes_admin_with_declared_permissions()


@admin.register(Job)
class JobAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Jobs are written by ``workshop.jobs`` and retried from the jobs page (/jobs/): read here
    only, a site's jobs for its managers (the scheduled ones, of no site, for the network's)."""

    list_display = ("id", "kind", "status", "site", "done", "total", "attempts", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("site",)


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    """When the worker and the scheduler were last seen (what ``/health/`` reports)."""

    list_display = ("name", "seen_at", "detail")
