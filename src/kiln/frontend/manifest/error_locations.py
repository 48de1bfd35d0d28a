"""Errors found after parsing, pointed back at the manifest line that caused them.

A backend rejects ``[package.build.config]`` in its own process and only says
``... - at `$.noarch``` or ``unknown field `noarh```; a source dependency fails
when it is fetched, long after the manifest was read. The manifest reader knows
where every key is written (:class:`~kiln.frontend.manifest.toml_source.Table`), so the
front end maps the key named in such an error back to ``pixi.toml:LINE``,
keeping the original text.
"""

from __future__ import annotations

import re
from typing import Any

from kiln.errors import KilnError, ManifestError
from kiln.frontend.manifest.toml_source import KeyPath, Table, format_key

_AT_PATH = re.compile(r"at `?\$((?:\.[A-Za-z0-9_\-]+|\[\d+\])*)`?")
_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]+)`")
_TARGET = re.compile(r"target configuration `([^`]+)`|\(target `([^`]+)`\)")
_EXPECTED = re.compile(r"Expected `([^`]+)`, got `([^`]+)`")
_TOML_TYPES = {
    "bool": "a boolean (`true` or `false`)", "str": "a string", "int": "an integer", "float": "a number",
    "array": "an array", "object": "a table", "null": "nothing",
}  # fmt: skip


def _split_help(text: str) -> tuple[str, str | None]:
    message, sep, help_text = text.partition("\n  help: ")
    return message.strip(), (help_text.strip() or None) if sep else None


def _json_path(text: str) -> KeyPath:
    """``.env.FOO[0]`` -> ``("env", "FOO", 0)``."""
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _config_table(package: Table, selector: str | None) -> tuple[Table, Any] | None:
    """The ``config`` (or older ``configuration``) table of ``[package.build]`` or of one target."""
    build = package.get("build")
    if not isinstance(build, dict):
        return None
    owner: Table = Table(package.doc, package.path + ("build",), build)
    if selector is not None:
        targets = build.get("target")
        if not isinstance(targets, dict):
            return None
        # kiln sends `osx` targets as `macos`, as pixi does
        key = next((k for k in (selector, "osx" if selector == "macos" else None) if k and k in targets), None)
        if key is None or not isinstance(targets[key], dict):
            return None
        owner = Table(package.doc, owner.path + ("target", key), targets[key])
    name = "config" if "config" in owner else "configuration" if "configuration" in owner else None
    if name is None or not isinstance(owner.get(name), dict):
        return None
    return Table(package.doc, owner.path + (name,), owner.get(name)), owner.get(name)


def _fix(message: str, key: str) -> str | None:
    found = _EXPECTED.search(message)
    if not found:
        return None
    wanted = [t.strip() for t in found.group(1).split("|") if t.strip() != "null"]
    names = " or ".join(_TOML_TYPES.get(t, f"`{t}`") for t in wanted) or "another value"
    return f"give `{key}` {names}, or remove it to get the default"


def locate_config_error(exc: KilnError, package: Table | None) -> ManifestError | None:
    """The backend's configuration error at the line of the key it names; None if it names none."""
    if package is None or isinstance(exc, ManifestError):
        return None
    message, help_text = _split_help(str(exc))
    target = _TARGET.search(message)
    selector = (target.group(1) or target.group(2)) if target else None
    found = _config_table(package, selector)
    if found is None:
        return None
    config, data = found
    keys: KeyPath = ()
    at = _AT_PATH.search(message)
    if at:
        keys = _json_path(at.group(1))
    unknown = _UNKNOWN_FIELD.search(message)
    if unknown:
        keys = (*keys, unknown.group(1))
    if not keys:  # e.g. "`abi3 = true` is incompatible ...": the first option it names
        named = [k for k in re.findall(r"`([A-Za-z0-9_\-]+)|^([A-Za-z0-9_\-]+) = ", message) for k in k if k in data]
        if not named and not message.startswith("failed to parse"):
            return None  # not about the configuration
        keys = tuple(named[:1])
    full = format_key(config.path + keys)
    fix = help_text or _fix(message, full)
    return config.error(f"`{full}`: {message}" if keys else f"`[{config.name}]`: {message}", *keys, help=fix)


def locate_package_error(exc: KilnError, package: Table | None) -> ManifestError | None:
    """A backend's "no name/version defined" at the line of ``[package]``, where the key is missing."""
    if package is None or isinstance(exc, ManifestError):
        return None
    message, help_text = _split_help(str(exc))
    for key in ("name", "version"):
        if f"no {key} defined" in message and key not in package:
            return package.error(message, help=help_text or f"set `{key}` in `[{package.name}]`")
    return None


def _dependency_key(package: Table, name: str) -> KeyPath | None:
    """Where the dependency ``name`` (a source spec) is written below ``[package]``."""
    wanted = name.lower()
    best: KeyPath | None = None
    for path in package.doc.key_paths():
        if path[: len(package.path)] != package.path or len(path) <= len(package.path):
            continue
        last = path[-1]
        if isinstance(last, str) and last.lower() == wanted:
            rel = path[len(package.path):]
            if best is None:
                best = rel
            value: Any = package.data
            for part in rel:
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, dict) and any(k in value for k in ("path", "git", "url")):
                return rel
    return best


def locate_source_error(exc: KilnError, package: Table | None, name: str | None) -> KilnError:
    """A source error at the line of the dependency ``name`` (None: ``[package.build].source``).

    ``exc.key`` (when the source code set it) names the field at fault, e.g.
    ``sha256`` or ``branch``; else the dependency itself is pointed at.
    """
    if package is None or isinstance(exc, ManifestError):
        return exc
    where = ("build", "source") if name is None else _dependency_key(package, name)
    if where is None:
        return exc
    value: Any = package.data
    for part in where:
        value = value.get(part) if isinstance(value, dict) else None
    field = getattr(exc, "key", None)
    if isinstance(value, dict):
        if field not in value:
            field = next((k for k in ("path", "git", "url") if k in value), None)
        keys: KeyPath = (*where, field) if field else where
    else:
        keys = where
    return package.error(exc.message, *keys, help=exc.help)
