"""The public catalogue's screens: no sign-in, no serial number, no donor, no person.

Thin views over ``shop.catalogue``; the order buttons of each offer are one template,
``shop/catalogue/_offer_actions.html`` (context ``offer``), which ordering fills in.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inventory.models import Part
from shop.catalogue import (
    CatalogueFilters,
    catalogue_page,
    offer_detail,
    part_offer_detail,
)


def _common(request) -> dict:
    """What every offer's card and actions need, computed once a page. A signed-in
    association reads the catalogue under its own account's top bar (its account, the
    catalogue, its basket); everybody else under the workshop's."""
    account = None
    if request.user.is_authenticated:
        account = getattr(request.user, "buyer_account", None)
    return {
        "account": account,
        "base_template": "shop/account/base.html" if account else "workshop/base.html",
        "signin_url": f"{reverse('bench:signin')}?{urlencode({'next': request.get_full_path()})}",
        # ``refurb:photo`` is /photos/<id>/<size>.jpg: the cards add the id and the size.
        "photo_base": reverse("refurb:photo", args=[0, "thumb"]).removesuffix("0/thumb.jpg"),
    }


@require_GET
def catalogue(request):
    filters = CatalogueFilters.from_query(request.GET)
    page = catalogue_page(filters, request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "shop/catalogue/list.html",
        {
            "page_title": _("Solidarity catalogue"),
            "cat": page,
            "filters": filters,
            "query": query.urlencode(),
            **_common(request),
        },
    )


@require_GET
def catalogue_offer(request, pk: int):
    detail = offer_detail(pk)
    if detail is None:
        raise Http404
    return render(
        request,
        "shop/catalogue/offer.html",
        {
            "page_title": detail.offer.title,
            "detail": detail,
            "offer": detail.offer,
            **_common(request),
        },
    )


@require_GET
def catalogue_parts(request, site: str, category: str):
    if category not in Part.Category.values:
        raise Http404
    offer = part_offer_detail(site.upper(), category)
    if offer is None:
        raise Http404
    return render(
        request,
        "shop/catalogue/parts.html",
        {"page_title": offer.category_name, "offer": offer, **_common(request)},
    )
