"""The system installed on a device (issue 22, part 3): images as reference data, the service
and its refusals, the licence stock (never a key twice) and the guard before the sale."""

from __future__ import annotations

import pytest

from demo.walks import Crew, device_advance, device_pass_checklist
from refurb import services
from refurb.models import (
    DeviceEvent,
    LicenceKey,
    ReferenceChange,
    SystemImage,
    SystemInstallation,
)
from refurb.selectors import installed_systems, licence_stock
from refurb.states import State
from tests import factories
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(site, bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


@pytest.fixture
def tested(site, crew):
    """A laptop walked to ``tested`` (erased, checklist passed), no system yet."""
    device = factories.make_device(site=site, actor=crew.bench, make="Dell", model="E7240")
    device_advance(device, State.TESTED, crew)
    return device


@pytest.fixture
def windows(db):
    return SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key", order=9
    )


def install(device, crew, image="linuxmint-22", *, passed=True, kind=WK.TEST, **kwargs):
    return services.system_install(
        device=device,
        image=image,
        first_boot_passed=passed,
        actor=kwargs.pop("actor", crew.bench),
        workstation=kwargs.pop("workstation", crew.stations[kind]),
        **kwargs,
    )


def written(device) -> tuple[int, int]:
    return (
        SystemInstallation.objects.filter(device=device).count(),
        DeviceEvent.objects.filter(device=device).count(),
    )


def test_the_free_images_are_seeded_and_computers_need_a_system_screens_do_not():
    assert list(SystemImage.objects.values_list("name", "licence")) == [
        ("Linux Mint", "free"),
        ("Debian", "free"),
        ("Emmabuntüs", "free"),
    ]
    assert factories.category("laptop").needs_system
    assert factories.category("desktop").needs_system
    assert not factories.category("screen").needs_system


def test_a_worker_records_linux_mint_with_its_version_date_person_and_first_boot(tested, crew):
    installation = install(tested, crew)
    assert (installation.name, installation.version) == ("Linux Mint", "22.1")
    assert installation.operator == crew.bench
    assert installation.actor_kind == "person"
    assert installation.first_boot_passed
    assert installation.cycle == tested.test_cycle
    event = DeviceEvent.objects.filter(device=tested).latest("seq")
    assert event.code == "system_installed"
    assert event.actor_kind == "person"
    assert event.payload == {
        "installation": installation.pk,
        "image": "linuxmint-22",
        "system": "Linux Mint 22.1",
        "first_boot_passed": True,
        "cycle": tested.test_cycle,
    }
    assert installed_systems([tested.pk]) == {tested.pk: "Linux Mint 22.1"}


def test_the_bench_agent_with_no_badge_is_named_as_the_installer(tested, crew):
    installation = install(tested, crew, "debian-12", actor=None)
    assert (installation.operator, installation.actor_kind) == (None, "agent")
    assert DeviceEvent.objects.filter(device=tested).latest("seq").actor_kind == "agent"


def test_a_laptop_goes_on_sale_only_with_a_system_whose_first_boot_passed(tested, crew):
    factories.transition(device=tested, to=State.GRADED, actor=crew.bench, payload={"grade": "B"})
    with pytest.raises(DomainError) as caught:
        factories.transition(device=tested, to=State.ON_SALE, actor=crew.shop)
    assert (caught.value.code, caught.value.status) == ("system_missing", 409)
    install(tested, crew, passed=False, kind=WK.GRADING)
    with pytest.raises(DomainError) as caught:
        factories.transition(device=tested, to=State.ON_SALE, actor=crew.shop)
    assert caught.value.code == "first_boot_failed"
    assert "Linux Mint 22.1" in caught.value.message
    install(tested, crew, kind=WK.GRADING)
    factories.transition(device=tested, to=State.ON_SALE, actor=crew.shop)
    tested.refresh_from_db()
    assert tested.state == State.ON_SALE


def test_a_screen_goes_on_sale_with_no_system(site, crew):
    screen = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(screen, State.ON_SALE, crew)
    assert screen.state == State.ON_SALE
    assert not SystemInstallation.objects.filter(device=screen).exists()


def test_a_device_back_from_repair_is_installed_again(tested, crew):
    install(tested, crew)
    factories.transition(device=tested, to=State.IN_REPAIR, actor=crew.bench)
    tested.refresh_from_db()
    assert installed_systems([tested.pk]) == {}
    device_pass_checklist(tested, crew, now=tested.state_changed_at)
    factories.transition(device=tested, to=State.TESTED, actor=crew.bench)
    factories.transition(device=tested, to=State.GRADED, actor=crew.bench, payload={"grade": "A"})
    with pytest.raises(DomainError) as caught:
        factories.transition(device=tested, to=State.ON_SALE, actor=crew.shop)
    assert caught.value.code == "system_missing"


@pytest.mark.parametrize(
    "change,code,status",
    [
        ({"image": "windows-95"}, "image_unknown", 400),
        ({"image": ""}, "image_unknown", 400),
        ({"kind": WK.ERASURE}, "workstation_forbidden", 403),
        ({"workstation": None}, "workstation_required", 403),
        ({"licence_key": "ABCD-EFGH-IJKL"}, "licence_not_needed", 400),
    ],
)
def test_bad_input_is_refused_with_nothing_written(tested, crew, change, code, status):
    before = written(tested)
    kwargs = dict(change)
    image = kwargs.pop("image", "linuxmint-22")
    with pytest.raises(DomainError) as caught:
        install(tested, crew, image, **kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert caught.value.message
    assert written(tested) == before


def test_a_withdrawn_image_is_refused(tested, crew, manager):
    mint = SystemImage.objects.get(code="linuxmint-22")
    services.reference_change(obj=mint, field="is_active", value=False, actor=manager)
    before = written(tested)
    with pytest.raises(DomainError) as caught:
        install(tested, crew)
    assert caught.value.code == "image_inactive"
    assert "Debian" in caught.value.message or "debian-12" in caught.value.message
    assert written(tested) == before


def test_a_device_not_erased_yet_or_on_sale_is_refused(site, crew):
    received = factories.make_device(site=site, actor=crew.bench)
    with pytest.raises(DomainError) as caught:
        install(received, crew)
    assert (caught.value.code, caught.value.status) == ("device_state", 409)
    assert written(received) == (0, 1)
    sold_soon = factories.make_device(site=site, actor=crew.bench)
    device_advance(sold_soon, State.ON_SALE, crew)
    with pytest.raises(DomainError) as caught:
        install(sold_soon, crew)
    assert caught.value.code == "device_state"


def test_a_device_of_another_site_is_refused(tested, crew, make_user):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    stranger = make_user("bench_worker", username="karim", site=other)
    station = factories.WorkstationFactory(site=other, kind=WK.TEST)
    with pytest.raises(DomainError) as caught:
        install(tested, crew, actor=stranger, workstation=station)
    assert (caught.value.code, caught.value.status) == ("other_site", 403)


def test_a_shop_person_may_not_record_a_system(tested, crew):
    with pytest.raises(DomainError) as caught:
        install(tested, crew, actor=crew.shop)
    assert caught.value.code == "role_forbidden"


def test_a_screen_has_no_system_to_install(site, crew):
    screen = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(screen, State.TESTED, crew)
    with pytest.raises(DomainError) as caught:
        install(screen, crew)
    assert caught.value.code == "category_no_system"


# --------------------------------------------------------------------------- licences


def load(site, image, manager, *keys, kind="product_key"):
    return services.licence_keys_load(
        site=site, image=image, keys=list(keys), kind=kind, actor=manager
    )


def test_a_proprietary_image_draws_one_licence_from_the_stock_and_it_is_counted(
    tested, crew, site, manager, windows
):
    load(site, windows, manager, "AAAAA-BBBBB-CCCCC-DDDDD-11111", "AAAAA-BBBBB-CCCCC-DDDDD-22222")
    installation = install(tested, crew, "windows-10-pro")
    assert installation.licence.key == "AAAAA-BBBBB-CCCCC-DDDDD-11111"
    event = DeviceEvent.objects.filter(device=tested).latest("seq")
    assert event.payload["licence"] == "•••••-11111"
    assert "AAAAA" not in str(event.payload)
    [row] = licence_stock(site=site)
    assert (row.image, row.loaded, row.used, row.left) == (windows, 2, 1, 1)


def test_a_licence_key_already_used_is_refused_with_nothing_written(
    tested, crew, site, manager, windows
):
    load(site, windows, manager, "AAAAA-BBBBB-CCCCC-DDDDD-11111")
    install(tested, crew, "windows-10-pro", licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111")
    other = factories.make_device(site=site, actor=crew.bench)
    device_advance(other, State.TESTED, crew)
    before = written(other)
    with pytest.raises(DomainError) as caught:
        install(other, crew, "windows-10-pro", licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111")
    assert (caught.value.code, caught.value.status) == ("licence_used", 409)
    assert "•••••-11111" in caught.value.message
    assert "AAAAA" not in caught.value.message
    assert written(other) == before
    with pytest.raises(DomainError) as caught:
        install(other, crew, "windows-10-pro")
    assert caught.value.code == "licence_out_of_stock"
    assert written(other) == before


def test_a_key_not_in_this_sites_stock_or_of_another_image_is_refused(
    tested, crew, site, manager, windows
):
    office = SystemImage.objects.create(
        code="win11", name="Windows 11", version="24H2", licence="key"
    )
    load(site, office, manager, "ZZZZZ-11111-22222")
    with pytest.raises(DomainError) as caught:
        install(tested, crew, "windows-10-pro", licence_key="NOT-LOADED-12345")
    assert caught.value.code == "licence_unknown"
    with pytest.raises(DomainError) as caught:
        install(tested, crew, "windows-10-pro", licence_key="ZZZZZ-11111-22222")
    assert caught.value.code == "licence_wrong_image"


def test_only_a_manager_loads_licences_and_a_duplicate_batch_loads_nothing(
    site, coach, manager, windows
):
    with pytest.raises(DomainError) as caught:
        load(site, windows, coach, "AAAAA-11111")
    assert caught.value.code == "role_forbidden"
    load(site, windows, manager, "AAAAA-11111")
    with pytest.raises(DomainError) as caught:
        load(site, windows, manager, "BBBBB-22222", "AAAAA-11111")
    assert caught.value.code == "licence_duplicate"
    with pytest.raises(DomainError) as caught:
        load(site, windows, manager, "CCCCC-33333", "CCCCC-33333")
    assert caught.value.code == "licence_duplicate"
    with pytest.raises(DomainError) as caught:
        load(site, windows, manager, "not a key; DROP TABLE")
    assert caught.value.code == "invalid"
    assert list(LicenceKey.objects.values_list("key", flat=True)) == ["AAAAA-11111"]


def test_free_software_takes_no_licence_in_stock(site, manager):
    with pytest.raises(DomainError) as caught:
        load(site, SystemImage.objects.get(code="debian-12"), manager, "AAAAA-11111")
    assert caught.value.code == "licence_not_needed"


def test_a_licence_is_shown_masked(windows, site, manager):
    [licence] = load(site, windows, manager, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
    assert licence.masked == "•••••-EEEEE"
    assert "AAAAA" not in str(licence)


# --------------------------------------------------------------------------- reference data


def test_managers_add_and_change_images_with_an_audit_row(manager, coach):
    image = services.system_image_create(
        code="debian-13", name="Debian", version="13", actor=manager
    )
    change = services.reference_change(obj=image, field="version", value="13.1", actor=manager)
    assert change.field == "version" and (change.old, change.new) == ("13", "13.1")
    assert ReferenceChange.objects.filter(
        model="refurb.systemimage", object_id=image.pk, field="created"
    ).exists()
    with pytest.raises(DomainError) as caught:
        services.system_image_create(code="x", name="X", version="1", actor=coach)
    assert caught.value.code == "role_forbidden"
    with pytest.raises(DomainError) as caught:
        services.reference_change(obj=image, field="is_active", value=False, actor=coach)
    assert caught.value.code == "role_forbidden"


def test_whether_a_category_needs_a_system_is_audited_reference_data(manager):
    screen = factories.category("screen")
    change = services.reference_change(obj=screen, field="needs_system", value=True, actor=manager)
    assert (change.old, change.new) == (False, True)


def test_an_installation_is_append_only(tested, crew):
    from refurb.models import AppendOnly

    installation = install(tested, crew)
    installation.first_boot_passed = False
    with pytest.raises(AppendOnly):
        installation.save()
    with pytest.raises(AppendOnly):
        SystemInstallation.objects.filter(pk=installation.pk).update(first_boot_passed=False)


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    client.force_login(root)
    return client


def test_the_admin_adds_and_withdraws_an_image_through_the_audited_services(admin_client):
    from django.urls import reverse

    response = admin_client.post(
        reverse("admin:refurb_systemimage_add"),
        {"code": "debian-13", "name": "Debian", "version": "13", "licence": "free", "order": 5,
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    image = SystemImage.objects.get(code="debian-13")
    created = ReferenceChange.objects.get(field="created")
    assert (created.object_id, created.new["version"]) == (image.pk, "13")
    url = reverse("admin:refurb_systemimage_change", args=[image.pk])
    response = admin_client.post(
        url, {"name": "Debian", "version": "13", "licence": "free", "order": 5}
    )
    assert response.status_code == 302, response.content
    assert not SystemImage.objects.get(pk=image.pk).is_active
    change = ReferenceChange.objects.get(field="is_active")
    assert (change.old, change.new) == (True, False)


def test_a_failed_first_boot_uses_no_licence_and_the_key_stays_in_stock(
    tested, crew, site, manager, windows
):
    load(site, windows, manager, "AAAAA-BBBBB-CCCCC-DDDDD-11111")
    failed = install(
        tested, crew, "windows-10-pro", passed=False,
        licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111",
    )  # fmt: skip
    assert failed.licence is None and not failed.first_boot_passed
    event = DeviceEvent.objects.filter(device=tested).latest("seq")
    assert event.payload["licence_released"] == "•••••-11111" and "licence" not in event.payload
    [row] = licence_stock(site=site)
    assert (row.loaded, row.used, row.left) == (1, 0, 1)
    # Without a key named, a failed boot draws none either.
    install(tested, crew, "windows-10-pro", passed=False)
    assert licence_stock(site=site)[0].left == 1
    # The installation done again and confirmed uses the key, once.
    confirmed = install(tested, crew, "windows-10-pro", licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111")
    assert confirmed.licence.key == "AAAAA-BBBBB-CCCCC-DDDDD-11111"
    assert licence_stock(site=site)[0].left == 0


def test_a_failed_first_boot_still_refuses_a_key_already_used(tested, crew, site, manager, windows):
    load(site, windows, manager, "AAAAA-BBBBB-CCCCC-DDDDD-11111")
    install(tested, crew, "windows-10-pro", licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111")
    other = factories.make_device(site=site, actor=crew.bench)
    device_advance(other, State.TESTED, crew)
    before = written(other)
    with pytest.raises(DomainError) as caught:
        install(
            other, crew, "windows-10-pro", passed=False,
            licence_key="AAAAA-BBBBB-CCCCC-DDDDD-11111",
        )  # fmt: skip
    assert caught.value.code == "licence_used"
    assert written(other) == before
