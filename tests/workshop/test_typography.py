"""French typography in one helper: money, percentages, the spaces before ``: ; ! ?``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from workshop import fonts, typography
from workshop.pdftext import pdf_plain

N = "\u202f"


@pytest.mark.parametrize(
    "amount, french, english",
    [
        (Decimal("68"), f"68,00{N}€", "68.00 €"),
        (Decimal("1234.5"), f"1{N}234,50{N}€", "1,234.50 €"),
        ("0.5", f"0,50{N}€", "0.50 €"),
        (Decimal("-12"), f"\u221212,00{N}€", "\u221212.00 €"),
        (None, "", ""),
    ],
)
def test_money_reads_the_french_way_in_french_only(amount, french, english):
    with translation.override("fr"):
        assert typography.money(amount) == french
    with translation.override("en"):
        assert typography.money(amount) == english


def test_percent_has_its_narrow_space_in_french():
    with translation.override("fr"):
        assert typography.percent(20) == f"20{N}%"
    with translation.override("en"):
        assert typography.percent(20) == "20%"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Poids (kg):", f"Poids (kg){N}:"),
        ("Poids (kg) : 2", f"Poids (kg){N}: 2"),
        ("Statut\u00a0: prêt", f"Statut{N}: prêt"),
        ("Prêt ? Oui !", f"Prêt{N}? Oui{N}!"),
        ("rouge ; vert", f"rouge{N}; vert"),
        ("batterie à 60 % ou plus, 89,50€", f"batterie à 60{N}% ou plus, 89,50{N}€"),
        (f"Déjà{N}: fait", f"Déjà{N}: fait"),  # once only
        ("à 12:30, voir https://exemple.fr/?q=1", "à 12:30, voir https://exemple.fr/?q=1"),
    ],
)
def test_punctuate_puts_a_narrow_no_break_space_before_high_marks(text, expected):
    with translation.override("fr"):
        assert typography.punctuate(text) == expected
    with translation.override("en"):
        assert typography.punctuate(text) == text


def test_the_template_filters_and_the_colon_tag():
    template = Template(
        "{% load typography %}{{ total|money }}|{{ rate|percent }}|{% colon %}|{{ text|punctuate }}"
    )
    context = Context({"total": Decimal("89.5"), "rate": 20, "text": "Vendu <b>?"})
    with translation.override("fr"):
        assert template.render(context) == f"89,50{N}€|20{N}%|{N}:|Vendu &lt;b&gt;{N}?"
    with translation.override("en"):
        assert template.render(context) == "89.50 €|20%|:|Vendu &lt;b&gt;?"


def test_a_french_form_label_ends_with_a_narrow_no_break_space_and_a_colon():
    class Weighed(forms.Form):
        weight = forms.DecimalField(label="Poids (kg)")

    with translation.override("fr"):
        assert f"Poids (kg){N}:</label>" in str(Weighed()["weight"].label_tag())
        assert str(typography.LABEL_SUFFIX) == f"{N}:"


def test_pdfs_and_labels_print_the_narrow_space_as_a_no_break_space():
    """The PDF and label fonts have no glyph for U+202F; U+00A0 keeps the words together."""
    assert pdf_plain(f"68,00{N}€") == "68,00\u00a0€"
    assert fonts.sanitize(f"Prix{N}: 68,00{N}€") == "Prix\u00a0: 68,00\u00a0€"
