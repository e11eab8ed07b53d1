"""A site's manager reads and changes the admin's device rows of their own site only.

Every registered model whose rows belong to a site is scoped in the admin
(``workshop.admin.SiteScopedAdminMixin``): its changelist lists the manager's own site's rows
and the change page of another site's row answers as for a row that does not exist.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests import factories
from workshop import roles
from workshop.models import WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(db):
    return factories.SiteFactory(code="LY"), factories.SiteFactory(code="SE")


def _manager_of(site, make_user, username="karim"):
    """A manager (staff) of ``site``."""
    manager = make_user(roles.MANAGER, username=username, is_staff=True)
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    return manager


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_site_manager_sees_and_opens_the_devices_of_their_own_site_only(make_user, two_sites):
    lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    own = factories.make_device(site=seine)
    other = factories.make_device(site=lyon)
    client = _signed_in(manager)
    listing = client.get("/admin/refurb/device/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert own.asset_tag in body and other.asset_tag not in body
    assert client.get(f"/admin/refurb/device/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/refurb/device/{other.pk}/change/").status_code == 302


def test_a_site_manager_cannot_make_anyone_a_superuser_through_the_user_admin(make_user, two_sites):
    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    client = _signed_in(manager)
    page = client.get(f"/admin/auth/user/{manager.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        username="karim", first_name="Karim", is_superuser="on", is_staff="on",
        is_active="on", date_joined_0="2026-01-01", date_joined_1="10:00:00",
        groups=[str(g.pk) for g in manager.groups.all()],
    )  # fmt: skip
    answer = client.post(f"/admin/auth/user/{manager.pk}/change/", data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    manager.refresh_from_db()
    assert (manager.first_name, manager.is_superuser) == ("Karim", False)
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields


def test_a_site_manager_lists_the_accounts_of_their_site_never_a_superuser(make_user, two_sites):
    lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    colleague = make_user(roles.BENCH_WORKER, username="salome")
    WorkerProfile.objects.update_or_create(user=colleague, defaults={"site": seine})
    elsewhere = make_user(roles.BENCH_WORKER, username="lucas")
    WorkerProfile.objects.update_or_create(user=elsewhere, defaults={"site": lyon})
    root = make_user(username="root", is_staff=True, is_superuser=True)
    WorkerProfile.objects.update_or_create(user=root, defaults={"site": seine})
    client = _signed_in(manager)
    listed = {u.username for u in client.get("/admin/auth/user/").context["cl"].result_list}
    assert listed == {"karim", "salome"}
    for other in (elsewhere, root):
        assert client.get(f"/admin/auth/user/{other.pk}/change/").status_code == 302
        assert client.get(f"/admin/auth/user/{other.pk}/password/").status_code == 404


def test_an_account_a_site_manager_adds_works_at_their_site(make_user, two_sites):
    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    client = _signed_in(manager)
    password = "Un-mot-de-passe-solide-2026"
    answer = client.post(
        "/admin/auth/user/add/",
        {"username": "nouveau", "password1": password, "password2": password,
         "usable_password": "true"},
    )  # fmt: skip
    assert answer.status_code == 302
    added = WorkerProfile.objects.get(user__username="nouveau")
    assert added.site == seine and added.user.is_superuser is False
    # ...and the page the admin sends the manager to next opens.
    assert client.get(answer["Location"]).status_code == 200


def test_a_site_manager_offers_only_their_own_site_in_a_form(make_user, two_sites):
    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    client = _signed_in(manager)
    form = client.get("/admin/inventory/location/add/").context["adminform"].form
    assert list(form.fields["site"].queryset) == [seine]


def _paths_to_site(model, depth=4, prefix="", seen=()):
    from workshop.models import Site

    found = []
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        related = field.related_model
        if related is Site:
            found.append(prefix + field.name)
        elif depth > 1 and related not in seen and related._meta.app_label != "auth":
            found += _paths_to_site(related, depth - 1, f"{prefix}{field.name}__", (*seen, model))
    return found


# Admins that scope their rows themselves, through the service layer's visibility rule.
OWN_SCOPE = {
    "inventory.Donor": "donors_visible_to",
    "reports.DonorReport": "user_site_ids",
    "shop.Buyer": "buyers_visible_to",
    "shop.Sale": "sales_visible_to",
}


def test_every_registered_model_of_a_site_is_scoped_in_the_admin():
    """A model whose rows reach a site through its keys is scoped, by a path that exists."""
    import inspect

    from django.contrib import admin

    from workshop.admin import SiteScopedAdminMixin

    unscoped = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        paths = _paths_to_site(model)
        if not paths:
            continue
        if label in OWN_SCOPE:
            source = inspect.getsource(type(model_admin).get_queryset)
            assert OWN_SCOPE[label] in source, label
            continue
        if not isinstance(model_admin, SiteScopedAdminMixin):
            unscoped.append(label)
            continue
        lookups = model_admin.site_lookup
        for lookup in (lookups,) if isinstance(lookups, str) else lookups:
            assert lookup in paths, (label, lookup, paths)
            model.objects.filter(**{f"{lookup}__in": [1]}).exists()  # resolves in SQL
    assert unscoped == []


def test_a_network_manager_filters_by_every_site_a_site_manager_by_theirs(make_user, two_sites, rf):
    from django.contrib import admin

    from refurb.models import Device
    from workshop.admin import OwnSitesListFilter

    lyon, seine = two_sites
    network = make_user(roles.MANAGER, username="nadia", is_staff=True)
    manager = _manager_of(seine, make_user)
    factories.SiteFactory(code="GR")
    device_admin = admin.site._registry[Device]
    field = Device._meta.get_field("site")
    offered = {}
    for user in (network, manager):
        request = rf.get("/admin/refurb/device/")
        request.user = user
        assert ("site", OwnSitesListFilter) in device_admin.get_list_filter(request)
        spec = OwnSitesListFilter(field, request, {}, Device, device_admin, field_path="site")
        offered[user.username] = {pk for pk, _label in spec.lookup_choices}
    assert len(offered["nadia"]) == 3
    assert offered["karim"] == {seine.pk}
    # With one site to offer, Django leaves the filter out of the page.
    client = _signed_in(manager)
    specs = client.get("/admin/refurb/device/").context["cl"].filter_specs
    assert [spec for spec in specs if spec.field_path == "site"] == []


def test_an_add_in_the_admin_submitted_twice_adds_once(make_user, two_sites):
    """A double click on « Enregistrer » (the same form posted twice) adds one location."""
    import re

    from inventory.models import Location

    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    client = _signed_in(manager)
    page = client.get("/admin/inventory/location/add/").content.decode()
    [token] = re.findall(r'name="form_token" value="([^"]+)"', page)
    data = {"form_token": token, "site": seine.pk, "name": "Étagère B2", "kind": "shelf",
            "is_active": "on", "_save": "Enregistrer"}  # fmt: skip
    first = client.post("/admin/inventory/location/add/", data)
    second = client.post("/admin/inventory/location/add/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Location.objects.filter(name="Étagère B2").count() == 1


def test_the_form_of_a_lists_actions_carries_a_one_time_token(make_user, two_sites):
    """The actions' form of a list holds the token (replayed as the add form above is)."""
    import re

    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    client = _signed_in(manager)
    page = client.get("/admin/auth/user/").content.decode()
    assert len(re.findall(r'name="form_token"', page)) == 1


def test_no_manager_deletes_a_device_in_the_admin(make_user, two_sites):
    _lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    device = factories.make_device(site=seine)
    client = _signed_in(manager)
    page = client.get(f"/admin/refurb/device/{device.pk}/change/").content.decode()
    assert f"/admin/refurb/device/{device.pk}/delete/" not in page
    assert (
        client.post(f"/admin/refurb/device/{device.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert type(device).objects.filter(pk=device.pk).exists()


def test_a_site_manager_chooses_only_their_own_sites_rows_in_a_form(make_user, two_sites):
    """The device form offers the locations and collections of the manager's site only, and a
    forged choice of another site's location is refused as a form error."""
    from inventory.services import collection_create, location_create

    lyon, seine = two_sites
    manager = _manager_of(seine, make_user)
    donor = factories.DonorFactory()
    shelves = {site: location_create(site=site, name=f"Étagère {site.code}") for site in two_sites}
    batches = {
        site: collection_create(
            donor=donor, site=site, received_on=datetime.date(2026, 12, 1), declared_count=1
        )
        for site in two_sites
    }
    client = _signed_in(manager)
    form = client.get("/admin/refurb/device/add/").context["adminform"].form
    assert list(form.fields["location"].queryset) == [shelves[seine]]
    assert list(form.fields["collection"].queryset) == [batches[seine]]
    assert list(form.fields["site"].queryset) == [seine]
    forged = type(form)(
        data={
            "site": seine.pk,
            "category": factories.category("laptop").pk,
            "location": shelves[lyon].pk,
            "specs": "{}",
        }
    )
    assert not forged.is_valid() and "location" in forged.errors
    # A network manager (no site of their own) is offered every site's rows.
    network = make_user(roles.MANAGER, username="nadia", is_staff=True, is_superuser=True)
    form = _signed_in(network).get("/admin/refurb/device/add/").context["adminform"].form
    assert set(form.fields["location"].queryset) == set(shelves.values())
