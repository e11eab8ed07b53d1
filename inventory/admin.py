"""Admin screens for the inventory. Writes with rules go through services, not ``save()``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _

from inventory import services
from inventory.models import (
    Carrier,
    Collection,
    Donor,
    Location,
    Part,
    PartMovement,
    ReceivingFacility,
    RecyclingShipment,
    StocktakePartScan,
    WasteCode,
)
from refurb import services as refurb_services
from refurb.admin import ReferenceAdminMixin
from refurb.models import Category, Device, DeviceEvent, Drive
from refurb.services.update import DEVICE_FIELDS
from refurb.states import State
from workshop.admin import QuickRowsMixin, ReadOnlyAdmin, SiteScopedAdminMixin
from workshop.exceptions import DomainError


@admin.register(Category)
class CategoryAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "holds_data",
        "needs_system",
        "weee_category",
        "default_weight_kg",
    ]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The erasure invariant reads holds_data: changed only through the audited service
        # (refurb.services.reference_change, ReferenceAdminMixin), never silently.
        return ["code"] if obj is not None else []


# Device fields the rules read: read-only in the change form (their own services change them).
RULE_FIELDS = [
    "category",
    "grade",
    "no_storage_confirmed",
    "no_storage_signed_off",
    "collection",
]
# What identifies the device and its specs: changed in the form, saved by
# ``refurb.services.device_update`` (an ``updated`` event with old and new values).
IDENTITY_FIELDS = [name for name in DEVICE_FIELDS if name not in RULE_FIELDS]


class _DryRun(Exception):
    pass


class DeviceAdminForm(forms.ModelForm):
    """Checks a change of identity with ``device_update`` itself (then undone) so that a
    refusal is a form error; ``DeviceAdmin.save_model`` makes it for real."""

    request = None

    def identity_changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in IDENTITY_FIELDS and name in self.cleaned_data
        }

    def clean(self):
        data = super().clean()
        changes = self.identity_changes() if self.instance.pk else {}
        if not changes or self.errors:
            return data
        try:
            with transaction.atomic():
                refurb_services.device_update(
                    device=Device.objects.get(pk=self.instance.pk),
                    actor=self.request.user,
                    **changes,
                )
                raise _DryRun
        except _DryRun:
            pass
        except DomainError as error:
            fields = {name: msgs for name, msgs in error.fields.items() if name in self.fields}
            for name, msgs in fields.items():
                self.add_error(name, msgs)
            if not fields:
                self.add_error(None, error.message)
        return data


@admin.register(Location)
class LocationAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ["tag", "name", "site", "kind", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["tag", "name"]
    readonly_fields = ["tag"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.location_create(site=obj.site, name=obj.name, kind=obj.kind)
        obj.pk, obj.tag = created.pk, created.tag


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]

    def get_queryset(self, request):
        from inventory.selectors import donors_visible_to

        return donors_visible_to(request.user)


@admin.register(Collection)
class CollectionAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ["tag", "donor", "site", "received_on", "declared_count", "gross_weight_kg"]
    list_filter = ["site", "received_on"]
    search_fields = ["tag", "donor__name"]
    readonly_fields = ["tag"]
    autocomplete_fields = ["donor"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.collection_create(
            donor=obj.donor,
            site=obj.site,
            received_on=obj.received_on,
            declared_count=obj.declared_count,
            gross_weight_kg=obj.gross_weight_kg,
            notes=obj.notes,
        )
        obj.pk, obj.tag = created.pk, created.tag


class DriveInline(admin.TabularInline):
    model = Drive
    fk_name = "device"
    fields = ["tag", "serial_number", "model", "kind", "capacity_bytes", "status", "failing"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


# The device change page lists its events read-only, this many a page, newest first: the page
# costs the same queries however long the history (no inline formset of every event).
EVENTS_PER_PAGE = 50


def device_events_page(device, page: str | int | None) -> dict:
    """One page of ``device``'s events, in one query: its events are numbered 1 to
    ``event_seq`` without gaps (its hash chain), so a page is a range of ``seq``."""
    total = device.event_seq or 0
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    try:
        number = min(max(1, int(page or 1)), pages)
    except (TypeError, ValueError):
        number = 1
    last = total - (number - 1) * EVENTS_PER_PAGE
    first = max(1, last - EVENTS_PER_PAGE + 1)
    events = (
        DeviceEvent.objects.filter(device=device, seq__gte=first, seq__lte=last)
        .select_related("actor", "workstation__site")
        .order_by("-seq")
    )
    return {
        "rows": _event_rows(events),
        "page": number,
        "pages": pages,
        "first": first if total else 0,
        "last": last,
        "total": total,
        "newer": number - 1 if number > 1 else None,
        "older": number + 1 if number < pages else None,
    }


def _event_rows(events) -> list[dict]:
    """The history table's cells as the template would write them (dates and numbers in the
    language and time zone of the page), the labels of states, kinds and actors looked up once
    a page rather than once a cell (``get_FOO_display`` hashes the field's choices each call)."""
    states = {key: str(label) for key, label in State.choices}
    kinds = {key: str(label) for key, label in DeviceEvent.ActorKind.choices}
    codes = {key: str(label) for key, label in DeviceEvent.Code.choices}
    return [
        {
            "seq": formats.localize(event.seq),
            "created_at": formats.localize(template_localtime(event.created_at)),
            "code_label": codes.get(event.code, event.code),
            "from_state": states.get(event.from_state, event.from_state),
            "to_state": states.get(event.to_state, event.to_state),
            "by": str(event.actor)
            if event.actor
            else kinds.get(event.actor_kind, event.actor_kind),
            "workstation": str(event.workstation) if event.workstation else "—",
            "reason": event.reason,
        }
        for event in events
    ]


@admin.action(
    description=_("Sign off “no storage” for the selected devices"), permissions=("change",)
)
def sign_off_no_storage(modeladmin, request, queryset):
    """The same sign-off as the coach view (four eyes, the device's site), device by device."""
    for device in queryset.select_related("category", "site"):
        try:
            refurb_services.device_sign_off_no_storage(device=device, actor=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{device.asset_tag}: {error.message}", messages.ERROR)
            continue
        modeladmin.message_user(
            request, _("%(tag)s signed off.") % {"tag": device.asset_tag}, messages.SUCCESS
        )


@admin.register(Device)
class DeviceAdmin(QuickRowsMixin, SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "asset_tag",
        "category",
        "make",
        "model",
        "serial_number",
        "state",
        "grade",
        "site",
        "location",
    ]
    list_filter = ["state", "site", "category", "grade"]
    search_fields = ["asset_tag", "serial_number", "model", "drives__serial_number"]
    readonly_fields = [
        "asset_tag",
        "state",
        "state_changed_at",
        "received_at",
        "event_seq",
        "created_by",
    ]
    list_select_related = ["category", "grade", "site", "location"]
    # What a row of the list reads (QuickChangeList.get_results): its columns, and make and
    # model for the selection box's label (Device.__str__). A column read but not listed here
    # costs a query a row: tests/workshop/test_admin_speed.py pins the list's queries.
    list_only = ["asset_tag", "make", "model", "serial_number", "state", *list_select_related]
    autocomplete_fields = ["collection"]
    inlines = [DriveInline]
    show_full_result_count = False
    change_form_template = "admin/inventory/device_change_form.html"
    actions = [sign_off_no_storage]

    form = DeviceAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_delete_permission(self, request, obj=None):
        # A device and its history stay (its events protect it): it leaves the stock through
        # its states (recycled, written off, sold), never by deletion.
        return False

    def get_object(self, request, object_id, from_field=None):
        # The change page: what its read-only fields show, joined (not one query each).
        queryset = self.get_queryset(request).select_related(
            "site", "category", "grade", "collection", "location", "created_by"
        )
        field = (
            self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["device_events"] = device_events_page(obj, request.GET.get("events_page"))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # What the rules read (identity, specs, grade, storage) is never edited silently.
            fields += ["site", "location", *RULE_FIELDS]
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            # Never ``obj.save()``: the identity goes through its service (one event), and
            # nothing else of a device is edited here.
            changes = form.identity_changes()
            if changes:
                refurb_services.device_update(
                    device=Device.objects.get(pk=obj.pk), actor=request.user, **changes
                )
            return None
        try:
            created = refurb_services.device_register(
                site=obj.site,
                category=obj.category,
                actor=request.user,
                collection=obj.collection,
                make=obj.make,
                model=obj.model,
                serial_number=obj.serial_number,
                weight_kg=obj.weight_kg,
                location=obj.location,
                specs=obj.specs,
            )
        except DomainError as error:
            messages.error(request, error.message)
            raise
        obj.pk, obj.asset_tag = created.pk, created.asset_tag


@admin.register(RecyclingShipment)
class RecyclingShipmentAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Written by the shipment services only (its devices, weight and certificate)."""

    list_display = ["recycler", "site", "shipped_on", "weight_kg", "certificate_ref"]
    list_filter = ["site", "shipped_on"]
    search_fields = ["recycler", "certificate_ref"]


admin.site.site_header = _("Atelier administration")
admin.site.site_title = _("Atelier")


# The manager audit keeps its admin screens in its own module.
@admin.register(WasteCode)
class WasteCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "hazardous", "is_active"]
    list_filter = ["hazardous", "is_active"]
    search_fields = ["code", "label"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "receipt_number"]
    search_fields = ["name", "siren"]


@admin.register(ReceivingFacility)
class ReceivingFacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "siret"]
    search_fields = ["name", "siret"]


from inventory import audit_admin  # noqa: E402,F401


@admin.register(Part)
class PartAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Parts are written by their services (harvest, fit, sale, shipment): shown only."""

    site_lookup = "site"
    list_display = ["tag", "category", "status", "test_status", "origin", "fitted_in", "price"]
    list_filter = ["category", "status", "test_status"]
    search_fields = ["tag", "origin__asset_tag", "description"]
    list_select_related = ["origin", "fitted_in"]


@admin.register(PartMovement)
class PartMovementAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "part__site"
    list_display = ["part", "kind", "device", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["part__tag", "device__asset_tag"]
    list_select_related = ["part", "device", "actor"]


@admin.register(StocktakePartScan)
class StocktakePartScanAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "stocktake__site"
    list_display = ["stocktake", "part", "location", "scanned_at"]
    list_select_related = ["stocktake", "part", "location"]


# Donation offers, rounds and slips: written by inventory.services.donations from the
# managers' screens and the public form, shown here.
from inventory.models import (  # noqa: E402
    CollectionRound,
    DonationOffer,
    OfferLine,
    PickupSlip,
    RoundStop,
)


@admin.register(DonationOffer)
class DonationOfferAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["pk", "organisation", "site", "status", "created_at"]
    list_filter = ["site", "status"]
    search_fields = ["organisation"]


@admin.register(OfferLine)
class OfferLineAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "offer__site"
    list_display = ["offer", "category", "count"]


@admin.register(CollectionRound)
class CollectionRoundAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["pk", "date", "site", "vehicle", "driver", "status"]
    list_filter = ["site", "status"]


@admin.register(RoundStop)
class RoundStopAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "round__site"
    list_display = ["round", "order", "offer", "estimated_weight_kg"]


@admin.register(PickupSlip)
class PickupSlipAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "stop__round__site"
    list_display = ["stop", "collection", "recorded_by"]
