"""The device changelist's quick selection boxes are Django's own markup, escaped alike."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.utils import translation

from refurb.models import Device

HOSTILE = 'LY<"&>\'1 =HYPERLINK("x")'


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_quick_selection_box_is_the_markup_django_renders(language):
    device_admin = admin.site._registry[Device]
    device = Device(pk=12, asset_tag=HOSTILE)
    with translation.override(language):
        quick = device_admin.action_checkbox(device)
        django = admin.ModelAdmin.action_checkbox(device_admin, device)
    assert quick == django
    assert '<"&>' not in quick and "&lt;&quot;&amp;&gt;" in quick


def test_the_device_list_has_a_selection_box_per_device(admin_client, site, bench_worker):
    from tests import factories

    for _ in range(3):
        factories.make_device(site=site, actor=bench_worker)
    page = admin_client.get("/admin/refurb/device/")
    assert page.status_code == 200
    assert page.content.decode().count('class="action-select"') == 3


def test_the_quick_device_list_is_the_page_django_renders(
    admin_client, site, bench_worker, monkeypatch
):
    """The whole filtered page, row links with the list's filters included, is the same with
    the quick rows (``workshop.admin.QuickRowsMixin``) and with Django's own."""
    from django.contrib.admin.views.main import ChangeList

    from tests import factories

    for serial in ('SN<1>"', "=SUM(A1)", "SN-3"):
        factories.make_device(site=site, actor=bench_worker, serial_number=serial)
    url = f"/admin/refurb/device/?site__id__exact={site.pk}&o=1"
    quick = admin_client.get(url).content.decode()
    device_admin = admin.site._registry[Device]
    monkeypatch.setattr(type(device_admin), "get_changelist", lambda self, request: ChangeList)
    monkeypatch.setattr(type(device_admin), "action_checkbox", admin.ModelAdmin.action_checkbox)
    django = admin_client.get(url).content.decode()
    assert quick.count("/change/?_changelist_filters=site__id__exact") == 3
    # The CSRF and form tokens differ between two requests; the rest is the same page.
    strip = __import__("re").compile(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"')
    assert strip.sub("", quick) == strip.sub("", django)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_side_bar_lists_the_apps_and_models_as_django_sorts_them(admin_user, rf, language):
    from django.contrib.admin import AdminSite

    request = rf.get("/admin/")
    request.user = admin_user
    with translation.override(language):
        ours = admin.site.get_app_list(request)
        django = AdminSite.get_app_list(admin.site, request)
        flat = [(str(a["name"]), [str(m["name"]) for m in a["models"]]) for a in django]
    assert [(a["name"], [m["name"] for m in a["models"]]) for a in ours] == flat
    assert len(flat) > 5
