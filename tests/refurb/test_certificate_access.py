"""Certificates are issued and downloaded by managers of the device's site only (issue 16,
hole 9): on main any signed-in role of any site got one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from refurb.certificates.services import certificate_issue
from refurb.models import Certificate
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen_at_other_site(db):
    other = factories.SiteFactory(code="SE")
    worker = factories.UserFactory(roles=[roles.BENCH_WORKER], username="se-bench", site=other)
    return factories.make_device(site=other, category_code="screen", actor=worker)


@pytest.mark.parametrize("role", [roles.BENCH_WORKER, roles.COACH, roles.SHOP])
def test_other_roles_get_no_certificate(make_user, site, role):
    user = make_user(role, username="someone")
    device = factories.make_device(site=site, category_code="screen", actor=user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("refurb:certificate-device", args=[device.asset_tag]))
    assert response.status_code == 403
    with pytest.raises(DomainError):
        certificate_issue(device=device, actor=user)
    assert not Certificate.objects.exists()


def test_a_manager_gets_no_certificate_of_another_site(make_user, site, screen_at_other_site):
    manager = make_user(roles.MANAGER, username="nadia", site=site)
    client = Client()
    client.force_login(manager)
    url = reverse("refurb:certificate-device", args=[screen_at_other_site.asset_tag])
    assert client.get(url).status_code == 403
    assert not Certificate.objects.exists()


def test_a_manager_of_the_site_gets_the_certificate(make_user, site, screen_at_other_site):
    manager = make_user(roles.MANAGER, username="nadia", site=screen_at_other_site.site)
    client = Client()
    client.force_login(manager)
    url = reverse("refurb:certificate-device", args=[screen_at_other_site.asset_tag])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_card_offers_certificates_only_to_those_who_may_download_them(make_user, site):
    """A bench worker was offered links that answer 403 (certificates are for managers)."""
    from django.test import Client
    from django.urls import reverse

    from tests import factories
    from workshop import roles
    from workshop.models import WorkstationKind

    worker = make_user(roles.BENCH_WORKER, username="card-intake", site=site)
    device = factories.make_device(site=site, category_code="laptop", actor=worker)
    station = factories.WorkstationFactory(site=site, kind=WorkstationKind.STOCK, name="Stock")
    link = reverse("refurb:certificate-device", args=[device.asset_tag])
    pages = {}
    for role in (roles.BENCH_WORKER, roles.MANAGER):
        client = Client()
        client.force_login(make_user(role, username=f"card-{role}", site=site))
        client.post(reverse("bench:workstation"), {"workstation": station.pk})
        page = client.get(reverse("bench:device", args=[device.asset_tag]))
        assert page.status_code == 200
        pages[role] = page.content.decode()
    assert link not in pages[roles.BENCH_WORKER]
    assert link in pages[roles.MANAGER]
