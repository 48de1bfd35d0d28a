"""Conda version specs (``>=1.2,<2``, ``1.2.*``): validating them and their canonical spelling."""

from __future__ import annotations

import re

_OPERATORS = ("==", "!=", ">=", "<=", "~=", ">", "<", "=")
#: The version of one constraint: a conda version that may end in (or hold) ``*`` globs.
_SPEC_VERSION = re.compile(r"(\d+!)?[A-Za-z0-9_+*](?:[A-Za-z0-9_.+*\-]*[A-Za-z0-9_+*])?")
_CONSTRAINT = re.compile(r"(==|!=|>=|<=|~=|>|<|=)?(.+)")


class InvalidVersionSpec(ValueError):
    """The text is not a conda version spec."""


def normalize_version_spec(text: str) -> str:
    """The canonical spelling rattler prints for a version spec.

    ``1.2`` -> ``==1.2``, ``=1.2`` and ``==1.2.*`` -> ``1.2.*``, spaces removed;
    anything else is kept. Applied to each ``,``/``|`` separated part.
    """
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return compact

    def part(p: str) -> str:
        if p == "*" or not p:
            return p
        if p.startswith("=") and not p.startswith("=="):
            body = p[1:]
            return body if body.endswith("*") else f"{body}.*"
        if p.startswith("==") and p.endswith(".*"):
            return p[2:]
        if any(p.startswith(op) for op in _OPERATORS):
            return p
        if "*" in p:
            return p
        return f"=={p}"

    return "|".join(",".join(part(p) for p in alt.split(",")) for alt in compact.split("|"))


def parse_version_spec(text: str) -> str:
    """A version spec as written in a manifest, checked and in canonical spelling.

    Spaces around ``,``/``|`` and after an operator are allowed (``>= 1.2, < 2``);
    any other space, an empty part or a part that is not ``[operator]version`` raises
    :class:`InvalidVersionSpec`.
    """
    compact = re.sub(r"\s*([,|])\s*", r"\1", text.strip())
    compact = re.sub(r"(==|!=|>=|<=|~=|>|<|=)\s+", r"\1", compact)
    if (
        not compact
        or re.search(r"\s", compact)
        or not all(_valid_constraint(part) for alt in compact.split("|") for part in alt.split(","))
    ):
        raise InvalidVersionSpec(f"`{text}` is not a valid version spec")
    return normalize_version_spec(compact)


def _valid_constraint(part: str) -> bool:
    if part == "*":
        return True
    found = _CONSTRAINT.fullmatch(part)
    if not found or not found.group(2):
        return False
    version = found.group(2)
    return bool(_SPEC_VERSION.fullmatch(version)) and ".." not in version
