"""Measure the Django admin's device pages through the whole stack (``django.test.Client``).

The admin is what exists on every branch: its filtered changelist and change page are the
yardstick the REST API's list and detail scenarios compare with.
"""

from __future__ import annotations

from bench.scenarios.base import BenchEnv, check_response


def admin_list_url(filters: dict) -> str:
    """Return the admin device changelist filtered by state, site and category."""
    return (
        "/admin/refurb/device/?"
        f"state__exact={filters['state']}&site__id__exact={filters['site']}"
        f"&category__id__exact={filters['category']}"
    )


def setup_admin_list(env: BenchEnv):
    def run(i):
        check_response(env.client.get(admin_list_url(env.list_filters[i % len(env.list_filters)])))

    return run


def setup_admin_change(env: BenchEnv):
    def run(i):
        pk = env.device_ids[i % len(env.device_ids)]
        check_response(env.client.get(f"/admin/refurb/device/{pk}/change/"))

    return run
