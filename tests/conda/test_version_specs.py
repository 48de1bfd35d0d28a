"""kiln.conda.version_specs: manifest version specs checked, and spelled as rattler prints them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rattler import VersionSpec

from kiln.conda.version_specs import InvalidVersionSpec, normalize_version_spec, parse_version_spec

CANONICAL = [("1.2", "==1.2"), ("=1.2", "1.2.*"), ("=1.2.*", "1.2.*"), ("==1.2.*", "1.2.*"), (">= 1.0 , <2", ">=1.0,<2"),
             ("3.12.*", "3.12.*"), ("*", "*"), (">=1,<2|>3", ">=1,<2|>3"), ("~=1.2", "~=1.2"), ("!=1.3", "!=1.3"),
             ("", "")]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CANONICAL)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_version_spec(text) == expected


@pytest.mark.parametrize(("text", "expected"), [c for c in CANONICAL if c[0]])
def test_normal_form_is_what_rattler_prints(text: str, expected: str) -> None:
    assert str(VersionSpec(expected)) == expected
    assert str(VersionSpec(normalize_version_spec(text))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(">=1.2", ">=1.2"), (">= 1.2, < 2", ">=1.2,<2"), ("1.2.*", "1.2.*"), ("=1.2", "1.2.*"), ("1.2", "==1.2"),
     ("*", "*"), (" >=1 | <0.5 ", ">=1|<0.5"), ("2!1.0", "==2!1.0"), ("1.0+local", "==1.0+local")],
)  # fmt: skip
def test_parse(text: str, expected: str) -> None:
    assert parse_version_spec(text) == expected


@pytest.mark.parametrize("text", ["", "   ", ">=", "1..2", ">=1,", "1.2 h0", "a b", ">=1,,<2", "|", "./path"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidVersionSpec, match="is not a valid version spec"):
        parse_version_spec(text)


VERSION = st.from_regex(r"(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){0,3}", fullmatch=True)
CONSTRAINT = st.tuples(st.sampled_from(["", "==", "!=", ">=", "<=", ">", "<", "~=", "="]), VERSION).map("".join)
SPEC = st.lists(st.lists(CONSTRAINT, min_size=1, max_size=3).map(",".join), min_size=1, max_size=2).map("|".join)


@given(SPEC)
def test_parsed_specs_are_rattlers_canonical_spelling(text: str) -> None:
    parsed = parse_version_spec(text)
    assert str(VersionSpec(parsed)) == parsed
    assert parse_version_spec(parsed) == parsed
