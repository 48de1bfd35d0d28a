"""kiln.conda.package_names: one conda-name rule, held to rattler's; PEP 503 names via packaging."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rattler import PackageName

from kiln.conda.package_names import is_valid_package_name, normalized_package_name, pep503_name


def _rattler_accepts(name: str) -> bool:
    try:
        PackageName(name)
    except Exception:
        return False
    return True


NAME_CHARS = st.text(alphabet=st.sampled_from("aZ09_-.*+ /é:"), min_size=1, max_size=12)


@given(NAME_CHARS)
def test_the_name_rule_is_rattlers(name: str) -> None:
    assert is_valid_package_name(name) is _rattler_accepts(name)


@given(st.from_regex(r"[A-Za-z0-9_.\-]{1,20}", fullmatch=True))
def test_normalized_names_are_rattlers(name: str) -> None:
    assert normalized_package_name(name) == PackageName(name).normalized


@pytest.mark.parametrize(
    ("name", "ok"),
    [("python", True), ("_libgcc_mutex", True), ("ca-certificates", True), ("Py.Foo_1", True),
     ("-a", True), ("", False), ("a b", False), ("a*", False), ("a/b", False), ("naïve", False)],
)  # fmt: skip
def test_package_names(name: str, ok: bool) -> None:
    assert is_valid_package_name(name) is ok


@pytest.mark.parametrize(("name", "ok"), [("py*", True), ("*", True), ("a b*", False), ("", False)])
def test_glob_names_are_allowed_only_when_asked(name: str, ok: bool) -> None:
    assert is_valid_package_name(name, glob=True) is ok
    if "*" in name:
        assert not is_valid_package_name(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Flit_Core", "flit-core"), ("jaraco.text", "jaraco-text"), ("A__b--C", "a-b-c"), ("pip", "pip"),
     ("ruamel.yaml", "ruamel-yaml")],
)  # fmt: skip
def test_pep503_names(name: str, expected: str) -> None:
    assert pep503_name(name) == expected


@given(st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?", fullmatch=True))
def test_pep503_names_are_idempotent_conda_names(name: str) -> None:
    once = pep503_name(name)
    assert pep503_name(once) == once
    assert is_valid_package_name(once) and once == once.lower()
