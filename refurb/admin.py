"""Admin screens for the bench process; the event log is read-only."""

from django.contrib import admin

from refurb.models import (
    Certificate,
    ChainAnchor,
    ChainHeadSignature,
    ChecklistItem,
    Destruction,
    DeviceEvent,
    DevicePhoto,
    Drive,
    Erasure,
    Grade,
    LicenceKey,
    ReferenceChange,
    Repair,
    RepairWork,
    ReportImport,
    Snapshot,
    StayRollup,
    SystemImage,
    SystemInstallation,
    TestResult,
    VerificationSample,
    WriteOff,
)
from refurb.services.software import system_image_create
from refurb.services.update import REFERENCE_FIELDS, reference_change, reference_check
from workshop.admin import ReadOnlyAdmin, SiteScopedAdminMixin
from workshop.exceptions import DomainError


class ReferenceAdminMixin:
    """Saves the reference fields the rules read (``REFERENCE_FIELDS``) through
    ``reference_change``: a manager's change with its audit row. Anyone else gets a form
    error on that field; the other fields save as usual."""

    def _audited(self) -> tuple[str, ...]:
        return REFERENCE_FIELDS.get(self.model, ())

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        model, audited = self.model, self._audited()

        class ReferenceForm(base):
            def clean(self):
                data = super().clean()
                if self.instance.pk:
                    for name in self.changed_data:
                        if name in audited:
                            try:
                                reference_check(actor=request.user, model=model, field=name)
                            except DomainError as error:
                                self.add_error(name, error.message)
                return data

        ReferenceForm.__name__ = base.__name__
        return ReferenceForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        audited = [name for name in form.changed_data if name in self._audited()]
        others = [name for name in form.changed_data if name not in audited]
        if others:
            obj.save(update_fields=others)
        for name in audited:
            reference_change(obj=obj, field=name, value=form.cleaned_data[name], actor=request.user)
        return None


@admin.register(Grade)
class GradeAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "order"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["label", "category", "code", "mandatory", "order", "is_active"]
    list_filter = ["category", "mandatory", "is_active"]
    list_editable = ["order"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The checklist guard reads mandatory and is_active: changed only through the audited
        # service (ReferenceAdminMixin), never silently (docs/design.md).
        return ["category", "code"] if obj is not None else []


@admin.register(Drive)
class DriveAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = [
        "tag",
        "serial_number",
        "model",
        "kind",
        "capacity_bytes",
        "status",
        "failing",
        "device",
    ]
    list_filter = ["status", "kind", "failing"]
    search_fields = ["tag", "serial_number", "device__asset_tag"]
    list_select_related = ["device"]


@admin.register(Erasure)
class ErasureAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "drive__device__site"
    list_display = [
        "drive",
        "method",
        "standard",
        "tool",
        "passes",
        "verified",
        "result",
        "finished_at",
        "operator",
    ]
    list_filter = ["method", "result", "verified", "tool"]
    search_fields = ["drive__tag", "drive__serial_number", "drive__device__asset_tag"]
    list_select_related = ["drive", "operator"]


@admin.register(VerificationSample)
class VerificationSampleAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "erasure__drive__device__site"
    list_display = ["erasure", "drawn_at", "passed", "checked_by", "checked_at"]
    list_filter = ["passed"]
    search_fields = ["erasure__drive__tag", "erasure__drive__serial_number"]
    list_select_related = ["erasure__drive", "checked_by"]


@admin.register(Destruction)
class DestructionAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "drive__device__site"
    list_display = ["drive", "method", "witness", "destroyed_at", "operator"]
    list_filter = ["method"]
    search_fields = ["drive__tag", "drive__serial_number", "drive__device__asset_tag"]
    list_select_related = ["drive", "operator"]


@admin.register(TestResult)
class TestResultAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "item", "passed", "note", "operator", "created_at"]
    list_filter = ["passed", "item__category"]
    search_fields = ["device__asset_tag", "device__serial_number"]
    list_select_related = ["device", "item", "operator"]


@admin.register(Repair)
class RepairAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "status", "outcome", "workstation", "fault", "opened_at", "closed_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["device__asset_tag", "device__serial_number"]
    list_select_related = ["device"]


@admin.register(RepairWork)
class RepairWorkAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "repair__device__site"
    list_display = ["repair", "worker", "action", "minutes", "created_at"]
    search_fields = ["repair__device__asset_tag"]
    list_select_related = ["repair__device", "worker"]


@admin.register(DeviceEvent)
class DeviceEventAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = [
        "device",
        "seq",
        "created_at",
        "code",
        "from_state",
        "to_state",
        "actor",
        "workstation",
    ]
    list_filter = ["code", "to_state"]
    search_fields = ["device__asset_tag", "device__serial_number"]
    list_select_related = ["device", "actor", "workstation", "workstation__site"]
    show_full_result_count = False


@admin.register(Snapshot)
class SnapshotAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = ("device__site", "workstation__site")
    list_display = ["id", "device", "source_format", "received_at", "workstation", "actor"]
    list_filter = ["source_format"]
    list_select_related = ["device", "workstation__site", "actor"]
    search_fields = ["device__asset_tag", "raw_sha256"]
    exclude = ["raw"]


@admin.register(Certificate)
class CertificateAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = ("device__site", "collection__site")
    list_display = ["code", "kind", "device", "collection", "issued_at", "issued_by"]
    list_filter = ["kind"]
    list_select_related = ["device", "collection__donor", "issued_by"]
    search_fields = ["code", "device__asset_tag", "collection__tag"]


# The stays are written by each transition (refurb.stays).
@admin.register(StayRollup)
class StayRollupAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["device_id", "site", "state", "ended_at", "seconds"]
    list_filter = ["state", "site"]
    list_select_related = ["site"]
    show_full_result_count = False


# Written by their services only (refurb.services.device_write_off, reference_change).
@admin.register(WriteOff)
class WriteOffAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "from_state", "reason", "occasion", "actor", "created_at"]
    list_filter = ["from_state"]
    search_fields = ["device__asset_tag", "reason"]
    list_select_related = ["device", "actor"]


@admin.register(ReferenceChange)
class ReferenceChangeAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_null_shared = True  # the network's references: every manager reads them
    list_display = ["created_at", "actor", "site", "model", "object_repr", "field", "old", "new"]
    list_filter = ["model", "field"]
    search_fields = ["object_repr"]
    list_select_related = ["actor", "site"]


@admin.register(ChainAnchor)
class ChainAnchorAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """The seal, under the chain key, of each device's events written before the key."""

    site_lookup = "device__site"

    list_display = ["device", "seq", "head"]
    search_fields = ["device__asset_tag"]
    list_select_related = ["device"]


@admin.register(ChainHeadSignature)
class ChainHeadSignatureAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """The signed daily heads of the device histories (``manage.py sign_chain_heads``)."""

    site_lookup = "device__site"

    list_display = ["device", "seq", "day", "signed_at", "public_key_id"]
    list_filter = ["day"]
    search_fields = ["device__asset_tag"]
    list_select_related = ["device"]
    show_full_result_count = False


@admin.register(SystemImage)
class SystemImageAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    """The configured list of images: added through ``system_image_create`` and changed
    through ``reference_change`` (each with its audit row), never deleted (installations name
    them): withdraw one by unticking "active"."""

    list_display = ["code", "name", "version", "licence", "is_active", "order"]
    list_filter = ["licence", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = system_image_create(
            code=obj.code,
            name=obj.name,
            version=obj.version,
            licence=obj.licence,
            order=obj.order,
            actor=request.user,
        )
        obj.pk = created.pk
        obj.is_active = created.is_active
        return None


@admin.register(LicenceKey)
class LicenceKeyAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Loaded by a manager on the "Systems and licences" page (``licence_keys_load``)."""

    list_display = ["image", "site", "kind", "masked", "loaded_at"]
    list_filter = ["site", "image", "kind"]


@admin.register(SystemInstallation)
class SystemInstallationAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    site_lookup = "device__site"
    list_display = ["device", "name", "version", "first_boot_passed", "installed_at", "actor_kind"]
    list_filter = ["first_boot_passed", "image"]
    search_fields = ["device__asset_tag"]


@admin.register(DevicePhoto)
class DevicePhotoAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Photos are added and removed at the grading bench (refurb.services.photos), shown here."""

    site_lookup = "device__site"
    list_display = ["device", "position", "created_by", "created_at"]
    list_select_related = ["device", "created_by"]
    search_fields = ["device__asset_tag"]


@admin.register(ReportImport)
class ReportImportAdmin(SiteScopedAdminMixin, ReadOnlyAdmin):
    """Files imported from an offline agent's USB stick (refurb.imports), one row a file."""

    list_display = ["file_name", "kind", "site", "device", "actor", "imported_at"]
    list_filter = ["kind"]
    list_select_related = ["site", "device", "actor"]
    search_fields = ["file_name", "sha256", "device__asset_tag"]
