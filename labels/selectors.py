"""Reads shared by the label API, the print screen and the print service.

``label_items`` turns scanned codes into what to print: each code is a device, drive, location
or collection tag, or a site code; a code that stands for many objects expands (a collection's
devices for device tags, a site's bins for bin labels, a site's devices on sale for shop
labels). Objects are fetched in a constant number of queries, whatever the number of labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from inventory.models import Collection, Location, Part
from labels import sources
from labels.models import PrintJob
from refurb.compliance import devices_claims
from refurb.models import Device, Drive, Erasure
from refurb.states import State
from shop.models import Kit, KitItem
from workshop import tags
from workshop.exceptions import DomainError
from workshop.models import Site

SITE_RE = re.compile(r"^[A-Z]{2}$")

# What each code kind expands to, per template: "self" prints the object itself.
EXPANSIONS: dict[str, dict[str, str]] = {
    "device_tag": {"device": "self", "collection": "devices"},
    "drive_tag": {"drive": "self", "device": "drives"},
    "erasure_sticker": {"device": "self", "drive": "self"},
    "shop_label": {
        "device": "self",
        "collection": "devices_on_sale",
        "location": "devices_on_sale",
        "site": "devices_on_sale",
    },
    "location_label": {"location": "self", "site": "locations"},
    "collection_label": {"collection": "self"},
    "kit_label": {"kit": "self"},
    "part_label": {"part": "self"},
}


@dataclass(frozen=True)
class LabelItem:
    """One label to print: the template's input and the device it is about, if any."""

    code: str  # the code the label's barcode carries
    data: Any  # the template's input record
    device: Device | None = None


def _drives() -> QuerySet:
    erasures = Erasure.objects.select_related("operator")
    return Drive.objects.select_related("device", "destruction__operator").prefetch_related(
        Prefetch("erasures", queryset=erasures)
    )


def _kits() -> QuerySet:
    items = KitItem.objects.filter(active=True).select_related("device__category")
    return Kit.objects.prefetch_related(Prefetch("items", queryset=items.order_by("position")))


def _devices(template: str) -> QuerySet:
    """Devices with what their labels print (drives and erasures, price for shop labels)."""
    qs = Device.objects.select_related("category", "site", "grade", "price")
    if template == "shop_label":
        return qs.prefetch_related("drives", "installations")
    if template == "erasure_sticker":
        qs = qs.prefetch_related(Prefetch("drives", queryset=_drives()))
    return qs


def _classify(code: str) -> tuple[str, str]:
    raw = (code or "").strip()
    if SITE_RE.match(raw.upper()):
        return "site", raw.upper()
    tag = tags.parse_tag(raw)  # raises tag_malformed / tag_check_failed
    return tags.KINDS[tag.kind], tag.text


def _unknown(code: str) -> DomainError:
    return DomainError(
        "label_code_unknown",
        _("“%(code)s” matches nothing that has a label. Check the code and scan it again.")
        % {"code": code},
        fields={"codes": [_("Unknown code: %(code)s") % {"code": code}]},
        status=404,
    )


def label_items(
    template: str, codes: Iterable[str], *, base_url: str | None = None
) -> list[LabelItem]:
    """The labels ``template`` prints for ``codes``, in the order of the codes."""
    if template not in EXPANSIONS:
        raise DomainError(
            "label_template_unknown",
            _("There is no label template “%(template)s”.") % {"template": template},
            fields={"template": [_("Unknown template.")]},
            status=404,
        )
    classified = [_classify(code) for code in codes]
    if not classified:
        raise DomainError(
            "label_nothing",
            _("Scan or type at least one code to print."),
            fields={"codes": [_("This field is required.")]},
        )
    allowed = EXPANSIONS[template]
    for kind, code in classified:
        if kind not in allowed:
            raise DomainError(
                "label_code_mismatch",
                _("“%(code)s” is a %(kind)s code: it has no %(template)s.")
                % {"code": code, "kind": kind, "template": template.replace("_", " ")},
                fields={"codes": [_("Wrong kind of code for this label.")]},
            )
    wanted: dict[str, list[str]] = {}
    for kind, code in classified:
        wanted.setdefault(kind, []).append(code)
    found = _fetch(template, wanted)
    items: list[LabelItem] = []
    for kind, code in classified:
        obj = found[kind].get(code)
        if obj is None:
            raise _unknown(code)
        items.extend(_expand(template, allowed[kind], kind, obj, found, base_url))
    if not items:
        raise DomainError(
            "label_nothing",
            _("These codes have nothing to print on this kind of label."),
            fields={"codes": [_("Nothing to print.")]},
        )
    return items


# Templates whose labels a request can count and check from the codes alone (a print job sent
# by a worker): what they print needs no check beyond the code's existence.
LIGHT_TEMPLATES = frozenset({"device_tag", "drive_tag", "location_label", "kit_label"})
_CODE_FIELDS = {
    "device": (Device, "asset_tag"),
    "drive": (Drive, "tag"),
    "location": (Location, "tag"),
    "collection": (Collection, "tag"),
    "kit": (Kit, "tag"),
}


def label_codes(template: str, codes: Iterable[str]) -> list[str] | None:
    """The codes of the labels ``template`` prints for ``codes``, checked with one light
    query per kind of code (no record loaded), in the order of the codes; ``None`` when only
    the records can tell (a code standing for many labels, a template that checks more).

    Raises the same errors as ``label_items`` for an unknown, malformed or mismatched code.
    """
    if template not in LIGHT_TEMPLATES:
        return None
    classified = [_classify(code) for code in codes]
    if not classified:
        raise DomainError(
            "label_nothing",
            _("Scan or type at least one code to print."),
            fields={"codes": [_("This field is required.")]},
        )
    allowed = EXPANSIONS[template]
    for kind, code in classified:
        if kind not in allowed:
            raise DomainError(
                "label_code_mismatch",
                _("“%(code)s” is a %(kind)s code: it has no %(template)s.")
                % {"code": code, "kind": kind, "template": template.replace("_", " ")},
                fields={"codes": [_("Wrong kind of code for this label.")]},
            )
        if allowed[kind] != "self" or kind not in _CODE_FIELDS:
            return None
    wanted: dict[str, list[str]] = {}
    for kind, code in classified:
        wanted.setdefault(kind, []).append(code)
    for kind, kind_codes in wanted.items():
        model, field = _CODE_FIELDS[kind]
        found = set(
            model.objects.filter(**{f"{field}__in": kind_codes}).values_list(field, flat=True)
        )
        for code in kind_codes:
            if code not in found:
                raise _unknown(code)
    return [code for _kind, code in classified]


def _fetch(template: str, wanted: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {kind: {} for kind in wanted}
    if "device" in wanted:
        qs = _devices(template)
        if template == "drive_tag":
            qs = qs.prefetch_related("drives")
        found["device"] = {d.asset_tag: d for d in qs.filter(asset_tag__in=wanted["device"])}
    if "drive" in wanted:
        found["drive"] = {d.tag: d for d in _drives().filter(tag__in=wanted["drive"])}
    if "location" in wanted:
        locations = Location.objects.select_related("site").filter(tag__in=wanted["location"])
        found["location"] = {loc.tag: loc for loc in locations}
    if "collection" in wanted:
        collections = Collection.objects.select_related("donor", "site")
        if template == "collection_label":
            collections = collections.annotate(device_count=Count("devices"))
        found["collection"] = {c.tag: c for c in collections.filter(tag__in=wanted["collection"])}
    if "kit" in wanted:
        found["kit"] = {k.tag: k for k in _kits().filter(tag__in=wanted["kit"])}
    if "part" in wanted:
        parts = Part.objects.select_related("origin").filter(tag__in=wanted["part"])
        found["part"] = {part.tag: part for part in parts}
    if "site" in wanted:
        found["site"] = {s.code: s for s in Site.objects.filter(code__in=wanted["site"])}
    # Expansions: one query per kind of parent, whatever the number of parents.
    parents = {kind: list(objs.values()) for kind, objs in found.items()}
    found["_children"] = {}
    expansion = EXPANSIONS[template]
    for kind, objs in parents.items():
        how = expansion.get(kind)
        if not objs or how in (None, "self"):
            continue
        found["_children"][kind] = _children(how, kind, objs, template)
    return found


def _children(how: str, kind: str, parents: list, template: str) -> dict[int, list]:
    if how == "locations":
        qs = Location.objects.select_related("site").filter(site__in=parents, is_active=True)
        key = "site_id"
        qs = qs.order_by("name")
    elif how == "drives":
        qs = Drive.objects.select_related("device").filter(device__in=parents).order_by("id")
        key = "device_id"
    else:
        field = {"collection": "collection", "location": "location", "site": "site"}[kind]
        qs = _devices(template).filter(**{f"{field}__in": parents}).order_by("asset_tag")
        if how == "devices_on_sale":
            qs = qs.filter(state=State.ON_SALE)
        key = f"{field}_id"
    grouped: dict[int, list] = {}
    for child in qs:
        grouped.setdefault(getattr(child, key), []).append(child)
    return grouped


def _expand(template, how, kind, obj, found, base_url) -> list[LabelItem]:
    if how == "self":
        return [_item(template, obj, base_url, found)]
    children = found["_children"][kind].get(obj.pk, [])
    return [_item(template, child, base_url, found) for child in children]


def _claims(found: dict) -> dict[int, str]:
    """The « reconditionné » words of every device a shop label is asked for, read once."""
    if "_claims" not in found:
        devices = list(found.get("device", {}).values())
        for children in found.get("_children", {}).values():
            for group in children.values():
                devices += [child for child in group if isinstance(child, Device)]
        found["_claims"] = devices_claims(devices) if devices else {}
    return found["_claims"]


def _item(template: str, obj, base_url: str | None, found: dict | None = None) -> LabelItem:
    if template == "device_tag":
        return LabelItem(obj.asset_tag, sources.device_tag_input(obj), obj)
    if template == "shop_label":
        claim = _claims(found).get(obj.pk) if found is not None else None
        return LabelItem(
            obj.asset_tag, sources.shop_input(obj, base_url=base_url, claim=claim), obj
        )
    if template == "drive_tag":
        return LabelItem(obj.tag, sources.drive_tag_input(obj))
    if template == "location_label":
        return LabelItem(obj.tag, sources.location_input(obj))
    if template == "collection_label":
        return LabelItem(obj.tag, sources.collection_input(obj))
    if template == "kit_label":
        return LabelItem(obj.tag, sources.kit_input(obj))
    if template == "part_label":
        return LabelItem(obj.tag, sources.part_input(obj))
    if template == "erasure_sticker":
        if isinstance(obj, Device):
            data, code, device = sources.erasure_input_for_device(obj), obj.asset_tag, obj
        else:
            data, code, device = sources.erasure_input_for_drive(obj), obj.tag, None
        if data is None:
            raise DomainError(
                "label_not_erased",
                _(
                    "%(code)s has a drive that is not erased nor destroyed yet: record the "
                    "erasure before printing its sticker."
                )
                % {"code": code},
            )
        return LabelItem(code, data, device)
    raise AssertionError(template)


def label_items_for_objects(
    template: str, objects: Iterable[Any], *, base_url: str | None = None
) -> list[LabelItem]:
    """Labels for objects already in hand (a queryset of devices, drives, bins, kits…)."""
    if isinstance(objects, QuerySet):
        prepared = {
            Device: lambda: _devices(template),
            Drive: _drives,
            Kit: _kits,
            Part: lambda: Part.objects.select_related("origin"),
            Location: lambda: Location.objects.select_related("site"),
            Collection: lambda: Collection.objects.select_related("donor", "site").annotate(
                device_count=Count("devices")
            ),
        }
        if objects.model in prepared:
            objects = (
                prepared[objects.model]()
                .filter(pk__in=objects.values("pk"))
                .order_by(*(objects.query.order_by or ["pk"]))
            )
    objects = list(objects)
    found = {"_claims": devices_claims(objects)} if template == "shop_label" and objects else None
    items = [_item(template, obj, base_url, found) for obj in objects]
    if not items:
        raise DomainError(
            "label_nothing",
            _("There is nothing to print."),
            fields={"codes": [_("Nothing to print.")]},
        )
    return items


def shop_devices(site: Site) -> QuerySet:
    """Every device on sale at ``site``: the batch of shop labels to (re)print."""
    return Device.objects.filter(site=site, state=State.ON_SALE).order_by("asset_tag")


def site_locations(site: Site) -> QuerySet:
    return Location.objects.filter(site=site, is_active=True).order_by("name")


def print_jobs(*, status: str | None = None) -> QuerySet:
    """Print jobs, newest first, with what their list shows."""
    qs = PrintJob.objects.select_related("printer", "actor", "workstation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")
