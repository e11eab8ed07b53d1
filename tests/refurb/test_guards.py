"""Each guard of the transition table, and the erasure invariant on every exit path."""

from __future__ import annotations

import pytest

from demo.walks import Crew, device_advance, device_pass_checklist, device_sell
from refurb import services
from refurb.models import ChecklistItem, DeviceEvent
from refurb.states import State
from tests import factories
from workshop.exceptions import DomainError


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager):
    return Crew(bench=bench_worker, coach=coach, shop=shop_staff, manager=manager)


def wipe_attempt(device, actor):
    return factories.transition(device=device, to=State.WIPED, actor=actor)


@pytest.mark.django_db
class TestDrivesSafe:
    def test_a_drive_never_erased_keeps_the_device_in_received(self, laptop, bench_worker):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        with pytest.raises(DomainError) as caught:
            wipe_attempt(laptop, bench_worker)
        assert caught.value.code == "drives_not_safe"
        assert caught.value.fields == {"drives": [drive.tag]}
        laptop.refresh_from_db()
        assert laptop.state == State.RECEIVED

    @pytest.mark.parametrize(
        "result,verified",
        [("failed", False), ("failed", True), ("aborted", False), ("success", False)],
    )
    def test_an_erasure_that_failed_or_was_not_verified_is_no_proof(
        self, laptop, bench_worker, result, verified
    ):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        services.drive_record_erasure(
            drive=drive,
            method="clear",
            tool="nwipe",
            result=result,
            verified=verified,
            actor=bench_worker,
        )
        drive.refresh_from_db()
        assert drive.status == "failed"
        with pytest.raises(DomainError) as caught:
            wipe_attempt(laptop, bench_worker)
        assert caught.value.code == "drives_not_safe"

    def test_a_verified_successful_erasure_lets_the_device_be_wiped(self, laptop, bench_worker):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        services.drive_record_erasure(
            drive=drive,
            method="purge",
            tool="nvme-cli",
            result="success",
            verified=True,
            actor=bench_worker,
        )
        wipe_attempt(laptop, bench_worker)
        assert laptop.state == State.WIPED

    def test_a_drive_that_failed_erasure_then_was_destroyed_is_safe(self, laptop, bench_worker):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        services.drive_record_erasure(
            drive=drive,
            method="clear",
            tool="nwipe",
            result="failed",
            verified=False,
            actor=bench_worker,
        )
        services.drive_record_destruction(
            drive=drive, method="shredding", witness="Claire Martin", actor=bench_worker
        )
        wipe_attempt(laptop, bench_worker)
        assert laptop.state == State.WIPED

    def test_every_drive_counts_not_just_the_first(self, laptop, bench_worker):
        first = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        second = services.drive_add(device=laptop, actor=bench_worker, serial_number="S2")
        services.drive_record_erasure(
            drive=first,
            method="clear",
            tool="nwipe",
            result="success",
            verified=True,
            actor=bench_worker,
        )
        with pytest.raises(DomainError) as caught:
            wipe_attempt(laptop, bench_worker)
        assert caught.value.fields == {"drives": [second.tag]}

    def test_a_data_holding_device_without_drives_needs_a_confirmed_storage_check(
        self, laptop, bench_worker, coach
    ):
        with pytest.raises(DomainError) as caught:
            wipe_attempt(laptop, bench_worker)
        assert caught.value.code == "storage_unchecked"
        services.device_confirm_no_storage(device=laptop, actor=bench_worker)
        with pytest.raises(DomainError) as caught:
            wipe_attempt(laptop, bench_worker)
        assert caught.value.code == "sign_off_pending"
        services.device_sign_off_no_storage(device=laptop, actor=coach)
        wipe_attempt(laptop, bench_worker)
        assert laptop.state == State.WIPED

    def test_a_screen_holds_no_data_and_moves_on_without_any_drive(self, site, bench_worker):
        screen = factories.make_device(site=site, category_code="screen", actor=bench_worker)
        wipe_attempt(screen, bench_worker)
        assert screen.state == State.WIPED

    def test_a_later_failed_erasure_does_not_undo_a_verified_one(self, laptop, bench_worker):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        for result, verified in (("success", True), ("failed", False)):
            services.drive_record_erasure(
                drive=drive,
                method="clear",
                tool="nwipe",
                result=result,
                verified=verified,
                actor=bench_worker,
            )
        drive.refresh_from_db()
        assert drive.status == "erased"

    def test_a_destroyed_drive_cannot_be_erased_or_destroyed_again(self, laptop, bench_worker):
        drive = services.drive_add(device=laptop, actor=bench_worker, serial_number="S1")
        services.drive_record_destruction(
            drive=drive, method="crushing", witness="Claire", actor=bench_worker
        )
        with pytest.raises(DomainError) as erase:
            services.drive_record_erasure(
                drive=drive,
                method="clear",
                tool="nwipe",
                result="success",
                verified=True,
                actor=bench_worker,
            )
        with pytest.raises(DomainError) as destroy:
            services.drive_record_destruction(
                drive=drive, method="crushing", witness="Claire", actor=bench_worker
            )
        assert (erase.value.code, destroy.value.code) == ("drive_destroyed", "drive_destroyed")


EXIT_PATHS = [
    pytest.param(State.ON_SALE, State.SOLD, "shop", id="on_sale->sold"),
    pytest.param(State.RESERVED, State.SOLD, "shop", id="reserved->sold"),
    pytest.param(State.IN_REPAIR, State.RECYCLED, "coach", id="in_repair->recycled"),
    pytest.param(State.IN_REPAIR, State.HARVESTED, "coach", id="in_repair->harvested"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("source,target,who", EXIT_PATHS)
def test_no_exit_path_lets_a_device_leave_with_a_drive_found_after_erasure(
    source, target, who, laptop, crew
):
    device_advance(laptop, source, crew)
    services.drive_add(device=laptop, actor=crew.bench, serial_number="FOUND-LATE")
    laptop.refresh_from_db()
    # Past received, the device is sent back to be erased; a reserved one keeps its state.
    after = State.RESERVED if source == State.RESERVED else State.RECEIVED
    assert laptop.state == after
    events = DeviceEvent.objects.filter(device=laptop).count()
    with pytest.raises(DomainError) as caught:
        if target == State.SOLD:
            device_sell(laptop, crew, now=laptop.state_changed_at)
        else:
            factories.transition(device=laptop, to=target, actor=getattr(crew, who))
    expected = "drives_not_safe" if after == State.RESERVED else None
    assert expected is None or caught.value.code == expected
    laptop.refresh_from_db()
    assert laptop.state == after
    assert DeviceEvent.objects.filter(device=laptop).count() == events


@pytest.mark.django_db
def test_a_reserved_device_may_be_sold_once_the_late_drive_is_destroyed(laptop, crew):
    device_advance(laptop, State.RESERVED, crew)
    late = services.drive_add(device=laptop, actor=crew.bench, serial_number="FOUND-LATE")
    services.drive_record_destruction(
        drive=late, method="shredding", witness="C.", actor=crew.coach
    )
    device_sell(laptop, crew, now=laptop.state_changed_at)
    laptop.refresh_from_db()
    assert laptop.state == State.SOLD


@pytest.mark.django_db
class TestChecklistPassed:
    def test_a_missing_mandatory_check_keeps_the_device_wiped(self, laptop, crew):
        device_advance(laptop, State.WIPED, crew)
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to=State.TESTED, actor=crew.bench)
        assert caught.value.code == "checklist_incomplete"
        mandatory = set(
            ChecklistItem.objects.filter(category=laptop.category, mandatory=True).values_list(
                "code", flat=True
            )
        )
        assert set(caught.value.fields["checklist"]) == mandatory

    def test_the_latest_result_of_an_item_counts(self, laptop, crew):
        device_advance(laptop, State.WIPED, crew)
        device_pass_checklist(laptop, crew, now=laptop.state_changed_at)
        screen = ChecklistItem.objects.get(category=laptop.category, code="screen")
        services.test_record_result(device=laptop, item=screen, passed=False, actor=crew.bench)
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to=State.TESTED, actor=crew.bench)
        assert caught.value.fields == {"checklist": ["screen"]}

    def test_an_optional_check_that_failed_does_not_block(self, laptop, crew):
        device_advance(laptop, State.WIPED, crew)
        device_pass_checklist(laptop, crew, now=laptop.state_changed_at)
        webcam = ChecklistItem.objects.get(category=laptop.category, code="webcam")
        services.test_record_result(device=laptop, item=webcam, passed=False, actor=crew.bench)
        factories.transition(device=laptop, to=State.TESTED, actor=crew.bench)
        assert laptop.state == State.TESTED

    def test_a_check_of_another_category_is_refused(self, laptop, bench_worker):
        desktop_item = ChecklistItem.objects.filter(category__code="desktop").first()
        with pytest.raises(DomainError) as caught:
            services.test_record_result(
                device=laptop, item=desktop_item, passed=True, actor=bench_worker
            )
        assert caught.value.code == "wrong_checklist"


@pytest.mark.django_db
class TestGradeSet:
    def test_grading_without_a_grade_is_refused(self, laptop, crew):
        device_advance(laptop, State.TESTED, crew)
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to=State.GRADED, actor=crew.bench)
        assert caught.value.code == "grade_required"
        laptop.refresh_from_db()
        assert (laptop.state, laptop.grade_id) == (State.TESTED, None)

    def test_an_unknown_grade_is_refused_and_nothing_changes(self, laptop, crew):
        device_advance(laptop, State.TESTED, crew)
        with pytest.raises(DomainError) as caught:
            factories.transition(
                device=laptop, to=State.GRADED, actor=crew.bench, payload={"grade": "Z"}
            )
        assert caught.value.code == "invalid_grade"
        laptop.refresh_from_db()
        assert laptop.grade_id is None

    def test_the_grade_given_with_the_move_is_recorded_on_device_and_event(self, laptop, crew):
        device_advance(laptop, State.TESTED, crew)
        event = factories.transition(
            device=laptop, to=State.GRADED, actor=crew.bench, payload={"grade": "b"}
        )
        laptop.refresh_from_db()
        assert laptop.grade.code == "B"
        assert event.payload["grade"] == "B"


@pytest.mark.django_db
class TestWrittenOff:
    def test_writing_off_needs_a_reason(self, laptop, manager):
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to=State.WRITTEN_OFF, actor=manager, reason=" ")
        assert caught.value.code == "reason_required"

    def test_a_device_found_again_returns_to_its_previous_state_only(self, laptop, crew):
        device_advance(laptop, State.TESTED, crew)
        factories.transition(
            device=laptop, to=State.WRITTEN_OFF, actor=crew.manager, reason="introuvable"
        )
        with pytest.raises(DomainError) as caught:
            factories.transition(
                device=laptop, to=State.RECEIVED, actor=crew.manager, reason="retrouvé"
            )
        assert caught.value.code == "not_previous_state"
        factories.transition(
            device=laptop, to=State.TESTED, actor=crew.manager, reason="retrouvé étagère B"
        )
        assert laptop.state == State.TESTED


@pytest.mark.django_db
@pytest.mark.parametrize("source", [State.ON_SALE, State.RESERVED])
def test_a_device_cannot_be_marked_sold_without_an_invoice_listing_it(source, laptop, crew):
    device_advance(laptop, source, crew)
    for payload in (None, {"invoice": "LY-2026-999999"}):
        with pytest.raises(DomainError) as caught:
            factories.transition(device=laptop, to=State.SOLD, actor=crew.shop, payload=payload)
        assert (caught.value.code, caught.value.status) == ("service_only", 409)
    laptop.refresh_from_db()
    assert laptop.state == source


@pytest.mark.django_db
def test_a_return_needs_a_credit_note_covering_the_device(laptop, crew):
    device_advance(laptop, State.SOLD, crew)
    with pytest.raises(DomainError) as caught:
        factories.transition(
            device=laptop, to=State.RETURNED, actor=crew.shop, reason="ne démarre plus"
        )
    assert caught.value.code == "service_only"
