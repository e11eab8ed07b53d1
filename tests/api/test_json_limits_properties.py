"""The body's limits (``workshop.api.parsers``) read quickly and as their definition says.

``json_depth`` strips the strings whole before counting brackets; it must give the depth a
plain token-by-token count gives (strings skipped, escapes honoured) on any text, valid JSON or
not. The NUL check walks the parsed value only when the text holds a ``\\u0000`` escape: any
JSON whose value holds a NUL has one (JSON refuses a raw control character in a string).
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.api.parsers import JsonLimitError, NulCharacterError, json_depth, json_loads_checked

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _reference_depth(text: str) -> int:
    """The definition: strings are tokens, brackets outside them nest."""
    depth = deepest = 0
    for token in (match.group() for match in _TOKEN.finditer(text)):
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


_PIECES = st.sampled_from(['"', "\\", "\\\\", '\\"', "[", "]", "{", "}", "a", ":", ",", " "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_the_depth_is_the_token_count_on_any_text(text):
    assert json_depth(text, 1000) == _reference_depth(text)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


@settings(max_examples=300, deadline=None)
@given(_JSON, st.booleans())
def test_a_nul_anywhere_is_refused_and_nothing_else_is(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    if _has_nul(value):
        try:
            json_loads_checked(text)
        except NulCharacterError:
            return
        raise AssertionError(f"a NUL passed: {text!r}")
    try:
        assert json_loads_checked(text) == value
    except JsonLimitError as error:  # only the depth limit may refuse it
        assert "nested" in str(error) or "imbriqué" in str(error)


def test_a_hardware_report_keeps_its_depth_and_an_escaped_backslash_is_no_nul():
    report = {"children": [{"children": [{"id": "disk", "serial": "\\u0000 is text"}]}]}
    text = json.dumps(report)
    assert "\\u0000" in text  # the fast check says "maybe": the walk answers
    assert json_loads_checked(text) == report
    assert json_depth(text, 64) == 5
