"""kiln.conda.pep440: the one PEP 440 -> conda converter, and the cases of its three callers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version as Pep440Version
from rattler import Version, VersionSpec

from kiln.conda.pep440 import conda_version_spec


@pytest.mark.parametrize(
    ("specifiers", "expected"),
    [(">=1.0,<2", ">=1.0,<2"), (">= 3.9, <4", ">=3.9,<4"), ("~=1.4.2", "~=1.4.2"), ("==1.2.*", "1.2.*"),
     ("!=1.3.*", "!=1.3.*"), ("===1.0", "==1.0"), ("==26.3", "==26.3"), ("<=2", "<=2"), (">1", ">1"),
     ("", ""), (" , ", "")],
)  # fmt: skip
def test_written_order(specifiers: str, expected: str) -> None:
    assert conda_version_spec(specifiers) == expected


def test_sort_gives_one_spelling_for_a_set() -> None:
    assert conda_version_spec(">=1.0,<2", sort=True) == "<2,>=1.0"
    assert conda_version_spec(str(SpecifierSet("<2,>=1.0")), sort=True) == conda_version_spec("<2, >=1.0", sort=True)


@pytest.mark.parametrize("specifiers", [">=3.x", "1.0", "<<1", "=>1"])
def test_invalid_specifiers_raise_packagings_error(specifiers: str) -> None:
    with pytest.raises(InvalidSpecifier):
        conda_version_spec(specifiers)


RELEASE = st.lists(st.integers(0, 4), min_size=1, max_size=3).map(lambda xs: ".".join(map(str, xs)))
SPECIFIER = st.tuples(st.sampled_from(["==", "!=", ">=", "<=", ">", "<"]), RELEASE).map("".join)


@given(st.lists(SPECIFIER, min_size=1, max_size=3).map(",".join), RELEASE)
def test_conda_spec_matches_the_same_release_versions(specifiers: str, version: str) -> None:
    """For release versions, the conda spec admits exactly what the PEP 440 set admits."""
    spec = VersionSpec(conda_version_spec(specifiers))
    assert spec.matches(Version(version)) is (Pep440Version(version) in SpecifierSet(specifiers))
