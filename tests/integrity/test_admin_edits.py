"""No silent admin edits (hole 3 of issue 15): what the rules read is read-only in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refurb.models import Device
from refurb.services import device_transition
from refurb.states import State
from workshop.exceptions import DomainError


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_ticking_no_storage_in_the_admin_does_not_open_the_way_to_wiped(admin_client, laptop, crew):
    url = reverse("admin:refurb_device_change", args=[laptop.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "no_storage_confirmed" not in form.fields
    assert not {"grade", "category", "collection"} & set(form.fields)
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "no_storage_confirmed": "on",
            "drives-TOTAL_FORMS": "0",
            "drives-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )
    admin_client.post(url, data)
    assert Device.objects.get(pk=laptop.pk).no_storage_confirmed is False
    with pytest.raises(DomainError) as caught:
        device_transition(
            device=laptop, to=State.WIPED, actor=crew.bench, workstation=crew.stations["erasure"]
        )
    assert caught.value.code == "storage_unchecked"


@pytest.mark.django_db
def test_holds_data_and_mandatory_are_not_editable_in_the_admin_lists(admin_client, site):
    listing = admin_client.get(reverse("admin:refurb_checklistitem_changelist"))
    assert b'name="form-0-mandatory"' not in listing.content
    assert b'name="form-0-is_active"' not in listing.content
    listing = admin_client.get(reverse("admin:refurb_category_changelist"))
    assert b'name="form-0-holds_data"' not in listing.content


@pytest.mark.django_db
def test_a_recycling_shipment_cannot_be_changed_in_the_admin(admin_client, site):
    from inventory.services import shipment_open

    shipment = shipment_open(site=site, recycler="Envie")
    response = admin_client.post(
        reverse("admin:inventory_recyclingshipment_change", args=[shipment.pk]),
        {"recycler": "x", "certificate_ref": "FAKE-1", "shipped_on": "2026-01-01"},
    )
    assert response.status_code == 403
    shipment.refresh_from_db()
    assert shipment.certificate_ref == ""
