"""The admin lists every model, searches devices by tag or serial, and shows events read-only."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from refurb.models import DeviceEvent

pytestmark = pytest.mark.django_db

APPS = tuple(settings.PROJECT_APPS)


@pytest.fixture
def admin_client_logged(client, make_user):
    user = make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


def registered_models():
    from django.contrib import admin

    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def test_every_model_of_the_project_is_in_the_admin():
    from django.contrib import admin

    missing = [
        model.__name__
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry and not model._meta.auto_created
    ]
    assert missing == []


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_list_page_answers(admin_client_logged, laptop, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client_logged.get(url).status_code == 200


def test_devices_are_found_by_tag_and_by_serial(admin_client_logged, laptop):
    url = reverse("admin:refurb_device_changelist")
    laptop.serial_number = "CN-0XYZ"
    laptop.save(update_fields=["serial_number"])
    for query in (laptop.asset_tag, "CN-0XYZ"):
        page = admin_client_logged.get(url, {"q": query}).content.decode()
        assert laptop.asset_tag in page


def test_events_cannot_be_changed_or_deleted_in_the_admin(admin_client_logged, laptop):
    event = DeviceEvent.objects.get(device=laptop)
    change = reverse("admin:refurb_deviceevent_change", args=[event.pk])
    delete = reverse("admin:refurb_deviceevent_delete", args=[event.pk])
    admin_client_logged.post(change, {"reason": "forged"})
    assert admin_client_logged.post(delete, {"post": "yes"}).status_code == 403
    assert DeviceEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.parametrize("events", [1, 8, 120])
def test_a_device_change_page_costs_the_same_queries_whatever_its_history(
    admin_client_logged, site, bench_worker, station, events, django_assert_num_queries
):
    from refurb.events import NewEvent, event_append_many
    from tests import factories

    device = factories.make_device(site=site, actor=bench_worker)
    more = [
        NewEvent(device=device, code=DeviceEvent.Code.REPAIR, reason=f"n{n}")
        for n in range(events - 1)
    ]
    if more:
        event_append_many(more, actor=bench_worker, workstation=station())
    url = reverse("admin:refurb_device_change", args=[device.pk])
    admin_client_logged.get(url)  # a first visit, as a manager's
    # session, user, the device with what its read-only fields show (joined), its drives, one
    # page of its events (who and at which bench, joined): issue 19 asks at most 10
    with django_assert_num_queries(5):
        page = admin_client_logged.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count(bench_worker.username) >= min(events, 50)
    assert "refurb-deviceevent-content_type-object_id" not in html  # no inline formset


def test_the_device_change_page_pages_its_events_newest_first(
    admin_client_logged, site, bench_worker, station
):
    from inventory.admin import EVENTS_PER_PAGE
    from refurb.events import NewEvent, event_append_many
    from tests import factories

    device = factories.make_device(site=site, actor=bench_worker)
    event_append_many(
        [
            NewEvent(device=device, code=DeviceEvent.Code.REPAIR, reason=f"note-{n:03d}")
            for n in range(2, 121)
        ],
        actor=bench_worker,
        workstation=station(),
    )
    url = reverse("admin:refurb_device_change", args=[device.pk])

    def reasons(page):
        html = admin_client_logged.get(f"{url}?events_page={page}").content.decode()
        return [int(n) for n in re.findall(r"note-(\d{3})", html)], html

    first, html = reasons(1)
    assert first == list(range(120, 120 - EVENTS_PER_PAGE, -1))
    assert "events_page=2" in html and "events_page=0" not in html
    last, html = reasons(3)
    assert last == list(range(120 - 2 * EVENTS_PER_PAGE, 1, -1))
    assert "events_page=2" in html and "events_page=4" not in html
    assert reasons("999")[0] == last  # past the end: the last page
    assert reasons("nope")[0] == first
    # Read only: the page posts no event field back.
    assert 'name="events-TOTAL_FORMS"' not in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_history_table_shows_what_the_events_say_as_the_template_would(
    admin_client_logged, site, bench_worker, station, language
):
    """The history's cells (``inventory.admin._event_rows``) are the model's own labels and the
    template's date, in the page's language; a reason is escaped on the page."""
    from django.template import Context, Template
    from django.utils import translation

    from inventory.admin import _event_rows
    from refurb.events import NewEvent, event_append_many
    from tests import factories

    device = factories.make_device(site=site, actor=bench_worker)
    hostile = '<script>alert("x")</script> =HYPERLINK("y")'
    event_append_many(
        [NewEvent(device=device, code=DeviceEvent.Code.REPAIR, reason=hostile)],
        workstation=station("test"),  # no person: made by the bench's agent
    )
    event_append_many(
        [NewEvent(device=device, code="no-such-code", from_state="received", to_state="graded")],
        actor=bench_worker,
    )
    events = list(DeviceEvent.objects.filter(device=device).order_by("-seq"))
    when = Template("{{ e.created_at }}")
    with translation.override(language):
        rows = _event_rows(events)
        for event, row in zip(events, rows, strict=True):
            assert row["seq"] == str(event.seq)
            assert row["created_at"] == when.render(Context({"e": event}))
            assert row["code_label"] == event.code_label
            assert row["from_state"] == event.get_from_state_display()
            assert row["to_state"] == event.get_to_state_display()
            assert row["by"] == str(event.actor or event.get_actor_kind_display())
            assert row["workstation"] == str(event.workstation or "—")
            assert row["reason"] == event.reason
    assert rows[0]["code_label"] == "no-such-code" and rows[0]["to_state"] != "graded"
    assert rows[1]["by"] and rows[1]["workstation"] != "—"
    admin_client_logged.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = admin_client_logged.get(reverse("admin:refurb_device_change", args=[device.pk]))
    html = html.content.decode()
    assert hostile not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert rows[0]["to_state"] in html
