"""The waste register screens: the register of a period at the manager's sites, and its CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from inventory.forms import SitePeriodForm
from inventory.waste import REGISTER_COLUMNS, waste_register, waste_register_csv
from workshop.roles import MANAGER
from workshop.views.common import roles_required


def _form(request) -> SitePeriodForm:
    return SitePeriodForm(request.GET or None, user=request.user)


def _lines(form: SitePeriodForm, hazardous_only: bool):
    site_ids, date_from, date_to = form.scope()
    return waste_register(
        site_ids=site_ids, date_from=date_from, date_to=date_to, hazardous_only=hazardous_only
    )


# Lines of the register shown per page (the CSV has them all).
PAGE_LINES = 200


@roles_required(MANAGER)
def waste_register_screen(request):
    """``inventory:waste_register``: the register's lines of a period, incomplete ones flagged,
    ``PAGE_LINES`` a page (the same three queries whatever the page)."""
    form = _form(request)
    hazardous_only = request.GET.get("hazardous") == "1"
    lines = list(_lines(form, hazardous_only)) if not form.is_bound or form.is_valid() else []
    pages = max(1, -(-len(lines) // PAGE_LINES))
    try:
        page = min(max(1, int(request.GET.get("page") or 1)), pages)
    except ValueError:
        page = 1
    incomplete = [line for line in lines if line.missing]
    query = request.GET.copy()
    query.pop("page", None)
    if not form.is_bound:
        site_ids, date_from, date_to = form.scope()
        query.update({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
        if site_ids and len(site_ids) == 1:
            query["site"] = str(site_ids[0])
    return render(
        request,
        "inventory/audit/waste_register.html",
        {
            "form": form,
            "lines": lines[(page - 1) * PAGE_LINES : page * PAGE_LINES],
            "total": len(lines),
            "page": page,
            "pages": pages,
            "columns": REGISTER_COLUMNS,
            "hazardous_only": hazardous_only,
            "query": query.urlencode(),
            "incomplete": incomplete,
        },
    )


@roles_required(MANAGER)
def waste_register_download(request):
    """``inventory:waste_register_csv``: the same lines as CSV, in the register's order."""
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    site_ids, date_from, date_to = form.scope()
    hazardous_only = request.GET.get("hazardous") == "1"
    body = waste_register_csv(_lines(form, hazardous_only))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"registre-dechets-{date_from.isoformat()}-{date_to.isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
