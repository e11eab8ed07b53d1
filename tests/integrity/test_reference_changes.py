"""Reference data the rules read changes only through an audited, manager-only service
(issue 15, item 4): ``reference_change`` writes a ``ReferenceChange`` row; the admin uses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refurb.models import AppendOnly, Category, ChecklistItem, Grade, ReferenceChange
from refurb.services import reference_change
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model, lookup, field, value",
    [
        (Category, {"code": "screen"}, "holds_data", True),
        (ChecklistItem, {"category__code": "laptop", "mandatory": True}, "mandatory", False),
        (ChecklistItem, {"category__code": "laptop", "is_active": True}, "is_active", False),
        (Grade, {"code": "B"}, "criteria", "Rayures visibles, tout fonctionne."),
    ],
)
def test_a_manager_changes_reference_data_with_an_audit_row(
    site, make_user, model, lookup, field, value
):
    manager = make_user(roles.MANAGER, username="boss", site=site)
    obj = model.objects.filter(**lookup).first()
    old = getattr(obj, field)
    change = reference_change(obj=obj, field=field, value=value, actor=manager, reason="révision")
    assert getattr(model.objects.get(pk=obj.pk), field) == value
    assert (change.actor, change.site, change.model, change.object_id, change.field) == (
        manager,
        site,
        model._meta.label_lower,
        obj.pk,
        field,
    )
    assert (change.old, change.new, change.reason) == (old, value, "révision")
    assert change.object_repr == str(obj)


@pytest.mark.parametrize("role", [roles.BENCH_WORKER, roles.COACH, roles.SHOP])
def test_no_one_but_a_manager_changes_reference_data(site, make_user, role):
    person = make_user(role, username=f"who-{role}")
    category = Category.objects.get(code="laptop")
    with pytest.raises(DomainError) as caught:
        reference_change(obj=category, field="holds_data", value=False, actor=person)
    assert (caught.value.code, caught.value.status) == ("role_forbidden", 403)
    assert Category.objects.get(pk=category.pk).holds_data is True
    assert not ReferenceChange.objects.exists()


def test_a_field_the_service_does_not_own_is_refused(site, manager):
    with pytest.raises(DomainError) as caught:
        reference_change(obj=Grade.objects.get(code="A"), field="code", value="Z", actor=manager)
    assert caught.value.code == "invalid"
    assert Grade.objects.filter(code="A").exists()


def test_an_unchanged_value_writes_no_audit_row(site, manager):
    category = Category.objects.get(code="laptop")
    assert reference_change(obj=category, field="holds_data", value=True, actor=manager) is None
    assert not ReferenceChange.objects.exists()


def test_the_audit_is_append_only(site, manager):
    change = reference_change(
        obj=Category.objects.get(code="screen"), field="holds_data", value=True, actor=manager
    )
    with pytest.raises(AppendOnly):
        change.save()
    with pytest.raises(AppendOnly):
        ReferenceChange.objects.all().delete()
    with pytest.raises(AppendOnly):
        ReferenceChange.objects.update(new=False)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    return client


def test_the_admin_saves_holds_data_through_the_audited_service(admin_client, site):
    category = Category.objects.get(code="screen")
    url = reverse("admin:refurb_category_change", args=[category.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data.update({"holds_data": "on", "name": "Écran plat"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content
    stored = Category.objects.get(pk=category.pk)
    assert (stored.holds_data, stored.name) == (True, "Écran plat")
    change = ReferenceChange.objects.get()
    assert (change.field, change.old, change.new, change.actor.username) == (
        "holds_data",
        False,
        True,
        "root",
    )
