"""The main screens in French: a narrow no-break space before ``: ; ! ?`` and ``€``, never an
ordinary space or none, and money with a decimal comma (``workshop.typography``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from shop import services
from shop.models import Sale
from tests.shop.support import buyer
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

# A high mark ending a word after anything but a narrow no-break space, or an amount glued to
# (or spaced the English way from) its € or %.
BAD = re.compile(r"(?:^|[^\u202f\s])[ \u00a0]?[:;!?](?=\s|$)|\d[ \u00a0]?[€%]|\d\.\d\d\s?€")


class _Text(HTMLParser):
    """The text a person reads: no script, style or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split(" ")).strip("\n"))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


# The CO2 factor's source is reference data, quoted as recorded (its French wording is the
# reports' business, inventory's data migration).
QUOTED = re.compile(r"^Source\u202f: ADEME")


def faults(html: str) -> list[str]:
    """The text pieces that break French typography."""
    found = []
    for piece in visible_text(html):
        for line in piece.splitlines():
            if BAD.search(line) and not QUOTED.match(line.strip()):
                found.append(line.strip())
    return found


@pytest.fixture
def at_counter(client, crew, legal, on_sale):
    client.force_login(crew.shop)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations[WK.SHOP].pk})
    client.cookies["django_language"] = "fr"
    return client


def test_the_shop_screens_and_the_device_card_read_the_french_way(at_counter, crew, on_sale):
    client = at_counter
    graded, ready = on_sale(state="graded"), on_sale()
    association = buyer("association")
    client.post(reverse("shop:counter_scan"), {"code": graded.asset_tag})
    client.post(reverse("shop:counter_scan"), {"code": ready.asset_tag})
    client.post(reverse("shop:counter_buyer"), {"buyer": association.pk})
    pages = {"counter": client.get(reverse("shop:counter") + "?q=Amis")}
    client.post(reverse("shop:counter_remove"), {"code": graded.asset_tag})
    client.post(reverse("shop:counter_complete"), {"payment_method": "cash", "cash_given": "100,5"})
    sale = Sale.objects.get()
    pages["sale"] = client.get(reverse("shop:sale", args=[sale.pk]))
    pages["return"] = client.get(reverse("shop:sale_return", args=[sale.pk]))
    services.sale_return(
        workstation=crew.stations[WK.SHOP],
        sale=sale,
        devices=[ready],
        reason="Écran cassé",
        actor=crew.shop,
    )
    pages["sale with a credit note"] = client.get(reverse("shop:sale", args=[sale.pk]))
    pages["device card"] = client.get(reverse("bench:device", args=[graded.asset_tag]))
    pages["public device"] = client.get(reverse("shop:public_device", args=[graded.asset_tag]))
    other = on_sale(specs={"ram_gb": 8, "storage_gb": 256, "cpu_generation": 7})
    pages["public device on sale"] = client.get(
        reverse("shop:public_device", args=[other.asset_tag])
    )
    pages["device card on sale"] = client.get(reverse("bench:device", args=[other.asset_tag]))
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'lang="fr"' in html or response.get("Content-Language") == "fr", name
        assert not faults(html), f"{name}: {faults(html)}"
    sale_page = pages["sale"].content.decode()
    assert "Monnaie à rendre\u202f: 30,50\u202f€." in sale_page
    assert "70,00\u202f€" in sale_page
    card = pages["device card on sale"].content.decode()
    assert "70,00\u202f€ prix solidaire · 120,00\u202f€ prix standard" in card
    shown = " ".join(visible_text(card))
    assert "Mémoire (Go)" in shown and "Stockage (Go)" in shown
    assert not re.search(r"\b(ram_gb|storage_gb|cpu_generation)\b", shown)


def test_a_bench_screen_and_its_form_labels_read_the_french_way(client, bench_worker, station):
    client.force_login(bench_worker)
    client.post(reverse("bench:workstation"), {"workstation": station(WK.INTAKE).pk})
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("bench:intake")).content.decode()
    assert not faults(html), faults(html)
    client.logout()
    html = client.get(reverse("bench:signin")).content.decode()
    assert not faults(html), faults(html)


def test_the_check_finds_what_it_looks_for():
    assert faults("<p>Poids (kg): 2</p><p>Total 68.00 €</p><p>Prêt ?</p>") == [
        "Poids (kg): 2",
        "Total 68.00 €",
        "Prêt ?",
    ]
    assert faults("<p>Poids (kg)\u202f: 2,1 ; 68,00\u202f€ à 12:30</p>") == [
        "Poids (kg)\u202f: 2,1 ; 68,00\u202f€ à 12:30"
    ]
    assert faults("<p>Poids (kg)\u202f: 2,1\u202f; 68,00\u202f€ à 12:30</p>") == []
    assert faults('<script>a = "x: y"</script><a title="x: y">ok</a>') == []


def test_a_buyer_kind_shows_its_french_label_at_the_counter(at_counter):
    found = buyer("public_body")
    page = at_counter.get(reverse("shop:counter") + "?q=CCAS").content.decode()
    assert "Autre organisme public" in page
    assert "public_body" not in re.sub(r'="[^"]*"', "", page)
    assert str(found.pk) in page
