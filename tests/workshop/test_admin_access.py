"""The admin is for managers and superusers only, and a manager acts on their own site only.

Regression tests for issue 16, holes 1, 3 and 4: a staff bench worker minted workstation
tokens of any site through the admin action, unlocked badges between PIN guesses, and coaches
or shop staff edited the price grid and read buyers there.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests import factories
from workshop import roles
from workshop.models import WorkerBadge, WorkerProfile, WorkstationKind, WorkstationToken

pytestmark = pytest.mark.django_db


def staff(make_user, role, *, username, site=None):
    user = make_user(role, username=username, is_staff=True)
    if site is not None:
        WorkerProfile.objects.update_or_create(user=user, defaults={"site": site})
    return user


@pytest.fixture
def two_sites(db):
    return factories.SiteFactory(code="LY"), factories.SiteFactory(code="SE")


@pytest.mark.parametrize("role", [roles.BENCH_WORKER, roles.COACH, roles.SHOP])
def test_staff_without_the_manager_role_does_not_get_into_the_admin(make_user, two_sites, role):
    client = Client()
    client.force_login(staff(make_user, role, username="someone", site=two_sites[0]))
    for url in (
        "/admin/",
        reverse("admin:shop_buyer_changelist"),
        reverse("admin:shop_pricerule_changelist"),
        reverse("admin:workshop_workstation_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_a_bench_worker_cannot_mint_a_token_through_the_admin_action(make_user, two_sites):
    lyon, other = two_sites
    target = factories.WorkstationFactory(site=other, kind=WorkstationKind.SHOP)
    client = Client()
    client.force_login(staff(make_user, roles.BENCH_WORKER, username="salome", site=lyon))
    client.post(
        reverse("admin:workshop_workstation_changelist"),
        {"action": "create_token", "_selected_action": [target.pk]},
    )
    assert not WorkstationToken.objects.exists()


def test_a_manager_mints_tokens_for_their_own_site_only(make_user, two_sites):
    lyon, other = two_sites
    own = factories.WorkstationFactory(site=lyon, kind=WorkstationKind.ERASURE)
    foreign = factories.WorkstationFactory(site=other, kind=WorkstationKind.SHOP)
    client = Client()
    client.force_login(staff(make_user, roles.MANAGER, username="nadia", site=lyon))
    changelist = reverse("admin:workshop_workstation_changelist")
    page = client.get(changelist).content.decode()
    assert own.name in page and foreign.name not in page
    client.post(changelist, {"action": "create_token", "_selected_action": [own.pk, foreign.pk]})
    assert list(WorkstationToken.objects.values_list("workstation", flat=True)) == [own.pk]


def test_the_token_service_refuses_a_manager_of_another_site(make_user, two_sites):
    from workshop.exceptions import DomainError
    from workshop.services import workstation_token_create

    lyon, other = two_sites
    manager = staff(make_user, roles.MANAGER, username="nadia", site=lyon)
    with pytest.raises(DomainError) as refused:
        workstation_token_create(
            workstation=factories.WorkstationFactory(site=other), created_by=manager
        )
    assert refused.value.status == 403
    bench = make_user(roles.BENCH_WORKER, username="karim")
    WorkerProfile.objects.update_or_create(user=bench, defaults={"site": lyon})
    with pytest.raises(DomainError):
        workstation_token_create(
            workstation=factories.WorkstationFactory(site=lyon), created_by=bench
        )


def test_a_manager_unlocks_badges_of_their_own_site_only(make_user, two_sites):
    from workshop.exceptions import DomainError
    from workshop.security import badge_unlock

    lyon, other = two_sites
    worker = make_user(roles.BENCH_WORKER, username="far")
    WorkerProfile.objects.update_or_create(user=worker, defaults={"site": other})
    WorkerBadge.objects.create(user=worker, code="B-900", pin_hash="x")
    manager = staff(make_user, roles.MANAGER, username="nadia", site=lyon)
    with pytest.raises(DomainError):
        badge_unlock("B-900", actor=manager)
    network = make_user(roles.MANAGER, username="network")  # a manager with no site
    assert badge_unlock("B-900", actor=network) == 0


def test_every_admin_action_declares_its_permissions():
    undeclared = []
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            function = action if callable(action) else getattr(model_admin, action)
            if not getattr(function, "allowed_permissions", None):
                undeclared.append(f"{model._meta.label}.{getattr(function, '__name__', action)}")
    assert undeclared == []


def test_demo_users_are_staff_only_when_manager(db):
    from demo.management.commands.seed_demo import Command

    users = Command().ensure_users()
    staff_names = sorted(name for name, user in users.items() if user.is_staff)
    assert staff_names == ["admin", "hugo", "nadia"]
