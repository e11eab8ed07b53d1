"""Licences under load: benches installing at once never use a key twice (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from demo.walks import Crew, device_advance
from refurb import services
from refurb.models import Device, LicenceKey, SystemImage, SystemInstallation
from refurb.states import State
from tests import factories
from tests.refurb.test_concurrency import run_threads
from workshop.models import WorkstationKind as WK

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are real only on PostgreSQL (SQLite serialises every writer)",
    ),
]


@pytest.fixture
def setup(site, bench_worker, coach, shop_staff, manager, station):
    crew = Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )
    windows = SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key"
    )
    devices = []
    for n in range(6):
        device = factories.make_device(site=site, actor=bench_worker, serial_number=f"W{n}")
        device_advance(device, State.TESTED, crew)
        devices.append(device)
    return crew, windows, devices


def test_six_benches_drawing_from_a_stock_of_four_use_each_licence_once(site, setup):
    crew, windows, devices = setup
    services.licence_keys_load(
        site=site,
        image=windows,
        keys=[f"KEY{n}-AAAAA-BBBBB" for n in range(4)],
        actor=crew.manager,
    )

    def work(index):
        return services.system_install(
            device=Device.objects.get(pk=devices[index].pk),
            image="windows-10-pro",
            first_boot_passed=True,
            actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        ).licence_id

    outcomes = run_threads(6, work)
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 4, outcomes
    assert {value for kind, value in outcomes if kind == "refused"} <= {
        "licence_out_of_stock",
        "licence_used",
    }
    used = [value for kind, value in outcomes if kind == "ok"]
    assert len(set(used)) == 4
    assert SystemInstallation.objects.count() == 4
    assert LicenceKey.objects.filter(installation__isnull=True).count() == 0


def test_six_benches_naming_the_same_key_at_once_make_one_installation(site, setup):
    crew, windows, devices = setup
    services.licence_keys_load(
        site=site, image=windows, keys=["ONLY1-AAAAA-BBBBB"], actor=crew.manager
    )

    def work(index):
        return services.system_install(
            device=Device.objects.get(pk=devices[index].pk),
            image="windows-10-pro",
            first_boot_passed=True,
            licence_key="ONLY1-AAAAA-BBBBB",
            actor=crew.bench,
            workstation=crew.stations[WK.TEST],
        ).pk

    outcomes = run_threads(6, work)
    assert [kind for kind, _ in outcomes].count("ok") == 1, outcomes
    assert {value for kind, value in outcomes if kind == "refused"} == {"licence_used"}
    assert SystemInstallation.objects.count() == 1
    # Every refused bench wrote nothing: one installation event in all.
    assert sum(d.events.filter(code="system_installed").count() for d in devices) == 1


def test_the_database_refuses_a_second_installation_of_one_licence(site, setup):
    from django.db import IntegrityError, transaction

    crew, windows, devices = setup
    [licence] = services.licence_keys_load(
        site=site, image=windows, keys=["DBKEY-AAAAA-BBBBB"], actor=crew.manager
    )
    services.system_install(
        device=devices[0],
        image=windows,
        first_boot_passed=True,
        actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )
    first = SystemInstallation.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SystemInstallation.objects.create(
            device=devices[1],
            image=windows,
            name=first.name,
            version=first.version,
            installed_at=first.installed_at,
            first_boot_passed=True,
            licence=licence,
            actor_kind="person",
        )
