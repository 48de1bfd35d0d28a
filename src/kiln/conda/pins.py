"""Version ranges of ``pin_subpackage``/``pin_compatible`` bounds, computed as rattler-build does."""

from __future__ import annotations


def is_pin_expression(bound: str) -> bool:
    """``x``, ``x.x``, ...: a bound counted in version segments, not a version."""
    return all(ch in "x." for ch in bound)


def pin_range(version: str, lower: str | None, upper: str | None) -> str:
    """The version range a pin with these bounds gives on a concrete ``version``.

    rattler-build's rules, on rattler's own version type so that pre-releases,
    post-releases, dev releases, epochs and local versions come out the same
    (``1.2rc1`` with ``upper_bound="x.x"`` is ``<1.2a2``). An expression's length
    is its number of ``x``; the lower bound keeps that many segments, the upper bound
    bumps the last of them and appends ``a0``. A bound that is a version is used as
    it is. rattler is imported here, not at module import: ``initialize`` must not
    pay for it.
    """
    from rattler import Version

    parsed = Version(version)
    specs: list[str] = []
    if lower is not None:
        if is_pin_expression(lower):
            keep = min(_digits(lower), parsed.segment_count)
            specs.append(f">={parsed.with_segments(0, keep)}")
        else:
            specs.append(f">={Version(lower)}")
    if upper is not None:
        if is_pin_expression(upper):
            digits = _digits(upper)
            head = parsed.with_segments(0, min(digits, parsed.segment_count))
            specs.append(f"<{head.bump_segment(digits - 1).with_alpha().remove_local()}")
        else:
            specs.append(f"<{Version(upper)}")
    return ",".join(specs) if specs else "*"


def _digits(expression: str) -> int:
    count = expression.count("x")
    if count == 0:
        raise ValueError("a pin bound expression needs at least one `x`")
    return count
