"""``/api/installations/`` (issue 22, part 3): the bench agent's installation goes through the
screens' service, honours the workstation token and ``X-Atelier-Badge``, refuses bad input in
the error shape with nothing written, and keeps licence keys masked except to managers."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from demo.walks import Crew, device_advance
from refurb import services
from refurb.models import SystemImage, SystemInstallation
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create, workstation_token_create

pytestmark = pytest.mark.django_db
URL = "/api/installations/"


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
    device = factories.make_device(site=site, actor=crew.bench, make="Lenovo", model="T480")
    device_advance(device, State.TESTED, crew)
    return device


@pytest.fixture
def agent(crew):
    """An API client with the test bench's workstation token (and a badge when given)."""

    def make(badge: str | None = None, kind: str = WK.TEST):
        _token, key = workstation_token_create(workstation=crew.stations[kind])
        client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
        if badge is not None:
            headers["HTTP_X_ATELIER_BADGE"] = badge
        client.credentials(**headers)
        return client

    return make


@pytest.fixture
def windows(site, manager):
    image = SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key"
    )
    services.licence_keys_load(
        site=site, image=image, keys=["WIN10-AAAAA-BBBBB-CCCCC-77777"], actor=manager
    )
    return image


def body(device, **extra):
    return {"device": device.asset_tag, "image": "linuxmint-22", "first_boot_passed": True, **extra}


def test_the_agent_of_the_test_bench_posts_an_installation(agent, tested):
    response = agent().post(URL, body(tested), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["device"], data["image"], data["system"]) == (
        tested.asset_tag,
        "linuxmint-22",
        "Linux Mint 22.1",
    )
    assert (data["operator"], data["actor_kind"], data["licence"]) == (None, "agent", None)
    assert data["first_boot_passed"] is True
    assert tested.events.latest("seq").actor_kind == "agent"


def test_with_a_badge_the_installation_is_the_person_signed_in_at_the_bench(
    agent, tested, bench_worker
):
    badge_create(user=bench_worker, code="B-0042", pin="4821")
    response = agent("B-0042").post(URL, body(tested), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["operator"], response.json()["actor_kind"]) == ("bench", "person")


def test_a_badge_of_another_site_is_refused_before_anything_is_written(agent, tested, make_user):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    karim = make_user("bench_worker", username="karim", site=other)
    badge_create(user=karim, code="B-0099", pin="1470")
    response = agent("B-0099").post(URL, body(tested), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "badge_refused"
    assert not SystemInstallation.objects.exists()


@pytest.mark.parametrize(
    "extra,status,code,field",
    [
        ({"image": "windows-95"}, 422, "image_unknown", "image"),
        ({"image": "linuxmint-22", "licence_key": "ABCDE-12345"}, 422, "licence_not_needed", None),
        ({"colour": "blue"}, 400, "unknown_field", "colour"),
        ({"first_boot_passed": "peut-être"}, 400, "invalid", "first_boot_passed"),
    ],
)
def test_bad_input_answers_in_the_error_shape_and_writes_nothing(
    agent, tested, extra, status, code, field
):
    events = tested.events.count()
    response = agent().post(URL, body(tested, **extra), format="json")
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "fields"}
    assert data["code"] == code and data["message"]
    if field:
        assert field in data["fields"]
    assert not SystemInstallation.objects.exists()
    assert tested.events.count() == events


def test_a_device_in_the_wrong_state_answers_409(agent, site, crew):
    received = factories.make_device(site=site, actor=crew.bench)
    response = agent().post(URL, body(received), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "device_state"


def test_a_licence_key_already_used_answers_409(agent, site, crew, tested, windows):
    key = "WIN10-AAAAA-BBBBB-CCCCC-77777"
    first = agent().post(URL, body(tested, image="windows-10-pro", licence_key=key), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["licence"] == "•••••-77777"
    other = factories.make_device(site=site, actor=crew.bench)
    device_advance(other, State.TESTED, crew)
    again = agent().post(URL, body(other, image="windows-10-pro", licence_key=key), format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "licence_used"
    assert key not in again.content.decode()
    assert SystemInstallation.objects.count() == 1


def test_the_erasure_bench_token_may_not_record_a_system(agent, tested):
    response = agent(kind=WK.ERASURE).post(URL, body(tested), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "workstation_forbidden"


def test_shop_staff_may_not_post_an_installation(client_as, shop_staff, tested):
    response = client_as(shop_staff).post(URL, body(tested), format="json")
    assert response.status_code == 403


def test_the_same_idempotency_key_records_one_installation(agent, tested):
    client = agent()
    first = client.post(URL, body(tested), format="json", HTTP_IDEMPOTENCY_KEY="install-1")
    second = client.post(URL, body(tested), format="json", HTTP_IDEMPOTENCY_KEY="install-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert SystemInstallation.objects.count() == 1


def test_the_list_shows_the_callers_site_and_the_key_only_to_a_manager(
    agent, client_as, tested, windows, coach, manager, crew, make_user
):
    agent().post(URL, body(tested, image="windows-10-pro"), format="json")
    as_coach = client_as(coach).get(URL).json()["results"]
    assert [row["licence"] for row in as_coach] == ["•••••-77777"]
    as_manager = client_as(manager).get(URL).json()["results"]
    assert [row["licence"] for row in as_manager] == ["WIN10-AAAAA-BBBBB-CCCCC-77777"]
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    stranger = make_user("coach", username="se-coach", site=other)
    assert client_as(stranger).get(URL).json()["results"] == []


def test_the_image_list_gives_codes_for_the_agent(agent):
    response = agent().get("/api/system-images/", {"is_active": "true"})
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["linuxmint-22", "debian-12", "emmabuntus-de5"]


def test_the_schema_declares_what_can_be_null():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["Installation"]["properties"]
    assert props["licence"].get("nullable") is True
    assert props["operator"].get("nullable") is True
    post = schema["paths"]["/api/installations/"]["post"]
    assert {"201", "400", "403", "409"} <= set(post["responses"])
    required = schema["components"]["schemas"]["InstallationCreateRequest"]["required"]
    assert set(required) == {"device", "image", "first_boot_passed"}
