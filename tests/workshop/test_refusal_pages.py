"""403 and 404 pages are the bench layout, in French, with a way back; never a debug page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_manager_page_refuses_a_bench_worker_in_french_with_a_way_back(client, bench_worker):
    client.force_login(bench_worker)
    response = client.get(reverse("reports:index"))
    if response.status_code != 403:  # reports open to any role: use a manager-only page
        response = client.get(reverse("inventory:stocktake_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr">' in page and "topbar" in page
    assert "Forbidden" not in page
    assert reverse("bench:home") in page


def test_a_mistyped_public_tag_is_a_french_404_even_with_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/d/LY9999999")
    assert response.status_code == 404 and "URLconf" not in response.content.decode()
    response = client.get("/d/LY9999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "URLconf" not in page and "Django" not in page and "Traceback" not in page
    assert '<html lang="fr">' in page
    assert reverse("bench:signin") in page


def test_an_unknown_address_is_a_french_404_in_the_bench_layout(client, bench_worker):
    client.force_login(bench_worker)
    response = client.get("/nowhere-at-all/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "topbar" in page and reverse("bench:home") in page


def test_the_api_keeps_its_error_shape_for_unknown_addresses(client):
    response = client.get("/api/nowhere/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
