"""No silent edits of a device (issue 15, item 4): ``device_update`` changes its identity and
specs with an ``updated`` event carrying old and new values, and refuses what would break an
invariant; the admin change form saves through it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from demo.walks import device_advance
from refurb.certificates.services import certificate_issue
from refurb.chain import chains_verify
from refurb.eventtext import event_sentence
from refurb.models import Category, Device, DeviceEvent
from refurb.services import device_update, drive_add, drive_record_destruction
from refurb.states import State
from tests import factories
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


def _events(device) -> int:
    return DeviceEvent.objects.filter(device=device).count()


def test_an_update_appends_one_event_with_the_old_and_new_values(laptop, crew):
    laptop.serial_number = "OLD-1"
    Device.objects.filter(pk=laptop.pk).update(serial_number="OLD-1", specs={"ram_gb": 4})
    event = device_update(
        device=laptop,
        actor=crew.coach,
        workstation=crew.stations["test"],
        serial_number=" NEW-2 ",
        specs={"ram_gb": 8},
        weight_kg="2,1",
        make="Dell",
        reason="étiquette mal lue",
    )
    assert event.code == "updated"
    assert event.payload == {
        "changes": {
            "serial_number": ["OLD-1", "NEW-2"],
            "specs": [{"ram_gb": 4}, {"ram_gb": 8}],
            "weight_kg": [None, "2.1"],
        }
    }
    assert event.reason == "étiquette mal lue"
    stored = Device.objects.get(pk=laptop.pk)
    assert (stored.serial_number, stored.specs, stored.weight_kg) == (
        "NEW-2",
        {"ram_gb": 8},
        Decimal("2.1"),
    )
    assert laptop.serial_number == "NEW-2"
    with translation.override("fr"):
        assert "numéro de série « OLD-1 » → « NEW-2 »" in event_sentence(event)
    assert chains_verify().ok


def test_an_update_that_changes_nothing_writes_nothing(laptop, crew):
    before = _events(laptop)
    assert device_update(device=laptop, actor=crew.coach, make=laptop.make) is None
    assert _events(laptop) == before


@pytest.mark.parametrize("state", [State.SOLD, State.RESERVED, State.RECYCLED, State.WRITTEN_OFF])
def test_a_device_reserved_gone_or_written_off_keeps_its_details(laptop, crew, state):
    drive = drive_add(device=laptop, actor=crew.bench, serial_number="D-1", kind="ssd")
    drive_record_destruction(drive=drive, actor=crew.bench, method="shredding", witness="Léa")
    device_advance(laptop, state, crew)
    before = _events(laptop)
    with pytest.raises(DomainError) as caught:
        device_update(device=laptop, actor=crew.manager, serial_number="OTHER")
    assert (caught.value.code, caught.value.status) == ("device_frozen", 409)
    assert "serial_number" in caught.value.fields
    assert _events(laptop) == before
    assert Device.objects.get(pk=laptop.pk).serial_number != "OTHER"


def test_the_category_is_locked_once_the_device_is_tested(laptop, crew):
    device_advance(laptop, State.TESTED, crew)
    with pytest.raises(DomainError) as caught:
        device_update(
            device=laptop, actor=crew.manager, category=Category.objects.get(code="desktop")
        )
    assert caught.value.code == "category_locked"
    assert Device.objects.get(pk=laptop.pk).category.code == "laptop"


def test_a_device_past_received_cannot_become_a_data_holding_category_unerased(site, crew):
    screen = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(screen, State.WIPED, crew)  # a screen holds no data: wiped at once
    before = _events(screen)
    with pytest.raises(DomainError) as caught:
        device_update(device=screen, actor=crew.coach, category=Category.objects.get(code="laptop"))
    assert caught.value.code == "category_unsafe"
    assert _events(screen) == before
    assert Device.objects.get(pk=screen.pk).category.code == "screen"
    # In received it may change: the erasure is still ahead.
    other = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    event = device_update(
        device=other, actor=crew.coach, category=Category.objects.get(code="laptop")
    )
    assert event.payload == {"changes": {"category": ["screen", "laptop"]}}


def test_a_serial_named_by_an_erasure_certificate_cannot_change(laptop, crew):
    drive = drive_add(device=laptop, actor=crew.bench, serial_number="D-1", kind="ssd")
    drive_record_destruction(drive=drive, actor=crew.bench, method="shredding", witness="Léa")
    certificate_issue(device=laptop, actor=crew.manager)
    with pytest.raises(DomainError) as caught:
        device_update(device=laptop, actor=crew.manager, serial_number="OTHER")
    assert caught.value.code == "serial_certified"
    # Its make and model may still be corrected.
    assert device_update(device=laptop, actor=crew.manager, model="E7250") is not None


def test_only_coaches_and_managers_update_a_device_and_only_at_their_site(laptop, crew, make_user):
    with pytest.raises(DomainError) as caught:
        device_update(device=laptop, actor=crew.bench, model="X")
    assert (caught.value.code, caught.value.status) == ("role_forbidden", 403)
    elsewhere = make_user(
        "coach", username="coach-gr", site=factories.SiteFactory(code="GR", name="Grenoble")
    )
    with pytest.raises(DomainError) as caught:
        device_update(device=laptop, actor=elsewhere, model="X")
    assert caught.value.code == "other_site"


def test_an_unknown_field_is_refused(laptop, crew):
    with pytest.raises(DomainError) as caught:
        device_update(device=laptop, actor=crew.coach, grade="A")
    assert (caught.value.code, list(caught.value.fields)) == ("invalid", ["grade"])


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    return client


def _admin_post(admin_client, device, **changes):
    url = reverse("admin:refurb_device_change", args=[device.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "drives-TOTAL_FORMS": "0",
            "drives-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return admin_client.post(url, data)


def test_the_admin_saves_an_identity_change_through_the_service(admin_client, laptop):
    response = _admin_post(admin_client, laptop, serial_number="FROM-ADMIN")
    assert response.status_code == 302
    event = DeviceEvent.objects.filter(device=laptop).latest("seq")
    assert event.code == "updated"
    assert event.payload["changes"]["serial_number"] == [laptop.serial_number, "FROM-ADMIN"]
    assert event.actor.username == "root"
    assert chains_verify().ok


def test_the_admin_shows_a_refusal_as_a_form_error_and_writes_nothing(admin_client, laptop, crew):
    drive = drive_add(device=laptop, actor=crew.bench, serial_number="D-1", kind="ssd")
    drive_record_destruction(drive=drive, actor=crew.bench, method="shredding", witness="Léa")
    device_advance(laptop, State.SOLD, crew)
    before = _events(laptop)
    response = _admin_post(admin_client, laptop, serial_number="FROM-ADMIN")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["serial_number"]
    assert _events(laptop) == before
    assert Device.objects.get(pk=laptop.pk).serial_number != "FROM-ADMIN"
