"""Photos at the grading bench: resized with Pillow, EXIF (GPS) stripped, bad files refused in
French, at most four, who may add them and where, served publicly only while on sale."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from demo.walks import Crew, device_advance
from refurb import services
from refurb.models import DeviceEvent, DevicePhoto
from refurb.photos import FULL_SIDE, THUMB_SIDE
from refurb.states import State
from tests import factories
from workshop.exceptions import DomainError
from workshop.models import WorkerProfile
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


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
def graded(site, crew):
    device = factories.make_device(
        site=site,
        actor=crew.bench,
        make="Lenovo",
        model="ThinkPad T470",
        serial_number="PF-SECRET-1",
    )
    device_advance(device, State.GRADED, crew, grade="B")
    return device


def jpeg(size=(3000, 2000), colour=(200, 30, 30), gps=False, exif_orientation=None) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "CameraMaker"  # Make
        exif[0xA431] = "BODY-SERIAL-123"  # BodySerialNumber (Exif IFD in practice)
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)})
    if exif_orientation:
        exif[0x0112] = exif_orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def add(device, crew, data, **kwargs):
    return services.device_photo_add(
        device=device,
        data=data,
        actor=kwargs.pop("actor", crew.bench),
        workstation=kwargs.pop("workstation", crew.stations[WK.GRADING]),
    )


def stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def test_a_photo_is_resized_to_1600_pixels_with_a_thumbnail(graded, crew):
    photo = add(graded, crew, jpeg((3000, 2000)))
    full, thumb = stored(photo.image), stored(photo.thumbnail)
    assert full.size == (FULL_SIDE, 1067)
    assert max(thumb.size) == THUMB_SIDE
    assert (photo.width, photo.height) == full.size
    assert full.format == thumb.format == "JPEG"
    assert photo.position == 1
    event = graded.events.get(code=DeviceEvent.Code.PHOTO_ADDED)
    assert event.payload == {"photo": photo.pk, "position": 1}


def test_no_exif_survives_neither_gps_nor_camera_serial(graded, crew):
    original = jpeg(gps=True)
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get_ifd(GPS_IFD)  # the upload does carry a position
    photo = add(graded, crew, original)
    for name in (photo.image, photo.thumbnail):
        image = stored(name)
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
        with default_storage.open(name, "rb") as handle:
            raw = handle.read()
        assert b"Exif" not in raw and b"BODY-SERIAL" not in raw and b"CameraMaker" not in raw


def test_the_camera_orientation_is_applied_before_the_exif_goes(graded, crew):
    photo = add(graded, crew, jpeg((1200, 800), exif_orientation=6))  # rotated 90°
    assert stored(photo.image).size == (800, 1200)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "vide"),
        (b"%PDF-1.4 not a photo", "ne sait pas lire"),
        (jpeg()[:400], "ne sait pas lire"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_in_french_and_nothing_is_kept(
    graded, crew, media, data, words
):
    with translation.override("fr"), pytest.raises(DomainError) as refused:
        add(graded, crew, data)
    assert refused.value.code == "photo_invalid"
    assert refused.value.status == 400
    assert words in refused.value.message
    assert not DevicePhoto.objects.exists()
    assert not graded.events.filter(code=DeviceEvent.Code.PHOTO_ADDED).exists()
    assert not (media / "photos").exists() or not any((media / "photos").rglob("*.jpg"))


def test_a_gif_is_refused(graded, crew):
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "GIF")
    with translation.override("fr"), pytest.raises(DomainError) as refused:
        add(graded, crew, out.getvalue())
    assert "JPEG, PNG ou WebP" in refused.value.message


def test_a_fifth_photo_is_refused_and_removing_one_frees_a_place(graded, crew):
    photos = [add(graded, crew, jpeg((400, 300), colour=(n * 40, 10, 10))) for n in range(4)]
    assert [p.position for p in photos] == [1, 2, 3, 4]
    with pytest.raises(DomainError) as refused:
        add(graded, crew, jpeg((400, 300), colour=(0, 200, 0)))
    assert refused.value.code == "photo_limit"
    assert DevicePhoto.objects.filter(device=graded).count() == 4
    services.device_photo_remove(
        photo=photos[1], actor=crew.bench, workstation=crew.stations[WK.GRADING]
    )
    again = add(graded, crew, jpeg((400, 300), colour=(0, 200, 0)))
    assert again.position == 2


def test_the_same_picture_sent_twice_is_kept_once(graded, crew):
    data = jpeg((800, 600))
    first, second = add(graded, crew, data), add(graded, crew, data)
    assert first.pk == second.pk
    assert DevicePhoto.objects.count() == 1
    assert graded.events.filter(code=DeviceEvent.Code.PHOTO_ADDED).count() == 1


def test_shop_staff_may_not_add_photos(graded, crew):
    with pytest.raises(DomainError) as refused:
        add(graded, crew, jpeg((400, 300)), actor=crew.shop)
    assert refused.value.status == 403
    assert not DevicePhoto.objects.exists()


def test_a_worker_of_another_site_may_not_add_photos(graded, crew):
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    stranger = factories.UserFactory(username="karim")
    WorkerProfile.objects.update_or_create(user=stranger, defaults={"site": other})
    from django.contrib.auth.models import Group

    from workshop.roles import BENCH_WORKER

    stranger.groups.add(Group.objects.get_or_create(name=BENCH_WORKER)[0])
    with pytest.raises(DomainError) as refused:
        add(
            graded,
            crew,
            jpeg((400, 300)),
            actor=stranger,
            workstation=factories.WorkstationFactory(site=other, kind=WK.GRADING),
        )
    assert refused.value.status == 403
    assert not DevicePhoto.objects.exists()


def test_photos_are_taken_at_the_grading_bench_only(graded, crew):
    with pytest.raises(DomainError) as refused:
        add(graded, crew, jpeg((400, 300)), workstation=crew.stations[WK.TEST])
    assert refused.value.code == "workstation_forbidden"


def test_a_device_not_tested_yet_takes_no_photo(site, crew):
    device = factories.make_device(site=site, actor=crew.bench)
    with pytest.raises(DomainError) as refused:
        add(device, crew, jpeg((400, 300)))
    assert refused.value.code == "device_state"


def at_grading(client, user, station):
    client.force_login(user)
    client.post(reverse("bench:workstation"), {"workstation": station.pk}, follow=True)
    return client


def test_the_grading_screen_takes_photos_and_a_double_submit_adds_them_once(client, graded, crew):
    at_grading(client, crew.bench, crew.stations[WK.GRADING])
    page = client.get(reverse("bench:grading-device", args=[graded.asset_tag]))
    html = page.content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'enctype="multipart/form-data"' in html
    url = reverse("bench:photo-add", args=[graded.asset_tag])
    data = jpeg((1000, 700))

    def send():
        return client.post(
            url,
            {
                "form_token": "photos-1",
                "photo": [
                    SimpleUploadedFile("a.jpg", data, "image/jpeg"),
                    SimpleUploadedFile("b.jpg", jpeg((900, 700), (0, 0, 200)), "image/jpeg"),
                ],
            },
        )

    send()
    send()
    assert DevicePhoto.objects.filter(device=graded).count() == 2
    page = client.get(reverse("bench:grading-device", args=[graded.asset_tag]))
    assert page.content.decode().count("data-photo=") == 2


def test_the_grading_screen_says_in_french_why_a_file_is_refused(client, graded, crew):
    at_grading(client, crew.bench, crew.stations[WK.GRADING])
    url = reverse("bench:photo-add", args=[graded.asset_tag])
    response = client.post(
        url,
        {"form_token": "bad-1", "photo": SimpleUploadedFile("x.jpg", b"nope", "image/jpeg")},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("ne sait pas lire" in m for m in messages), messages
    assert not DevicePhoto.objects.exists()


def test_a_photo_is_public_only_while_its_device_is_on_sale(client, graded, crew):
    photo = add(graded, crew, jpeg((400, 300)))
    url = reverse("refurb:photo", args=[photo.pk, "thumb"])
    assert client.get(url).status_code == 404  # graded: not public yet
    factories.transition(device=graded, to=State.ON_SALE, actor=crew.shop)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(reverse("refurb:photo", args=[photo.pk, "other"])).status_code == 404
