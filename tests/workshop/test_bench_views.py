"""Bench screens: sign-in, workstation, scan, and each bench calling the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from demo.walks import device_advance, device_make_safe
from inventory import services as inventory_services
from inventory.models import Collection, Donor
from refurb import services as refurb_services
from refurb.models import ChecklistItem, Device, DeviceEvent, Drive
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create
from workshop.views.common import WORKSTATION_COOKIE

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "bench-main"}


def messages_of(response):
    return [(m.level_tag, m.extra_tags, m.message) for m in response.context["messages"]]


# Signing in and choosing the workstation


def test_root_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("bench:signin")


def test_root_asks_a_signed_in_worker_to_choose_the_workstation(client, bench_worker):
    client.force_login(bench_worker)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("bench:workstation"))


@pytest.mark.parametrize(
    "kind, name",
    [
        (WK.INTAKE, "bench:intake"),
        (WK.ERASURE, "bench:erasure"),
        (WK.TEST, "bench:test"),
        (WK.GRADING, "bench:grading"),
        (WK.STOCK, "bench:lookup"),
    ],
)
def test_root_sends_a_worker_to_the_bench_of_their_workstation(at_bench, bench_worker, kind, name):
    client = at_bench(bench_worker, kind)
    response = client.get("/")
    assert response.url == reverse(name)
    assert client.get(response.url).status_code == 200


def test_root_sends_shop_staff_at_a_shop_workstation_to_the_counter(at_bench, shop_staff, site):
    from workshop.models import WorkerProfile

    WorkerProfile.objects.update_or_create(
        user=shop_staff, defaults={"site": site}
    )  # counters of their own site only
    client = at_bench(shop_staff, WK.SHOP)
    response = client.get("/")
    assert response.url == reverse("shop:counter")
    assert client.get(response.url).status_code == 200


def test_admin_still_answers(client):
    assert client.get("/admin/login/").status_code == 200


def test_badge_and_pin_sign_a_worker_in(client, bench_worker):
    badge_create(user=bench_worker, code="B-100", pin="2580")
    response = client.post(
        reverse("bench:signin"), {"method": "badge", "badge-badge": "b-100", "badge-pin": "2580"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bench_worker.pk)


def test_a_badge_scanned_without_pin_asks_for_the_pin(client, bench_worker):
    badge_create(user=bench_worker, code="B-101", pin="2580")
    response = client.post(
        reverse("bench:signin"), {"method": "badge", "badge-badge": "B-101", "badge-pin": ""}
    )
    assert response.status_code == 200
    assert response.context["focus_pin"] is True
    assert "_auth_user_id" not in client.session


def test_a_wrong_pin_is_refused_on_screen(client, bench_worker):
    badge_create(user=bench_worker, code="B-102", pin="2580")
    response = client.post(
        reverse("bench:signin"),
        {"method": "badge", "badge-badge": "B-102", "badge-pin": "0000"},
        **EN,
    )
    assert response.status_code == 200
    assert messages_of(response)[0][0] == "error"
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_user_name_and_password_sign_in(client, bench_worker):
    response = client.post(
        reverse("bench:signin"),
        {"method": "password", "pw-username": "bench", "pw-password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bench_worker.pk)


def test_sign_in_follows_a_local_next_but_not_a_foreign_one(client, bench_worker):
    data = {"method": "password", "pw-username": "bench", "pw-password": "correct-horse-battery"}
    response = client.post(reverse("bench:signin"), {**data, "next": "/coach/"})
    assert response.url == "/coach/"
    client.logout()
    response = client.post(reverse("bench:signin"), {**data, "next": "https://evil.example/"})
    assert response.url == reverse("bench:home")


def test_the_workstation_cookie_is_signed(at_bench, client, bench_worker, station):
    at_bench(bench_worker, WK.ERASURE)
    assert client.get("/").url == reverse("bench:erasure")
    client.cookies[WORKSTATION_COOKIE] = str(station(WK.TEST).pk)
    assert client.get("/").url.startswith(reverse("bench:workstation"))


def test_bench_pages_need_a_signed_in_user(client):
    response = client.get(reverse("bench:erasure"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("bench:signin"))


def test_sign_out_needs_post_and_signs_out(client, bench_worker):
    client.force_login(bench_worker)
    assert client.get(reverse("bench:signout")).status_code == 405
    client.post(reverse("bench:signout"))
    assert "_auth_user_id" not in client.session


def test_language_switch_serves_english(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(reverse("set_language"), {"language": "en", "next": "/intake/"})
    response = client.get(reverse("bench:intake"))
    assert b'<html lang="en">' in response.content


# Scanning


def test_scanning_a_device_tag_opens_it_at_this_bench(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(reverse("bench:scan"), {"code": laptop.asset_tag.lower()})
    assert response.url == reverse("bench:erasure-device", args=[laptop.asset_tag])


def test_scanning_a_serial_number_opens_its_device(at_bench, bench_worker, site):
    device = factories.make_device(site=site, actor=bench_worker, serial_number="SN-777-XYZ")
    client = at_bench(bench_worker, WK.TEST)
    response = client.post(reverse("bench:scan"), {"code": "SN-777-XYZ"})
    assert response.url == reverse("bench:test-device", args=[device.asset_tag])


def test_a_mistyped_tag_is_refused_with_an_alert_and_nothing_changes(
    at_bench, bench_worker, laptop
):
    client = at_bench(bench_worker, WK.ERASURE)
    typo = laptop.asset_tag[:-1] + ("A" if laptop.asset_tag[-1] != "A" else "B")
    response = client.post(
        reverse("bench:scan"), {"code": typo, "next": "/erasure/"}, follow=True, **EN
    )
    assert response.status_code == 200
    level, code, text = messages_of(response)[0]
    assert (level, code) == ("error", "tag_check_failed")
    assert "mistyped" in text
    assert b'role="alert"' in response.content
    assert b'data-code="tag_check_failed"' in response.content


def test_an_unknown_code_and_an_empty_scan_are_messages_not_errors(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.ERASURE)
    for code, expected in [("nothing-like-this", "scan_unknown"), ("", "scan_empty")]:
        response = client.post(reverse("bench:scan"), {"code": code}, follow=True)
        assert response.status_code == 200
        assert messages_of(response)[0][1] == expected


def test_scanning_a_location_moves_the_open_device_there(at_bench, bench_worker, laptop, site):
    shelf = inventory_services.location_create(site=site, name="Étagère B1")
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(reverse("bench:scan"), {"code": shelf.tag, "device": laptop.asset_tag})
    assert response.url == reverse("bench:erasure-device", args=[laptop.asset_tag])
    laptop.refresh_from_db()
    assert laptop.location == shelf
    assert laptop.events.filter(code=DeviceEvent.Code.MOVED).count() == 1


def test_scanning_a_location_with_no_open_device_asks_for_a_device(at_bench, bench_worker, site):
    shelf = inventory_services.location_create(site=site, name="Étagère B2")
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(reverse("bench:scan"), {"code": shelf.tag}, follow=True)
    assert messages_of(response)[0][1] == "scan_location_first"


def test_scanning_a_collection_at_intake_opens_it(at_bench, bench_worker, site):
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(reverse("bench:scan"), {"code": collection.tag})
    response = client.get(reverse("bench:intake"))
    assert response.context["collection"] == collection


def test_a_scan_through_htmx_loads_the_next_partial(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(reverse("bench:scan"), {"code": laptop.asset_tag}, **HTMX)
    assert response.status_code == 200
    assert '"target": "#bench-main"' in response["HX-Location"]
    assert reverse("bench:erasure-device", args=[laptop.asset_tag]) in response["HX-Location"]


def test_htmx_gets_only_the_main_region_and_a_browser_the_whole_page(
    at_bench, bench_worker, laptop
):
    client = at_bench(bench_worker, WK.ERASURE)
    url = reverse("bench:erasure-device", args=[laptop.asset_tag])
    partial = client.get(url, **HTMX).content
    page = client.get(url).content
    assert b"<html" not in partial and b'id="scan-code"' in partial
    assert b"<html" in page and b'id="bench-main"' in page


# Intake


def test_intake_opens_a_new_collection_for_a_new_donor(at_bench, bench_worker, site):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.post(
        reverse("bench:collection-create"),
        {"donor_name": "Mme Petit", "donor_kind": Donor.Kind.PERSON, "gross_weight_kg": "12.5"},
    )
    assert response.status_code == 302
    collection = Collection.objects.get()
    assert (collection.donor.name, collection.gross_weight_kg) == ("Mme Petit", Decimal("12.5"))
    assert client.session["intake_collection"] == collection.pk


def test_intake_refuses_a_collection_without_donor_and_writes_nothing(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.post(reverse("bench:collection-create"), {"gross_weight_kg": "3"})
    assert response.status_code == 200
    assert messages_of(response)[0][0] == "error"
    assert not Collection.objects.exists() and not Donor.objects.exists()


def test_intake_refuses_a_new_donor_with_a_bad_siret_shape_without_half_writing(
    at_bench, bench_worker
):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.post(
        reverse("bench:collection-create"),
        {"donor_name": "  ", "donor_kind": Donor.Kind.COMPANY, "gross_weight_kg": "-1"},
    )
    assert response.status_code == 200
    assert not Donor.objects.exists()


def test_intake_registers_a_device_into_the_open_collection_and_shows_its_tag(
    at_bench, bench_worker, site
):
    collection = inventory_services.collection_create(donor=factories.DonorFactory(), site=site)
    client = at_bench(bench_worker, WK.INTAKE)
    client.post(reverse("bench:collection-open"), {"collection": collection.pk})
    response = client.post(
        reverse("bench:device-register"),
        {
            "category": factories.category("laptop").pk,
            "make": "Lenovo",
            "model": "ThinkPad T470",
            "serial_number": "PF0ABCDE",
            "weight_kg": "1.6",
        },
        follow=True,
    )
    device = Device.objects.get()
    assert device.collection == collection
    assert device.serial_number == "PF0ABCDE"
    assert response.redirect_chain[-1][0] == reverse("bench:intake-device", args=[device.asset_tag])
    assert f"data-new-tag>{device.asset_tag}<".encode() in response.content


def test_intake_suggests_makes_and_models_typed_before(at_bench, bench_worker, site):
    factories.make_device(site=site, actor=bench_worker, make="Fujitsu", model="Lifebook E544")
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.get(reverse("bench:intake"))
    assert b'<option value="Fujitsu">' in response.content
    assert b'<option value="Lifebook E544">' in response.content


def test_intake_refuses_a_negative_weight_on_screen(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.post(
        reverse("bench:device-register"),
        {"category": factories.category("laptop").pk, "weight_kg": "-2"},
    )
    assert response.status_code == 200
    assert messages_of(response)[0][0] == "error"
    assert not Device.objects.exists()


def test_the_new_tag_screen_offers_to_reprint_the_label(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.INTAKE)
    response = client.get(reverse("bench:intake-device", args=[laptop.asset_tag]))
    assert b"data-label-hook" in response.content
    assert reverse("labels:device-tag", args=[laptop.asset_tag]).encode() in response.content


# Erasure


def test_erasure_bench_records_a_drive_and_its_verified_erasure(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    client.post(
        reverse("bench:drive-add", args=[laptop.asset_tag]),
        {"kind": Drive.Kind.SSD, "serial_number": "S3Z9NB0K", "capacity_gb": "256"},
    )
    drive = laptop.drives.get()
    assert drive.capacity_bytes == 256 * 10**9
    client.post(
        reverse("bench:drive-erasure", args=[drive.tag]),
        {
            "method": "purge",
            "tool": "nvme-cli",
            "passes": "1",
            "finished": "yes",
            "verification": "yes",
        },
    )
    drive.refresh_from_db()
    assert drive.status == Drive.Status.ERASED
    response = client.get(reverse("bench:erasure-device", args=[laptop.asset_tag]))
    assert response.context["safety"].safe
    assert [m["target"] for m in response.context["open_moves"]] == [State.WIPED]


def test_erasure_bench_records_a_destruction(at_bench, bench_worker, laptop, crew):
    drive = refurb_services.drive_add(device=laptop, actor=bench_worker)
    client = at_bench(bench_worker, WK.ERASURE)
    client.post(
        reverse("bench:drive-destruction", args=[drive.tag]),
        {"method": "shredding", "witness": "Claire Martin"},
    )
    drive.refresh_from_db()
    assert drive.status == Drive.Status.DESTROYED


def test_erasure_bench_confirms_no_storage_then_offers_wiped_once_a_coach_signs_off(
    at_bench, bench_worker, coach, laptop
):
    client = at_bench(bench_worker, WK.ERASURE)
    url = reverse("bench:erasure-device", args=[laptop.asset_tag])
    before = client.get(url)
    assert [m["target"] for m in before.context["blocked_moves"]] == [State.WIPED]
    client.post(reverse("bench:no-storage", args=[laptop.asset_tag]), {"confirm": "1"})
    waiting = client.get(url)
    assert [m["target"] for m in waiting.context["blocked_moves"]] == [State.WIPED]
    assert waiting.context["next_step"]["target"] == "sign_off"
    assert not waiting.context["next_step"]["sign_off"], "a bench worker is offered no button"
    refurb_services.device_sign_off_no_storage(device=laptop, actor=coach)
    after = client.get(url)
    assert [m["target"] for m in after.context["open_moves"]] == [State.WIPED]


def test_a_refused_transition_is_a_message_and_changes_nothing(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(
        reverse("bench:transition", args=[laptop.asset_tag]), {"to": "wiped"}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response)[0][:2] == ("error", "storage_unchecked")
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED


def test_an_unknown_target_state_is_a_message(at_bench, bench_worker, laptop):
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(
        reverse("bench:transition", args=[laptop.asset_tag]), {"to": "flying"}, follow=True
    )
    assert messages_of(response)[0][1] == "unknown_state"


def test_a_transition_posted_to_an_unknown_device_is_404(at_bench, bench_worker):
    client = at_bench(bench_worker, WK.ERASURE)
    response = client.post(reverse("bench:transition", args=["LY0000000"]), {"to": "wiped"})
    assert response.status_code == 404


def test_the_transition_view_moves_a_safe_device_to_wiped(at_bench, bench_worker, laptop, crew):
    device_make_safe(laptop, crew, now=laptop.received_at)
    client = at_bench(bench_worker, WK.ERASURE)
    client.post(reverse("bench:transition", args=[laptop.asset_tag]), {"to": "wiped"})
    laptop.refresh_from_db()
    assert laptop.state == State.WIPED
    event = laptop.events.get(code=DeviceEvent.Code.TRANSITION)
    assert event.actor == bench_worker and event.workstation.kind == WK.ERASURE


# Test bench


def test_test_bench_records_pass_and_fail(at_bench, bench_worker, laptop, crew):
    device_advance(laptop, State.WIPED, crew)
    item = ChecklistItem.objects.get(category=laptop.category, code="screen")
    client = at_bench(bench_worker, WK.TEST)
    url = reverse("bench:test-result", args=[laptop.asset_tag, item.pk])
    client.post(url, {"passed": "0", "note": "pixel mort en haut à gauche"})
    response = client.get(reverse("bench:test-device", args=[laptop.asset_tag]))
    assert [line.item.code for line in response.context["mandatory_failed"]] == ["screen"]
    assert [m["target"] for m in response.context["open_moves"]] == [State.IN_REPAIR]
    client.post(url, {"passed": "1"})
    response = client.get(reverse("bench:test-device", args=[laptop.asset_tag]))
    assert response.context["mandatory_failed"] == []


def test_test_bench_offers_tested_once_every_mandatory_check_passed(
    at_bench, bench_worker, laptop, crew
):
    device_advance(laptop, State.WIPED, crew)
    client = at_bench(bench_worker, WK.TEST)
    for item in factories.mandatory_items(laptop):
        client.post(reverse("bench:test-result", args=[laptop.asset_tag, item.pk]), {"passed": "1"})
    response = client.get(reverse("bench:test-device", args=[laptop.asset_tag]))
    assert response.context["all_mandatory_passed"]
    assert State.TESTED in [m["target"] for m in response.context["open_moves"]]


def test_parts_and_recycling_are_offered_to_a_coach_only(
    at_bench, bench_worker, coach, laptop, crew
):
    device_advance(laptop, State.IN_REPAIR, crew)
    url = reverse("bench:test-device", args=[laptop.asset_tag])
    worker_moves = {m["target"] for m in at_bench(bench_worker, WK.TEST).get(url).context["moves"]}
    coach_moves = {m["target"] for m in at_bench(coach, WK.TEST).get(url).context["moves"]}
    assert State.HARVESTED not in worker_moves and State.RECYCLED not in worker_moves
    assert {State.HARVESTED, State.RECYCLED} <= coach_moves


def test_a_bench_worker_posting_a_coach_move_gets_a_message(at_bench, bench_worker, laptop, crew):
    device_advance(laptop, State.IN_REPAIR, crew)
    client = at_bench(bench_worker, WK.TEST)
    response = client.post(
        reverse("bench:transition", args=[laptop.asset_tag]), {"to": "recycled"}, follow=True
    )
    assert messages_of(response)[0][1] == "role_forbidden"
    laptop.refresh_from_db()
    assert laptop.state == State.IN_REPAIR


# Grading


def test_grading_bench_grades_with_the_chosen_grade(at_bench, bench_worker, laptop, crew):
    device_advance(laptop, State.TESTED, crew)
    client = at_bench(bench_worker, WK.GRADING)
    page = client.get(reverse("bench:grading-device", args=[laptop.asset_tag]))
    assert page.context["can_grade"]
    assert escape(_french(factories.grade("A").criteria)).encode() in page.content
    client.post(
        reverse("bench:transition", args=[laptop.asset_tag]), {"to": "graded", "grade": "C"}
    )
    laptop.refresh_from_db()
    assert (laptop.state, laptop.grade.code) == (State.GRADED, "C")


def test_grading_bench_offers_on_sale_to_a_coach(at_bench, coach, laptop, crew):
    device_advance(laptop, State.GRADED, crew)
    client = at_bench(coach, WK.GRADING)
    page = client.get(reverse("bench:grading-device", args=[laptop.asset_tag]))
    assert page.context["can_sell"]
    client.post(reverse("bench:transition", args=[laptop.asset_tag]), {"to": "on_sale"})
    laptop.refresh_from_db()
    assert laptop.state == State.ON_SALE


# Device card and coach view


def test_device_card_shows_the_whole_timeline_in_order(at_bench, bench_worker, laptop, crew):
    device_advance(laptop, State.GRADED, crew)
    client = at_bench(bench_worker, WK.STOCK)
    response = client.get(reverse("bench:device", args=[laptop.asset_tag]))
    seqs = [event.seq for event in response.context["timeline"]]
    assert seqs == sorted(seqs) and len(seqs) == laptop.events.count()
    assert b"Poste grading" in response.content


def test_a_move_that_needs_a_reason_shows_a_reason_field(at_bench, manager, laptop):
    client = at_bench(manager, WK.STOCK)
    response = client.get(reverse("bench:device", args=[laptop.asset_tag]))
    assert b'id="reason-written_off"' in response.content


def test_coach_view_is_refused_to_a_bench_worker(at_bench, bench_worker):
    response = at_bench(bench_worker, WK.TEST).get(reverse("bench:coach"))
    assert response.status_code == 403


def test_coach_view_counts_todays_events_per_workstation_and_worker(
    at_bench, coach, bench_worker, laptop, crew
):
    # One second apart, not the walk's default six hours: after 18:00 in Paris those would fall on
    # tomorrow and the count of today's events failed every evening.
    device_advance(laptop, State.WIPED, crew, now=laptop.received_at, step=timedelta(seconds=1))
    response = at_bench(coach, WK.TEST).get(reverse("bench:coach"))
    activity = response.context["activity"]
    assert activity.total == laptop.events.count()
    workers = {row["actor__username"]: row["events"] for row in activity.by_worker}
    # The walk's bench worker declared "no storage", its coach signed it off (one event).
    assert workers == {"bench": laptop.events.count() - 1, "coach": 1}


@pytest.mark.parametrize("days, stuck", [("7", 0), ("0", 1), ("abc", 0)])
def test_coach_view_lists_devices_stuck_longer_than_n_days(at_bench, coach, laptop, days, stuck):
    response = at_bench(coach, WK.TEST).get(reverse("bench:coach"), {"days": days})
    assert len(response.context["stuck"]) == stuck


def test_a_user_without_any_role_cannot_use_the_benches(client, make_user, station):
    client.force_login(make_user(username="visitor"))
    client.post(reverse("bench:workstation"), {"workstation": station(WK.INTAKE).pk})
    assert client.get(reverse("bench:intake")).status_code == 403
    response = client.post(
        reverse("bench:device-register"), {"category": factories.category("laptop").pk}
    )
    assert response.status_code == 403
    assert not Device.objects.exists()


def test_the_workstation_picker_offers_the_office_to_managers_only(
    client, bench_worker, manager, station
):
    station(WK.INTAKE), station(WK.OFFICE)
    station_names = {}
    for person in (bench_worker, manager):
        client.force_login(person)
        page = client.get(reverse("bench:workstation"))
        station_names[person] = {ws.kind for ws in page.context["workstations"]}
    assert WK.OFFICE not in station_names[bench_worker]
    assert WK.INTAKE in station_names[bench_worker]
    assert WK.OFFICE in station_names[manager]


def test_a_bench_worker_cannot_choose_the_office_by_posting_its_number(
    client, bench_worker, station
):
    client.force_login(bench_worker)
    response = client.post(
        reverse("bench:workstation"), {"workstation": station(WK.OFFICE).pk}, follow=True, **EN
    )
    assert ("error", "", "Choose a workstation in the list.") in [
        (level, tags, str(text)) for level, tags, text in messages_of(response)
    ]
    assert (
        WORKSTATION_COOKIE not in response.client.cookies
        or not response.client.cookies[WORKSTATION_COOKIE].value
    )


def test_the_intake_donor_list_hides_private_people_from_a_bench_worker(
    at_bench, bench_worker, site
):
    person = factories.DonorFactory(kind=Donor.Kind.PERSON, name="Mme Secret")
    company = factories.DonorFactory(kind=Donor.Kind.COMPANY, name="Mairie de Lyon")
    inventory_services.collection_create(donor=person, site=site)
    client = at_bench(bench_worker, WK.INTAKE)
    page = client.get(reverse("bench:intake"), **EN)
    offered = set(page.context["collection_form"].fields["donor"].queryset)
    assert company in offered and person not in offered
    assert "Mme Secret" not in page.content.decode()
    assert "a private person" in page.content.decode()
    # Posting the hidden person's number is refused as an invalid choice, nothing written.
    before = Collection.objects.count()
    client.post(reverse("bench:collection-create"), {"donor": person.pk}, **EN)
    assert Collection.objects.count() == before


def test_the_device_card_names_a_private_donor_to_the_sites_managers_only(
    at_bench, bench_worker, manager, site
):
    person = factories.DonorFactory(kind=Donor.Kind.PERSON, name="M. Privé")
    collection = inventory_services.collection_create(donor=person, site=site)
    device = factories.make_device(site=site, actor=bench_worker)
    Device.objects.filter(pk=device.pk).update(collection=collection)
    shown = {}
    for person_signed_in in (bench_worker, manager):
        client = at_bench(person_signed_in, WK.INTAKE)
        page = client.get(reverse("bench:device", args=[device.asset_tag]), **EN)
        shown[person_signed_in] = page.content.decode()
    assert "M. Privé" not in shown[bench_worker] and "a private person" in shown[bench_worker]
    assert "M. Privé" in shown[manager]


def test_coach_view_lists_a_failed_mandatory_check_until_it_passes_again(
    at_bench, coach, bench_worker, laptop, crew
):
    device_advance(laptop, State.WIPED, crew)
    screen = ChecklistItem.objects.get(category=laptop.category, code="screen")
    webcam = ChecklistItem.objects.get(category=laptop.category, code="webcam")
    refurb_services.test_record_result(device=laptop, item=webcam, passed=False,
                                       actor=bench_worker)  # fmt: skip
    client = at_bench(coach, WK.TEST)
    assert client.get(reverse("bench:coach")).context["failed_checks"] == []  # not mandatory
    refurb_services.test_record_result(
        device=laptop, item=screen, passed=False, note="pixels morts", actor=bench_worker
    )
    [row] = client.get(reverse("bench:coach")).context["failed_checks"]
    assert (row.asset_tag, row.failed_note, row.failed_by_username) == (
        laptop.asset_tag,
        "pixels morts",
        "bench",
    )
    refurb_services.test_record_result(device=laptop, item=screen, passed=True,
                                       actor=bench_worker)  # fmt: skip
    assert client.get(reverse("bench:coach")).context["failed_checks"] == []


def test_a_failed_mandatory_check_makes_the_repair_the_next_step(
    at_bench, coach, bench_worker, laptop, crew
):
    device_advance(laptop, State.WIPED, crew)
    screen = ChecklistItem.objects.get(category=laptop.category, code="screen")
    refurb_services.test_record_result(device=laptop, item=screen, passed=False,
                                       actor=bench_worker)  # fmt: skip
    page = at_bench(coach, WK.TEST).get(reverse("bench:test-device", args=[laptop.asset_tag]))
    assert page.context["next_step"]["target"] == State.IN_REPAIR
    assert page.context["open_moves"][0]["target"] == State.IN_REPAIR
    assert "envoyer en réparation" in page.content.decode()


def _french(text: str) -> str:
    """``text`` as a French screen prints it (``workshop.typography.punctuate``)."""
    from django.utils import translation

    from workshop.typography import punctuate

    with translation.override("fr"):
        return punctuate(text)
