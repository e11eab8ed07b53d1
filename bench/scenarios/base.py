"""Define what a benchmark scenario is and the sample data every scenario draws from.

A scenario's ``setup(env)`` returns the callable that makes request number ``i``; it returns
``None`` (with ``skip_reason``) when the feature it measures is not on this branch yet, which
``url_exists`` and ``module_exists`` tell.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import Resolver404, resolve

from refurb.models import Device


@dataclass
class BenchEnv:
    """Data the scenarios draw from: sample devices, a logged-in client, the shop crew."""

    client: Client
    admin: object
    rng: random.Random
    tags: list[str]
    serials: list[str]
    device_ids: list[int]
    sale_devices: list[Device]
    list_filters: list[dict]
    shop_user: object = None
    shop_station: object = None
    api_token: str = ""
    # Sample tags of the API token's site: what is read at a device's own site only (a timeline).
    site_tags: list[str] = field(default_factory=list)
    notes: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    group: str  # scan, list, detail, transition, report, label, stocktake, ingest
    describe: str
    setup: Callable[[BenchEnv], Callable[[int], object] | None]
    target_p95_ms: float | None = None
    raw: str | None = None  # name of the raw-SQL yardstick this scenario compares with
    needs: str = ""  # URL path or module this scenario waits for
    max_samples: int | None = None  # for batch scenarios too slow for the full sample count
    skip_reason: str = ""


def url_exists(path: str) -> bool:
    """Tell whether ``path`` resolves on this branch."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def module_exists(name: str) -> bool:
    """Tell whether module ``name`` imports on this branch."""
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def check_response(response, expected=(200,)):
    """Return ``response``; raise if its status is not one of ``expected``."""
    if response.status_code not in expected:
        raise AssertionError(
            f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} answered "
            f"{response.status_code}: {response.content[:300]!r}"
        )
    return response
