"""Conda match-spec text: writing specs and reading them back.

Only the canonical forms that rattler and rattler-build write are read here
(``name [version [build]][key="value", ...]``); this keeps ``conda/outputs`` free
of a ``rattler`` import. Writing follows rattler's ``Display`` of a MatchSpec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kiln.conda.package_names import is_valid_package_name

_OPERATORS = ("==", "!=", ">=", "<=", "~=", ">", "<", "=")
_BRACKET_KEYS_ORDER = ("extras", "flags", "md5", "sha256", "build_number", "fn", "url", "license", "channel", "subdir")


def _quote_value(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_spec(
    name: str,
    version: str | None = None,
    build: str | None = None,
    brackets: dict[str, str | list[str]] | None = None,
) -> str:
    """``name [version [build]][k="v", ...]`` (version ``*`` fills in for a build-only spec)."""
    text = name
    if build is not None and version is None:
        version = "*"
    if version is not None:
        text += f" {version}"
    if build is not None:
        text += f" {build}"
    if brackets:
        parts = []
        ordered = sorted(brackets, key=lambda k: _BRACKET_KEYS_ORDER.index(k) if k in _BRACKET_KEYS_ORDER else 99)
        for key in ordered:
            value = brackets[key]
            if isinstance(value, list):
                parts.append(f"{key}=[{', '.join(value)}]")
            else:
                parts.append(f"{key}={_quote_value(value)}")
        text += "[" + ", ".join(parts) + "]"
    return text


@dataclass
class ParsedSpec:
    """A match spec read back from its text form."""

    name: str
    version: str | None = None
    build: str | None = None
    brackets: dict[str, str] = field(default_factory=dict)
    channel: str | None = None

    @property
    def is_bare(self) -> bool:
        return self.version is None and self.build is None and not self.brackets and self.channel is None


_BRACKET_ITEM = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|(\[[^\]]*\])|([^,\]]+))\s*,?')


def parse_spec(text: str) -> ParsedSpec:
    """Parse ``[channel::]name [version [build]][key=value, ...]``.

    Raises ``ValueError`` for text that is not a match spec.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty match spec")
    brackets: dict[str, str] = {}
    if text.endswith("]") and "[" in text:
        open_at = text.index("[")
        inner = text[open_at + 1 : -1]
        text = text[:open_at].rstrip()
        pos = 0
        while pos < len(inner):
            m = _BRACKET_ITEM.match(inner, pos)
            if not m or m.end() == pos:
                raise ValueError(f"invalid bracket section `[{inner}]`")
            key = m.group(1)
            value = next(g for g in m.group(2, 3, 4, 5) if g is not None)
            if m.group(2) is not None:
                value = re.sub(r"\\(.)", r"\1", value)
            brackets[key] = value.strip()
            pos = m.end()
    channel = None
    if "::" in text.split(" ", 1)[0]:
        channel, text = text.split("::", 1)
    parts = text.split()
    if not parts:
        raise ValueError("match spec without a package name")
    name = parts[0]
    version = parts[1] if len(parts) > 1 else None
    build = parts[2] if len(parts) > 2 else None
    if len(parts) > 3:
        raise ValueError(f"cannot parse match spec `{text}`")
    if version is not None and any(version.startswith(op) for op in _OPERATORS) and version in _OPERATORS:
        raise ValueError(f"cannot parse match spec `{text}`")
    if "version" in brackets and version is None:
        version = brackets.pop("version")
    if "build" in brackets and build is None:
        build = brackets.pop("build")
    if not is_valid_package_name(name, glob=True):
        raise ValueError(f"invalid package name `{name}`")
    return ParsedSpec(name=name, version=version, build=build, brackets=brackets, channel=channel)
