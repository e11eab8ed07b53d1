"""Asset tags: shape, check character, and every single-character typo caught."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop import tags
from workshop.exceptions import DomainError

sites = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
kinds = st.sampled_from(sorted(tags.KINDS))
numbers = st.integers(min_value=1, max_value=10**9 - 1)


@given(sites, kinds, numbers)
def test_every_made_tag_parses_back_to_its_parts(site, kind, number):
    tag = tags.parse_tag(tags.make_tag(site, kind, number))
    assert (tag.site, tag.kind, tag.number) == (site, kind, number)


@given(sites, kinds, numbers, st.data())
def test_every_single_character_substitution_is_refused(site, kind, number, data):
    text = tags.make_tag(site, kind, number)
    position = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    replacement = data.draw(st.sampled_from(tags.ALPHABET).filter(lambda c: c != text[position]))
    typo = text[:position] + replacement + text[position + 1 :]
    with pytest.raises(DomainError) as caught:
        tags.parse_tag(typo)
    assert caught.value.code in {"tag_malformed", "tag_check_failed"}


def test_at_least_99_percent_of_swaps_of_two_neighbours_are_refused():
    rng = random.Random(2026)
    tried = refused = 0
    for _ in range(5000):
        site = "".join(rng.choice(tags.ALPHABET[10:]) for _ in range(2))
        text = tags.make_tag(site, rng.choice(sorted(tags.KINDS)), rng.randint(1, 999_999))
        position = rng.randrange(len(text) - 1)
        if text[position] == text[position + 1]:
            continue
        swapped = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
        tried += 1
        try:
            tags.parse_tag(swapped)
        except DomainError:
            refused += 1
    assert refused / tried >= 0.99


def test_a_tag_with_a_wrong_check_character_says_so():
    good = tags.make_tag("LY", "", 42)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as caught:
        tags.parse_tag(wrong)
    assert caught.value.code == "tag_check_failed"
    assert "tag" in caught.value.fields


def test_lower_case_and_spaces_typed_by_hand_are_accepted():
    good = tags.make_tag("LY", "D", 17)
    typed = " " + good.lower()[:4] + " " + good.lower()[4:] + " "
    assert tags.parse_tag(typed).text == good


@pytest.mark.parametrize("code", ["", "LY", "12345678", "LYX0000011", "L10000011", "LY00001"])
def test_codes_that_are_not_tags_are_malformed(code):
    with pytest.raises(DomainError) as caught:
        tags.parse_tag(code)
    assert caught.value.code == "tag_malformed"


def test_the_documented_example_is_a_valid_tag():
    assert tags.make_tag("LY", "", 42) == "LY0000423"


@given(st.text(alphabet=tags.ALPHABET, min_size=1, max_size=16))
def test_the_table_check_digit_agrees_with_stdnum(text):
    from stdnum.iso7064 import mod_37_36

    assert tags._check_valid(text) == mod_37_36.is_valid(text, alphabet=tags.ALPHABET)


def test_the_table_check_digit_refuses_a_character_outside_the_alphabet():
    good = tags.make_tag("LY", "", 423)
    assert tags._check_valid(good) and not tags._check_valid(good.lower())
