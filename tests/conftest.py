"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging

import pytest

from tests import factories
from workshop import roles
from workshop.models import WorkstationKind


def pytest_collection_modifyitems(config, items):
    """Run the modules holding long tests first, longest first (``@pytest.mark.slow(seconds)``,
    the seconds a test takes on the 2-core machine), the others after in their usual order.

    Under pytest-xdist (``make test`` runs ``-n 2 --dist worksteal``) the long tests then start
    at once on both workers while the short ones fill the gaps, instead of one worker finishing
    a 55-second migration test alone at the end. Each module's tests stay together and in their
    order, so its module-scoped fixtures are set up once."""
    cost: dict[str, float] = {}
    for item in items:
        marker = item.get_closest_marker("slow")
        if marker is not None:
            module = item.nodeid.split("::", 1)[0]
            cost[module] = cost.get(module, 0.0) + float(marker.args[0] if marker.args else 5)
    if cost:
        items.sort(key=lambda item: -cost.get(item.nodeid.split("::", 1)[0], 0.0))


@pytest.fixture(autouse=True, scope="session")
def own_token_stamp(tmp_path_factory):
    """Each test process has its own token-cache stamp file (``workshop.tokencache``): under
    ``-n 2`` the other worker's token and user saves bump a shared ``var/token-stamp`` and
    empty this worker's cache between a scan and the move it pins the queries of."""
    from django.conf import settings

    before = settings.ATELIER_TOKEN_STAMP_FILE
    settings.ATELIER_TOKEN_STAMP_FILE = str(tmp_path_factory.mktemp("tokens") / "token-stamp")
    yield
    settings.ATELIER_TOKEN_STAMP_FILE = before


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the default language: a request in English leaves it active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def immediate_jobs_queue():
    """Every test starts on the suite's queue, immediate: a test that points the queue at a
    worker's engine and fails half-way must not leave the next test's jobs unrun."""
    from workshop import jobs

    if jobs.queue_engine() != "immediate":
        jobs.queue_configure("immediate")
    yield


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd, ``demo/mailbox.py``) the settings point at:
    ``smtp_server.messages`` are the mails it received, ``smtp_server.wait(n)`` waits for n."""
    from demo.mailbox import Mailbox

    # aiosmtpd logs each connection at INFO from its own thread, which can outlive a test's
    # captured stream ("--- Logging error ---" noise in the run): keep its warnings only.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    mailbox = Mailbox("127.0.0.1", 0).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    mailbox.stop()


@pytest.fixture(autouse=True)
def no_verification_sampling(settings):
    """Draw no erased drive for R2v3 sampling unless a test asks (a random draw adds a row)."""
    settings.ATELIER_ERASURE_VERIFICATION_SHARE = 0.0


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Files the jobs make (exports) go to a temporary media folder, never the tree's var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def site(db):
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    factories.site_legal(site)
    return site


@pytest.fixture
def make_user(db):
    def make(*role_codes, **kwargs):
        return factories.UserFactory(roles=list(role_codes), **kwargs)

    return make


@pytest.fixture
def bench_worker(make_user):
    return make_user(roles.BENCH_WORKER, username="bench")


@pytest.fixture
def coach(make_user):
    return make_user(roles.COACH, username="coach")


@pytest.fixture
def shop_staff(make_user):
    return make_user(roles.SHOP, username="shop")


@pytest.fixture
def manager(make_user):
    return make_user(roles.MANAGER, username="manager")


@pytest.fixture
def station(site):
    """Return a workstation of the given kind at the test site (created on first use)."""

    def get(kind: str):
        return factories.WorkstationFactory(site=site, kind=kind, name=f"Poste {kind}")

    cache: dict = {}

    def cached(kind: str = WorkstationKind.INTAKE):
        if kind not in cache:
            cache[kind] = get(kind)
        return cache[kind]

    return cached


@pytest.fixture
def laptop(site, bench_worker):
    return factories.make_device(site=site, actor=bench_worker, make="Dell", model="Latitude E7240")
