"""The repair ticket screen and the part card: diagnosis, minutes, parts fitted and harvested.

The ticket lives in ``refurb`` and the parts in the inventory, so the screen that shows both is
here. Every form posts to a thin view that calls one service; a refusal is a message saying
what to do, and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inventory import services as inventory_services
from inventory.models import Location, Part, PartMovement
from inventory.parts import FIT, SELL, part_refusal
from inventory.selectors import parts_in_stock
from inventory.services import PartSpec
from refurb import services as refurb_services
from refurb.models import Repair
from refurb.states import State
from workshop import tags
from workshop.access import role_allows, site_allowed
from workshop.exceptions import DomainError
from workshop.labelprint import bench_print, form_token
from workshop.models import Site
from workshop.roles import COACH, MANAGER, user_roles
from workshop.selectors import user_site_ids
from workshop.views.common import bench_view, done, render_bench, show_error

HARVEST_CATEGORIES = [value for value in Part.Category.values if value != Part.Category.DRIVE]


def _ticket(request, pk) -> Repair:
    ticket = get_object_or_404(
        Repair.objects.select_related("device", "device__category", "device__site", "workstation"),
        pk=pk,
    )
    if not site_allowed(ticket.device.site_id, actor=request.user):
        raise DomainError(
            "other_site",
            _("This repair belongs to another site: it is handled at that site."),
            status=403,
        )
    return ticket


def _back(ticket) -> str:
    return reverse("bench:repair", args=[ticket.pk])


@bench_view
def repair_for_device(request, tag):
    """Open the device's repair ticket (its open one, else its latest)."""
    tickets = Repair.objects.filter(device__asset_tag=tag)
    ticket = tickets.filter(status="open").first() or tickets.order_by("-opened_at").first()
    if ticket is None:
        messages.warning(request, _("%(tag)s has no repair ticket.") % {"tag": tag})
        return done(request, reverse("bench:device", args=[tag]))
    return done(request, _back(ticket))


@bench_view
def repair_ticket(request, pk):
    ticket = _ticket(request, pk)
    device = ticket.device
    work = list(ticket.work.select_related("worker"))
    per_worker = (
        ticket.work.values("worker__username", "worker__first_name", "worker__last_name")
        .annotate(minutes=Sum("minutes"))
        .order_by("worker__username")
    )
    movements = list(
        PartMovement.objects.filter(repair=ticket)
        .select_related("part", "part__origin")
        .order_by("id")
    )
    roles = user_roles(request.user)
    is_open = ticket.status == Repair.Status.OPEN and device.state == State.IN_REPAIR
    taken = set(Part.objects.filter(drive__device=device).values_list("drive_id", flat=True))
    return render_bench(
        request,
        "inventory/repair/ticket.html",
        {
            "ticket": ticket,
            "device": device,
            "work": work,
            "per_worker": list(per_worker),
            "total_minutes": sum(line.minutes for line in work),
            "movements": movements,
            "is_open": is_open,
            "is_coach": bool(roles & {COACH, MANAGER}),
            "categories": Part.Category.choices,
            "harvest_categories": [(c, Part.Category(c).label) for c in HARVEST_CATEGORIES],
            "drives": [d for d in device.drives.all() if d.pk not in taken],
            "test_statuses": Part.TestStatus.choices,
            "locations": Location.objects.filter(site=device.site, is_active=True).order_by("name"),
            "barriers": Repair.Barrier.choices,
            "age": timezone.now() - ticket.opened_at,
        },
    )


@require_POST
@bench_view
def repair_diagnosis(request, pk):
    ticket = _ticket(request, pk)
    try:
        refurb_services.repair_diagnose(
            repair=ticket,
            diagnosis=request.POST.get("diagnosis", ""),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Diagnosis recorded."))
    return done(request, _back(ticket))


@require_POST
@bench_view
def repair_work(request, pk):
    ticket = _ticket(request, pk)
    try:
        refurb_services.repair_work_add(
            repair=ticket,
            action=request.POST.get("action", ""),
            minutes=request.POST.get("minutes", ""),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Work recorded."))
    return done(request, _back(ticket))


def _part_by_code(code: str) -> Part:
    text = tags.normalize(code or "")
    tag = tags.parse_tag(text)  # refuses a mistyped tag
    part = Part.objects.filter(tag=tag.text).first() if tag.kind == tags.PART else None
    if part is None:
        raise DomainError(
            "scan_unknown",
            _("“%(code)s” is not a part of the stock: scan the part's label (a P tag).")
            % {"code": code},
            fields={"part": [_("Unknown part.")]},
            status=404,
        )
    return part


@require_POST
@bench_view
def repair_fit(request, pk):
    ticket = _ticket(request, pk)
    try:
        part = _part_by_code(request.POST.get("part", ""))
        inventory_services.part_fit(
            part=part,
            repair=ticket,
            category=request.POST.get("category", ""),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Part %(part)s fitted in %(tag)s.")
            % {"part": part.tag, "tag": ticket.device.asset_tag},
        )
    return done(request, _back(ticket))


def _location(request, device):
    pk = request.POST.get("location") or ""
    return Location.objects.filter(pk=int(pk), site=device.site).first() if pk.isdigit() else None


def _print_parts(request, parts) -> None:
    for part in parts:
        bench_print(request, template="part_label", obj=part, action_key=f"part:{part.tag}")


@require_POST
@bench_view
def repair_remove(request, pk):
    """Take one part out of the device in repair (the faulty one swapped, or one to keep)."""
    ticket = _ticket(request, pk)
    try:
        part = inventory_services.part_remove(
            repair=ticket,
            part=PartSpec(
                category=request.POST.get("category", ""),
                description=request.POST.get("description", ""),
                test_status=request.POST.get("test_status") or Part.TestStatus.UNTESTED,
            ),
            location=_location(request, ticket.device),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Part %(part)s taken out.") % {"part": part.tag})
        _print_parts(request, [part])
    return done(request, _back(ticket))


@require_POST
@bench_view(roles=frozenset({COACH, MANAGER}))
def repair_harvest(request, pk):
    """Harvest the device for the parts ticked; each part's label prints."""
    ticket = _ticket(request, pk)
    device = ticket.device
    specs = []
    for category in request.POST.getlist("category"):
        if category not in HARVEST_CATEGORIES:
            continue
        specs.append(
            PartSpec(
                category=category,
                description=request.POST.get(f"description-{category}", ""),
                price=request.POST.get(f"price-{category}") or None,
                test_status=request.POST.get(f"test-{category}") or Part.TestStatus.UNTESTED,
            )
        )
    drives = {str(d.pk): d for d in device.drives.all()}
    for pk_text in request.POST.getlist("drive"):
        if pk_text in drives:
            specs.append(PartSpec(category=Part.Category.DRIVE, drive=drives[pk_text]))
    try:
        parts = inventory_services.device_harvest(
            device=device,
            parts=specs,
            location=_location(request, device),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(tag)s harvested: %(count)d part in stock.",
                "%(tag)s harvested: %(count)d parts in stock.",
                len(parts),
            )
            % {"tag": device.asset_tag, "count": len(parts)},
        )
        _print_parts(request, parts)
    return done(request, _back(ticket))


@require_POST
@bench_view
def repair_repaired(request, pk):
    """Say the device is repaired: it is tested again at the test bench."""
    ticket = _ticket(request, pk)
    try:
        refurb_services.repair_mark_repaired(
            repair=ticket, actor=request.user, workstation=request.workstation
        )
    except DomainError as error:
        show_error(request, error)
        return done(request, _back(ticket))
    messages.success(
        request,
        _("%(tag)s is repaired: test it again, every mandatory check.")
        % {"tag": ticket.device.asset_tag},
    )
    return done(request, reverse("bench:test-device", args=[ticket.device.asset_tag]))


@require_POST
@bench_view(roles=frozenset({COACH, MANAGER}))
def repair_recycle(request, pk):
    """Give the device up for recycling, saying why it cannot be repaired."""
    ticket = _ticket(request, pk)
    try:
        refurb_services.repair_recycle(
            repair=ticket,
            barrier=request.POST.get("barrier", ""),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(
            request, _("%(tag)s goes to recycling.") % {"tag": ticket.device.asset_tag}
        )
    return done(request, _back(ticket))


# --------------------------------------------------------------------------- the part card

SPEC_NAMES = {
    "size_gb": lambda: _("Size (GB)"),
    "speed_mhz": lambda: _("Speed (MHz)"),
    "kind": lambda: _("Kind"),
    "capacity_gb": lambda: _("Capacity (GB)"),
    "serial": lambda: _("Serial number"),
    "power_on_hours": lambda: _("Power-on hours"),
    "health_pct": lambda: _("Health (%)"),
    "design_wh": lambda: _("Design capacity (Wh)"),
    "full_wh": lambda: _("Full capacity (Wh)"),
    "inches": lambda: _("Size (inches)"),
    "watts": lambda: _("Power (W)"),
}


def _part(request, tag) -> Part:
    part = get_object_or_404(
        Part.objects.select_related("origin", "location", "drive", "fitted_in", "site"), tag=tag
    )
    if not site_allowed(part.site_id, actor=request.user):
        raise DomainError(
            "other_site",
            _("Part %(tag)s belongs to another site.") % {"tag": tag},
            status=403,
        )
    return part


@bench_view
def part_card(request, tag):
    part = _part(request, tag)
    return render_bench(
        request,
        "inventory/repair/part.html",
        {
            "part": part,
            "specs": [
                (SPEC_NAMES.get(key, lambda key=key: key)(), value)
                for key, value in (part.specs or {}).items()
            ],
            "movements": list(part.movements.select_related("device", "actor")),
            "fit_refusal": part_refusal(part, purpose=FIT),
            "sell_refusal": part_refusal(part, purpose=SELL),
            "locations": Location.objects.filter(site=part.site, is_active=True).order_by("name"),
        },
    )


@require_POST
@bench_view
def part_label(request, tag):
    part = _part(request, tag)
    bench_print(
        request, template="part_label", obj=part, action_key=f"reprint:{form_token(request)}"
    )
    return done(request, reverse("bench:part", args=[part.tag]))


@require_POST
@bench_view
def part_test(request, tag):
    part = _part(request, tag)
    try:
        inventory_services.part_record_test(
            part=part,
            passed=request.POST.get("passed") == "1",
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    return done(request, reverse("bench:part", args=[part.tag]))


@require_POST
@bench_view
def part_price(request, tag):
    part = _part(request, tag)
    try:
        inventory_services.part_set_price(
            part=part,
            price=request.POST.get("price", ""),
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Price saved."))
    return done(request, reverse("bench:part", args=[part.tag]))


@bench_view(workstation=False)
def parts_stock(request):
    """The parts in stock of one of the person's sites: filter by category, search by tag."""
    allowed = user_site_ids(request.user)
    sites = Site.objects.order_by("code")
    if allowed is not None:
        sites = sites.filter(pk__in=allowed)
    sites = list(sites)
    if not sites or not role_allows(user_roles(request.user), "part", "list"):
        return render_bench(request, "workshop/bench/forbidden.html", status=403)
    wanted = request.GET.get("site") or (request.workstation and request.workstation.site_id)
    site = next((one for one in sites if str(one.pk) == str(wanted)), sites[0])
    category = request.GET.get("category", "")
    if category not in Part.Category.values:
        category = ""
    query = (request.GET.get("q") or "").strip()[:40]
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    stock = parts_in_stock(site_id=site.pk, category=category, query=query, page=page)
    for part in stock.parts:
        part.spec_lines = [
            (SPEC_NAMES.get(key, lambda key=key: key)(), value)
            for key, value in (part.specs or {}).items()
            if key != "serial"
        ]
    return render_bench(
        request,
        "inventory/repair/parts.html",
        {
            "site": site,
            "sites": sites,
            "category": category,
            "query": query,
            "stock": stock,
            "all_count": sum(stock.counts.values()),
            "categories": [
                (code, label, stock.counts.get(code, 0)) for code, label in Part.Category.choices
            ],
        },
    )
