"""The « reconditionné » decree (refurb.compliance): worked examples checked by hand.

Each example is a laptop with one SSD walked through the services at Lyon (France); a step is
then moved to another site by rewriting the row's workstation, as a device carried to another
workshop would record it. What the evidence must answer, reasoned from art. R. 122-4:

| tested at | erased at | every function passed | data deleted | reconditionné | en France |
|---|---|---|---|---|---|
| Lyon (FR) | Lyon (FR) | yes | yes | yes | yes |
| Lyon (FR) | Saint-Étienne (FR) | yes | yes | yes | yes |
| Lyon (FR) | Liège (BE) | yes | yes | yes | no |
| Liège (BE) | Lyon (FR) | yes | yes | yes | no |
| not tested | Lyon (FR) | no | yes | no | no |
| Lyon, one check failed | Lyon (FR) | no | yes | no | no |
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2
import pytest

from demo.walks import Crew, device_advance
from labels.sources import shop_input
from labels.templates import shop_label
from refurb import services as refurb_services
from refurb.compliance import CLAIM_FRANCE, CLAIM_REFURBISHED, device_refurbished_evidence
from refurb.evidence_pdf import evidence_pdf
from refurb.models import ChecklistItem, Erasure, TestResult
from refurb.states import State
from tests import factories
from workshop.models import Site, WorkerProfile, Workstation, WorkstationKind
from workshop.roles import BENCH_WORKER, COACH, MANAGER, SHOP

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def lyon(site):
    return site


@pytest.fixture
def saint_etienne(db):
    return factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")


@pytest.fixture
def liege(db):
    return Site.objects.create(code="LG", name="Atelier de Liège", country="BE")


@pytest.fixture
def crew(lyon, make_user):
    people = {}
    for role, name in ((BENCH_WORKER, "w"), (COACH, "c"), (SHOP, "s"), (MANAGER, "m")):
        people[role] = make_user(role, username=f"crew-{name}")
        WorkerProfile.objects.update_or_create(user=people[role], defaults={"site": lyon})
    return Crew(
        bench=people[BENCH_WORKER],
        coach=people[COACH],
        shop=people[SHOP],
        manager=people[MANAGER],
        stations={
            kind: Workstation.objects.get_or_create(
                site=lyon, name=f"Poste {kind}", defaults={"kind": kind}
            )[0]
            for kind in WorkstationKind.values
        },
    )


def laptop(lyon, crew, target=State.TESTED):
    device = factories.make_device(site=lyon, actor=crew.bench, make="Dell", model="E7240")
    refurb_services.drive_add(device=device, actor=crew.bench, kind="ssd")
    device_advance(device, target, crew, now=NOW)
    device.refresh_from_db()
    return device


def station_at(site, kind):
    return Workstation.objects.get_or_create(
        site=site, name=f"{site.code} {kind}", defaults={"kind": kind}
    )[0]


def test_a_device_tested_and_erased_at_lyon_is_reconditionne_en_france(lyon, crew):
    evidence = device_refurbished_evidence(laptop(lyon, crew))
    assert evidence.functions_tested and evidence.data_erased
    assert evidence.refurbished and evidence.refurbished_in_france
    assert evidence.claim == CLAIM_FRANCE
    kinds = [step.kind for step in evidence.steps]
    assert kinds[0] == "intake" and "erasure" in kinds and "test" in kinds
    assert {step.site_code for step in evidence.steps} == {"LY"}


def test_tested_at_lyon_and_erased_at_saint_etienne_is_reconditionne_en_france(
    lyon, saint_etienne, crew
):
    device = laptop(lyon, crew)
    Erasure.objects.filter(drive__device=device).update(
        workstation=station_at(saint_etienne, WorkstationKind.ERASURE)
    )
    evidence = device_refurbished_evidence(device)
    erasure = next(step for step in evidence.steps if step.kind == "erasure")
    tests = [step for step in evidence.steps if step.kind == "test"]
    assert (erasure.site_code, erasure.country) == ("SE", "FR")
    assert tests and {(step.site_code, step.country) for step in tests} == {("LY", "FR")}
    assert evidence.refurbished_in_france
    assert evidence.claim == "Reconditionné en France"


def test_an_erasure_abroad_keeps_reconditionne_but_not_en_france(lyon, liege, crew):
    device = laptop(lyon, crew)
    Erasure.objects.filter(drive__device=device).update(
        workstation=station_at(liege, WorkstationKind.ERASURE)
    )
    evidence = device_refurbished_evidence(device)
    assert evidence.refurbished
    assert not evidence.refurbished_in_france
    assert evidence.claim == CLAIM_REFURBISHED
    assert [(step.kind, step.country) for step in evidence.abroad] == [("erasure", "BE")]


def test_one_test_abroad_is_enough_to_lose_en_france(lyon, liege, crew):
    device = laptop(lyon, crew)
    first = TestResult.objects.filter(device=device).order_by("id").first()
    TestResult.objects.filter(pk=first.pk).update(
        workstation=station_at(liege, WorkstationKind.TEST)
    )
    evidence = device_refurbished_evidence(device)
    assert evidence.refurbished and not evidence.refurbished_in_france
    assert len(evidence.abroad) == 1 and evidence.abroad[0].kind == "test"


def test_a_device_not_tested_yet_is_not_reconditionne(lyon, crew):
    evidence = device_refurbished_evidence(laptop(lyon, crew, target=State.WIPED))
    assert evidence.data_erased and not evidence.functions_tested
    assert not evidence.refurbished and evidence.claim == ""
    assert any("fonctions" in refusal for refusal in evidence.refusals)


def test_an_optional_check_that_failed_refuses_the_word(lyon, crew):
    device = laptop(lyon, crew)
    optional = ChecklistItem.objects.create(
        category=device.category, code="webcam-x", label="Webcam", mandatory=False, order=99
    )
    TestResult.objects.create(
        device=device, item=optional, passed=False, cycle=device.test_cycle, operator=crew.bench
    )
    evidence = device_refurbished_evidence(device)
    assert not evidence.functions_tested and evidence.claim == ""
    assert any("Webcam" in refusal for refusal in evidence.refusals)


def test_a_drive_found_late_takes_the_word_away(lyon, crew):
    device = laptop(lyon, crew, target=State.GRADED)
    refurb_services.drive_add(device=device, actor=crew.bench, kind="hdd")
    evidence = device_refurbished_evidence(device)
    assert not evidence.data_erased and not evidence.refurbished
    assert any(not step.ok for step in evidence.steps if step.kind == "erasure")


def test_the_shop_label_prints_only_the_words_allowed(lyon, liege, crew):
    device = laptop(lyon, crew, target=State.GRADED)
    assert shop_input(device).claim == CLAIM_FRANCE
    label = shop_label(shop_input(device))
    assert CLAIM_FRANCE in [line.text for line in label.lines]
    Erasure.objects.filter(drive__device=device).update(
        workstation=station_at(liege, WorkstationKind.ERASURE)
    )
    texts = [line.text for line in shop_label(shop_input(device)).lines]
    assert CLAIM_REFURBISHED in texts and CLAIM_FRANCE not in texts
    wiped = laptop(lyon, crew, target=State.WIPED)
    texts = " ".join(line.text for line in shop_label(shop_input(wiped)).lines)
    assert "Reconditionné" not in texts


def test_the_evidence_pdf_says_the_steps_places_and_answers(lyon, saint_etienne, crew):
    device = laptop(lyon, crew)
    Erasure.objects.filter(drive__device=device).update(
        workstation=station_at(saint_etienne, WorkstationKind.ERASURE)
    )
    data = evidence_pdf(device_refurbished_evidence(device), now=NOW)
    document = pypdfium2.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert device.asset_tag in text and "R. 122-4" in text
    assert "« reconditionné » peut être utilisé" in text.replace("\u00a0", " ")
    assert "SE · Atelier de Saint-Étienne" in text and "LY · Atelier de Lyon" in text


def test_sites_are_in_france_unless_said_otherwise(db):
    assert Site.objects.create(code="ZZ", name="Nouveau").country == "FR"


# --- screens ------------------------------------------------------------------------------


def test_the_evidence_is_reached_from_the_device_card_by_managers_of_its_site(
    client, lyon, saint_etienne, crew, make_user
):
    from django.urls import reverse

    device = laptop(lyon, crew)
    link = reverse("refurb:evidence", args=[device.asset_tag])
    station = station_at(lyon, WorkstationKind.STOCK)
    pages = {}
    for person in (crew.bench, crew.coach, crew.manager):
        client.force_login(person)
        client.post(reverse("bench:workstation"), {"workstation": station.pk})
        pages[person] = client.get(reverse("bench:device", args=[device.asset_tag]))
        assert pages[person].status_code == 200
    assert link in pages[crew.manager].content.decode()
    assert link not in pages[crew.bench].content.decode()
    assert link not in pages[crew.coach].content.decode()
    client.force_login(crew.manager)
    page = client.get(link).content.decode()
    assert "data-in-france" in page and CLAIM_FRANCE in page
    pdf = client.get(reverse("refurb:evidence-pdf", args=[device.asset_tag]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(crew.coach)
    assert client.get(link).status_code == 403
    stranger = make_user(MANAGER, username="se-boss")
    WorkerProfile.objects.update_or_create(user=stranger, defaults={"site": saint_etienne})
    client.force_login(stranger)
    assert client.get(link).status_code == 403
    assert client.get(reverse("refurb:evidence-pdf", args=[device.asset_tag])).status_code == 403


def test_hostile_device_text_prints_literally_in_the_evidence(lyon, crew):
    device = factories.make_device(
        site=lyon, actor=crew.bench, make="<b>Evil</b>", model='<img src="x"/>&amp;'
    )
    data = evidence_pdf(device_refurbished_evidence(device), now=NOW)
    document = pypdfium2.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "<b>Evil</b>" in text and '<img src="x"/>&amp;' in text
