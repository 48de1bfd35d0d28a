"""kiln.conda.pins: pin bounds on rattler's Version (the wider cases are in tests/backend/test_pin_bounds.py)."""

from __future__ import annotations

import pytest
from rattler import Version, VersionSpec

from kiln.conda.pins import is_pin_expression, pin_range


@pytest.mark.parametrize(("bound", "expected"), [("x", True), ("x.x.x", True), ("1.2", False), ("x.1", False)])
def test_is_pin_expression(bound: str, expected: bool) -> None:
    assert is_pin_expression(bound) is expected


@pytest.mark.parametrize(
    ("version", "lower", "upper", "expected"),
    [("1.2.3", "x.x", "x", ">=1.2,<2.0a0"), ("1.2.3", "x.x.x.x.x.x", "x", ">=1.2.3,<2.0a0"),
     ("1.2rc1", None, "x.x", "<1.2a2"), ("1.2.3", "1.0", "3", ">=1.0,<3"), ("1.2.3", None, None, "*")],
)  # fmt: skip
def test_pin_range(version: str, lower: str | None, upper: str | None, expected: str) -> None:
    assert pin_range(version, lower, upper) == expected


#: Not for a pre-release: rattler-build's ``x.x`` range of ``1.2rc1`` is ``>=1.2rc1,<1.2a2``, which
#: ``1.2rc1`` itself does not satisfy (``rc`` sorts after ``a``); kiln writes what rattler-build writes.
@pytest.mark.parametrize("version", ["1.2.3", "0.9", "2024.1.1", "1.0.post1", "1!2.3.4"])
def test_the_pinned_version_satisfies_its_own_range(version: str) -> None:
    assert VersionSpec(pin_range(version, "x.x", "x.x")).matches(Version(version))


def test_an_expression_needs_an_x() -> None:
    with pytest.raises(ValueError, match="at least one `x`"):
        pin_range("1.2", None, "..")
