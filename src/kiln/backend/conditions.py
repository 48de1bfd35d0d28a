"""Conditions on a dependency or a table: ``target.<selector>`` keys, ``if(...)`` expressions and ``when`` trees.

These are the rules themselves, for any layer that reads or evaluates them; the
front end's manifest reader adds where in the file a bad one was written.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Literal

from kiln.conda.platforms import KNOWN_PLATFORMS
from kiln.conda.platforms import selector_matches as _platform_matches

if TYPE_CHECKING:
    from kiln.protocol import types as t

#: Selectors naming a family of platforms rather than one.
PLATFORM_FAMILIES = ("unix", "linux", "win", "osx", "macos")


# -- target selectors ------------------------------------------------------------


def is_glob(selector: str) -> bool:
    return "*" in selector or "?" in selector


def is_known_selector(selector: str) -> bool:
    """A platform family or a known platform (globs are allowed only in some tables)."""
    return selector in PLATFORM_FAMILIES or selector in KNOWN_PLATFORMS


def known_selectors() -> tuple[str, ...]:
    return (*PLATFORM_FAMILIES, *KNOWN_PLATFORMS)


def selector_matches(selector: str, platform: str) -> bool:
    """Does ``target.<selector>`` apply to ``platform``? A glob matches platform names."""
    if is_glob(selector):
        return fnmatch.fnmatchcase(platform, selector)
    return _platform_matches(selector, platform)


def selector_specificity(selector: str) -> int:
    """How narrow a selector is: tables of narrower ones apply later, so they win."""
    if selector == "unix":
        return 0
    if selector in PLATFORM_FAMILIES:
        return 1
    if is_glob(selector):
        return 2
    return 3


def selector_expression(selector: str) -> str:
    """The ``if(...)`` expression a deprecated ``[package.target.<selector>]`` stands for."""
    if selector == "macos":
        return "osx"
    if selector in ("unix", "linux", "win", "osx"):
        return selector
    return f"host_platform == '{selector}'"


def if_expression(key: str) -> str | None:
    """The expression of an ``if(<expression>)`` key; None for any other key (or an empty one)."""
    text = key.strip()
    if text.startswith("if(") and text.endswith(")"):
        inner = text[3:-1].strip()
        return inner or None
    return None


# -- `when` conditions -----------------------------------------------------------


def combine(which: Literal["all", "any"], conditions: list[t.MatchSpecCondition]) -> t.MatchSpecCondition:
    """``when.all`` / ``when.any`` as the wire format nests them: pairwise, left to right."""
    from kiln.protocol import types as t

    result = conditions[0]
    for right in conditions[1:]:
        pair = [result, right]
        result = t.MatchSpecCondition(and_=pair) if which == "all" else t.MatchSpecCondition(or_=pair)
    return result


def package_condition(name: str, binary: t.BinaryPackageSpec) -> t.MatchSpecCondition:
    """``when = { package = name, ... }``: the package is in the environment and matches the fields."""
    from kiln.protocol import types as t

    return t.MatchSpecCondition(
        match_spec=t.MatchSpecObject(
            name=name,
            version=binary.version,
            build=binary.build,
            build_number=binary.build_number,
            file_name=binary.file_name,
            extras=binary.extras,
            flags=binary.flags,
            subdir=binary.subdir,
            license=binary.license,
            condition=binary.condition,
        )
    )


class WhenStringError(ValueError):
    """A ``when = "<name> <version>"`` string that is not one; ``help`` says what to write."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


_EXPANDED_HELP = "use the expanded form, e.g. `when = { package = \"python\", version = \">=3.10\" }`"


def split_when_string(text: str, is_package_name) -> tuple[str, str | None]:
    """``"<name> [<version spec>]"``: the exact package name and the version spec text, if any."""
    if "[" in text or "]" in text:
        raise WhenStringError("`when` strings do not support bracket matchspec syntax", help=_EXPANDED_HELP)
    if "::" in text:
        raise WhenStringError("`when` strings do not support channel prefixes")
    parts = text.split()
    if not parts:
        raise WhenStringError("`when` strings must name an exact package")
    name, rest = parts[0], parts[1:]
    if not is_package_name(name) or "*" in name:
        raise WhenStringError("`when` strings must name an exact package")
    if len(rest) > 1:
        raise WhenStringError("`when` strings do not support build-string shorthand", help=_EXPANDED_HELP)
    return name, rest[0] if rest else None
