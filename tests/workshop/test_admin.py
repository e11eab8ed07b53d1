"""The admin lists every model, searches devices by tag or serial, and shows events read-only."""

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


@pytest.mark.parametrize("events", [1, 8])
def test_a_device_change_page_costs_the_same_queries_for_1_and_8_events(
    admin_client_logged, site, bench_worker, station, events, django_assert_num_queries
):
    from refurb.events import NewEvent, event_append_many
    from tests import factories

    device = factories.make_device(site=site, actor=bench_worker)
    more = [NewEvent(device=device, code=DeviceEvent.Code.REPAIR, reason=f"n{n}") for n in range(7)]
    if events > 1:
        event_append_many(more, actor=bench_worker, workstation=station())
    url = reverse("admin:refurb_device_change", args=[device.pk])
    admin_client_logged.get(url)  # a first visit, as a manager's
    # session, user, device, its events (who and at which bench, joined), its drives, then
    # three for the form's related fields, whatever the number of events
    with django_assert_num_queries(8):
        page = admin_client_logged.get(url)
    assert page.status_code == 200
    assert page.content.decode().count(bench_worker.username) >= events
