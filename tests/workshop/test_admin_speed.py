"""The device changelist's quick selection boxes are Django's own markup, escaped alike."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
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


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_quick_device_list_is_the_page_django_renders(
    admin_client, site, bench_worker, monkeypatch, language
):
    """The whole filtered page, row links with the list's filters included, is the same with
    the quick rows (``workshop.admin.QuickRowsMixin``: selection boxes, links and cells) and
    with Django's own: hostile text, blank and whitespace-only cells, empty relations, a
    grade and a location, in French and in English."""
    from django.contrib.admin.views.main import ChangeList

    from inventory.services import location_create
    from tests import factories

    rows = [('SN<1>"', HOSTILE, "   "), ("=SUM(A1)", "", "T480 & <b>"), ("SN-3", "Dell", "")]
    devices = [
        factories.make_device(site=site, actor=bench_worker, serial_number=s, make=m, model=n)
        for s, m, n in rows
    ]
    Device.objects.filter(pk=devices[0].pk).update(
        grade=factories.grade("A"), location=location_create(site=site, name='Étagère <"A1">')
    )
    url = f"/admin/refurb/device/?site__id__exact={site.pk}&o=1"
    admin_client.cookies["django_language"] = language

    def django_rows(*args):
        raise AssertionError("the quick list wrote its rows with Django's items_for_result")

    with monkeypatch.context() as patch:
        patch.setattr(admin_list, "items_for_result", django_rows)
        quick = admin_client.get(url).content.decode()
    assert f'<html lang="{language}"' in quick
    device_admin = admin.site._registry[Device]
    monkeypatch.setattr(type(device_admin), "get_changelist", lambda self, request: ChangeList)
    monkeypatch.setattr(type(device_admin), "action_checkbox", admin.ModelAdmin.action_checkbox)
    monkeypatch.setattr(type(device_admin), "change_list_template", None)
    django = admin_client.get(url).content.decode()
    assert quick.count("/change/?_changelist_filters=site__id__exact") == 3
    # The CSRF and form tokens differ between two requests; the rest is the same page.
    strip = __import__("re").compile(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"')
    assert strip.sub("", quick) == strip.sub("", django)
    assert quick.count('class="field-serial_number"') == 3 and "&lt;b&gt;" in quick


def _people(admin_user, manager, site):
    from workshop.models import WorkerProfile

    manager.is_staff = True
    manager.save()
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    return {"superuser": admin_user, "manager": manager}


@pytest.mark.parametrize("who", ["superuser", "manager"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_side_bar_lists_the_apps_and_models_django_lists(
    admin_user, manager, site, rf, language, who
):
    """Every app and model with its names, permissions and URLs, sorted as Django sorts them
    (``AtelierAdminSite``: names translated once, URLs reversed once a process)."""
    from django.contrib.admin import AdminSite

    request = rf.get("/admin/")
    request.user = _people(admin_user, manager, site)[who]
    with translation.override(language):
        ours = admin.site.get_app_list(request)
        again = admin.site.get_app_list(request)  # the URLs from the process's memory
        django = AdminSite.get_app_list(admin.site, request)
        for app in django:
            app["name"] = str(app["name"])
            for model in app["models"]:
                model["name"] = str(model["name"])
    assert ours == django and again == django
    assert sum(len(app["models"]) for app in django) > 20


@pytest.mark.parametrize("who", ["superuser", "manager"])
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/refurb/device/", "/admin/inventory/"])
def test_the_side_bar_is_the_markup_of_djangos_template(
    admin_user, manager, site, rf, language, who, path
):
    """``{% quick_nav_apps %}`` writes what Django's ``admin/app_list.html`` writes for the
    side bar, the current app and model marked, names escaped."""
    from django.template.loader import get_template

    from workshop.templatetags.quick_admin import quick_nav_apps

    request = rf.get(path)
    request.user = _people(admin_user, manager, site)[who]
    with translation.override(language):
        apps = admin.site.get_app_list(request)
        apps[0]["name"] = 'Ateliers <"&">'  # hostile, as a verbose name could be
        apps[0]["models"][0]["name"] = "<script>x</script>"
        ours = quick_nav_apps({"available_apps": apps, "request": request})
        django = get_template("admin/app_list.html").render(
            {"app_list": apps, "show_changelinks": False, "request": request}
        )
        assert ours == django
        assert "<script>" not in ours and "&lt;script&gt;" in ours
        if path != "/admin/":
            assert "current-app" in ours
        empty = quick_nav_apps({"available_apps": [], "request": request})
        assert empty == get_template("admin/app_list.html").render(
            {"app_list": [], "show_changelinks": False, "request": request}
        )


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


@pytest.mark.parametrize("devices", [2, 25])
def test_the_device_list_costs_the_same_queries_whatever_its_rows(
    admin_client, site, bench_worker, devices, django_assert_num_queries
):
    """The rows read only the columns they show (``DeviceAdmin.list_only``): a column shown
    but not read would cost a query a row. Session, user, the filters' choices (site,
    category, grade), the count and the page of rows."""
    from tests import factories

    for n in range(devices):
        factories.make_device(site=site, actor=bench_worker, serial_number=f"SN{n}", make="HP")
    url = f"/admin/refurb/device/?site__id__exact={site.pk}"
    admin_client.get(url)
    with django_assert_num_queries(7):
        page = admin_client.get(url)
    assert page.content.decode().count('class="action-select"') == devices
