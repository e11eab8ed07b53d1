"""Pick the sample data the scenarios draw from and log the benchmark's clients in.

Samples are drawn at random across the whole data set (with a fixed seed), so that caches and
indexes are exercised as real traffic would exercise them.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.test import Client

from bench.scenarios.base import BenchEnv, module_exists
from refurb.models import Category, Device
from refurb.states import State
from shop.models import KitItem
from workshop.models import Site, Workstation
from workshop.models import WorkstationKind as WK
from workshop.services import workstation_token_create


def make_env(*, samples: int, seed: int = 7) -> BenchEnv:
    """Pick sample devices at random across the data set and log a superuser in."""
    rng = random.Random(seed)
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    bounds = Device.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    wanted = max(50, min(samples, 2000))
    picks = sorted({rng.randint(first, last) for _ in range(wanted)})
    rows = list(Device.objects.filter(pk__in=picks).values_list("pk", "asset_tag", "serial_number"))
    rng.shuffle(rows)
    # A shop bench, its token and its staff act at their own site only (workshop/access.py):
    # the sale samples are that site's devices.
    shop_station = Workstation.objects.filter(kind=WK.SHOP).order_by("pk").first()
    at_site = {"site_id": shop_station.site_id} if shop_station is not None else {}
    # A device in a kit is reserved and sold with its kit only: never a sample of its own.
    in_kit = Exists(KitItem.objects.filter(device=OuterRef("pk"), active=True))
    on_sale = (
        Device.objects.filter(state=State.ON_SALE, **at_site).exclude(in_kit).select_related("site")
    )
    sale = list(on_sale.filter(pk__gte=rng.randint(first, last)).order_by("pk")[:128]) or list(
        on_sale.order_by("pk")[:128]
    )
    # A device's timeline is read at its site only (workshop/access.py): the token's site.
    site_tags = list(
        Device.objects.filter(pk__gte=rng.randint(first, last), **at_site)
        .order_by("pk")
        .values_list("asset_tag", flat=True)[:wanted]
    ) or list(
        Device.objects.filter(**at_site).order_by("pk").values_list("asset_tag", flat=True)[:wanted]
    )
    shop_user = User.objects.filter(
        groups__name="shop",
        **({"worker_profile__site_id": shop_station.site_id} if shop_station else {}),
    ).first()
    categories = list(Category.objects.filter(code__in=["laptop", "desktop", "screen"]))
    has_devices = Exists(Device.objects.filter(site=OuterRef("pk")))
    sites = list(Site.objects.filter(has_devices).order_by("pk")[:20])
    filters = [
        {
            "state": state,
            "site": site.pk,
            "site_code": site.code,
            "category": category.pk,
            "category_code": category.code,
        }
        for state in (State.ON_SALE, State.SOLD, State.RECEIVED)
        for site in sites
        for category in categories
    ]
    rng.shuffle(filters)
    # API calls authenticate as a scanner would: the shop workstation's token (token first in
    # DEFAULT_AUTHENTICATION_CLASSES). Admin pages ignore it and use the superuser's session.
    api_token = ""
    if shop_station is not None and module_exists("workshop.services"):
        _token, api_token = workstation_token_create(workstation=shop_station, label="bench")
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token}"} if api_token else {}
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.force_login(admin)
    return BenchEnv(
        client=client,
        admin=admin,
        rng=rng,
        tags=[r[1] for r in rows],
        serials=[r[2] for r in rows if r[2]],
        device_ids=[r[0] for r in rows],
        sale_devices=sale,
        list_filters=filters,
        shop_user=shop_user,
        shop_station=shop_station,
        api_token=api_token,
        site_tags=site_tags or [r[1] for r in rows],
    )
