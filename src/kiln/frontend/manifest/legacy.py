"""Older manifest forms: the ones pixi still reads with a deprecation warning, and the removed ones.

Deprecated forms keep working; each warns once per run with pixi's wording
(``pixi_manifest``'s ``Deprecation`` messages and the ``eprintln!`` warnings of
``toml/build_backend.rs``). Removed forms -- the pre-2025 pixi-build layout
(``[build-system]``, package tables at the top level, ``preview = ["build"]``)
-- get one migration message listing every older form in the file, each with
what to write instead and ending with the ``kiln migrate`` command, instead of
an "unknown key" for the first one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.backend import conditions
from kiln.errors import ManifestError
from kiln.frontend.manifest.toml_source import KeyPath, TomlDocument

#: The preview features pixi knows; others only warn.
KNOWN_PREVIEW = ("pixi-build",)
#: Package tables that were written at the top level before they moved under ``[package]`` (January 2025).
PACKAGE_ONLY_TABLES = ("run-dependencies", "run-constraints", "extra-dependencies", "run-exports")
#: Tables the pre-2025 layout read as the package's when pixi-build was enabled.
OLD_PACKAGE_TABLES = ("host-dependencies", "build-dependencies", "run-dependencies")


@dataclass(frozen=True)
class Finding:
    """One older form at one line."""

    line: int | None
    message: str
    """pixi's deprecation wording, or for a removed form what it is and what to write."""
    removed: bool


def renamed(old: str, new: str) -> str:
    """pixi's ``Deprecation::renamed_field`` wording."""
    return f"The `{old}` field is deprecated. Use `{new}` instead."


def is_old_layout(pixi: dict[str, Any]) -> bool:
    """Does the manifest use the pre-2025 pixi-build layout, where top-level dependency tables were the package's?"""
    return "build-system" in pixi or "build-backend" in pixi or "build" in _preview_flags(pixi)


def _preview_flags(pixi: dict[str, Any]) -> list[str]:
    workspace = pixi.get("workspace", pixi.get("project"))
    preview = workspace.get("preview") if isinstance(workspace, dict) else None
    return [flag for flag in preview if isinstance(flag, str)] if isinstance(preview, list) else []


def find_older_forms(doc: TomlDocument, prefix: KeyPath) -> list[Finding]:
    """Every older form in the pixi tables at ``prefix`` (``()`` or ``("tool", "pixi")``), in line order."""
    pixi = doc.table(prefix).data
    found: list[Finding] = []

    def add(path: KeyPath, message: str, *, removed: bool) -> None:
        found.append(Finding(doc.line_of(prefix + path), message, removed))

    old = is_old_layout(pixi)
    ws_key = "workspace" if "workspace" in pixi else "project"
    workspace = pixi.get(ws_key) if isinstance(pixi.get(ws_key), dict) else {}
    package = pixi.get("package") if isinstance(pixi.get("package"), dict) else None

    # -- the workspace -------------------------------------------------------
    if "project" in pixi and "workspace" not in pixi:
        add(("project",), renamed("project", "workspace"), removed=False)
    preview = workspace.get("preview")
    if isinstance(preview, list):
        unknown = []
        for index, flag in enumerate(preview):
            if flag == "build":
                add((ws_key, "preview", index), '`preview = ["build"]`: write `preview = ["pixi-build"]`', removed=True)
            elif isinstance(flag, str) and flag not in KNOWN_PREVIEW:
                unknown.append(flag)
        if unknown:
            s, are = ("s", "are") if len(unknown) > 1 else ("", "is")
            add((ws_key, "preview"), f"The preview flag{s}: {', '.join(unknown)} {are} defined in the manifest but "
                "un-used in pixi", removed=False)  # fmt: skip
    if workspace.get("conda-pypi-map") == {}:
        add((ws_key, "conda-pypi-map"), "`conda-pypi-map = {}` is deprecated", removed=False)

    # -- the pre-2025 build layout ---------------------------------------------
    system = pixi.get("build-system")
    if isinstance(system, dict):
        add(("build-system",), "`[build-system]`: write `[package.build.backend]`", removed=True)
        if "build-backend" in system:
            spec = _inline(system["build-backend"])
            message = f"`build-backend = {spec}`: write `[package.build] backend = {spec}`"
            add(("build-system", "build-backend"), message, removed=True)
        for key in ("channels", "additional-dependencies"):
            if key in system:
                add(("build-system", key), f"`[build-system] {key}`: write `[package.build] backend.{key}`",
                    removed=True)  # fmt: skip
    if isinstance(pixi.get("build-backend"), dict):
        add(("build-backend",), "`[build-backend.<backend>]`: write `[package.build.config]`", removed=True)
    moved = old and package is not None
    for key in PACKAGE_ONLY_TABLES + (("host-dependencies", "build-dependencies") if moved else ()):
        if key in pixi:
            add((key,), f"`[{key}]` outside `[package]`: write `[package.{key}]`", removed=True)
    if not moved:
        for key in ("host-dependencies", "build-dependencies"):
            if key in pixi:
                add((key,), renamed(key, "dependencies"), removed=False)
    for selector, target in _tables(pixi.get("target")):
        for key in OLD_PACKAGE_TABLES if moved else ("run-dependencies",):
            if key in target:
                where = f'[package.{key}."if({_expression(selector)})"]'
                add(("target", selector, key), f"`[target.{selector}.{key}]` outside `[package]`: write `{where}`",
                    removed=True)  # fmt: skip
    if moved:
        for key in ("name", "version"):
            if key not in package and key in workspace:
                add(("package",), f"`[package]` without `{key}` took it from the workspace: write "
                    f"`{key} = {{ workspace = true }}`", removed=True)  # fmt: skip

    # -- deprecated forms of the current layout ----------------------------------
    for name, feature in _tables(pixi.get("feature")):
        for key in ("host-dependencies", "build-dependencies"):
            if key in feature:
                add(("feature", name, key), renamed(key, "dependencies"), removed=False)
        if feature.get("system-requirements"):
            add(("feature", name, "system-requirements"), _SYSTEM_REQUIREMENTS, removed=False)
    if pixi.get("system-requirements"):
        add(("system-requirements",), _SYSTEM_REQUIREMENTS, removed=False)
    for path, _ in _tasks(pixi):
        add(path + ("depends_on",), renamed("depends_on", "depends-on"), removed=False)
    if package is not None:
        _package_forms(package, add)
    return sorted(found, key=lambda f: f.line or 0)


_SYSTEM_REQUIREMENTS = "the `[system-requirements]` table is deprecated in favor of virtual packages on `platforms`"


def _package_forms(package: dict[str, Any], add: Callable[..., None]) -> None:
    build = package.get("build")
    if isinstance(build, dict):
        backend = build.get("backend") if isinstance(build.get("backend"), dict) else {}
        if "channels" in build:
            if "channels" in backend:
                message = "Both top-level 'channels' and 'backend.channels' are specified. Using 'backend.channels'."
            else:
                message = "Top-level 'channels' in [package.build] is deprecated. Please move to 'backend.channels'."
            add(("package", "build", "channels"), message, removed=False)
        if build.get("additional-dependencies"):
            if backend.get("additional-dependencies"):
                message = ("Both top-level 'additional-dependencies' and 'backend.additional-dependencies' are "
                           "specified. Using 'backend.additional-dependencies'.")  # fmt: skip
            else:
                message = ("Top-level 'additional-dependencies' in [package.build] is deprecated. Please move to "
                           "'backend.additional-dependencies'.")  # fmt: skip
            add(("package", "build", "additional-dependencies"), message, removed=False)
        if "configuration" in build and "config" not in build:
            add(("package", "build", "configuration"), renamed("configuration", "config"), removed=False)
        for selector, target in _tables(build.get("target")):
            if "configuration" in target and "config" not in target:
                add(("package", "build", "target", selector, "configuration"), renamed("configuration", "config"),
                    removed=False)  # fmt: skip
    for selector, target in _tables(package.get("target")):
        tables = ", ".join(f'[package.{key}."if({_expression(selector)})"]' for key in target)
        add(("package", "target", selector), "the `[package.target]` tables are deprecated in favor of conditional "
            f"dependencies: move the dependencies to {tables}", removed=False)  # fmt: skip


def _inline(value: Any) -> str:
    """A parsed value written back as TOML, for messages (strings and flat tables of strings)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_inline(item)}" for key, item in value.items()) + " }"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _tables(value: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(k, v) for k, v in value.items() if isinstance(v, dict)] if isinstance(value, dict) else []


def _tasks(pixi: dict[str, Any]) -> list[tuple[KeyPath, dict[str, Any]]]:
    """Tasks that use ``depends_on``, with their key path."""
    scopes: list[tuple[KeyPath, Any]] = [((), pixi)]
    scopes += [(("feature", name), feature) for name, feature in _tables(pixi.get("feature"))]
    scopes += [(("target", sel), target) for sel, target in _tables(pixi.get("target"))]
    for name, feature in _tables(pixi.get("feature")):
        scopes += [(("feature", name, "target", sel), target) for sel, target in _tables(feature.get("target"))]
    return [
        (path + ("tasks", task), body)
        for path, scope in scopes
        for task, body in _tables(scope.get("tasks"))
        if "depends_on" in body
    ]


def _expression(selector: str) -> str:
    """The condition a ``target.<selector>`` lowers to (pixi's ``target_selector_expression``)."""
    return conditions.selector_expression(selector)


def check_older_forms(doc: TomlDocument, prefix: KeyPath) -> None:
    """Raise the migration message for removed forms; warn (once per run) about deprecated ones."""
    found = find_older_forms(doc, prefix)
    if any(f.removed for f in found):
        raise migration_error(doc.path, found)
    for finding in found:
        warn(doc.path, finding.line, finding.message)


def migration_error(path: Path, found: list[Finding]) -> ManifestError:
    """One message listing every older form, each at its line, ending with the command that rewrites them."""
    first = next(f for f in found if f.removed)
    lines = [f"the manifest uses older forms that pixi no longer accepts ({sum(f.removed for f in found)} removed, "
             f"{sum(not f.removed for f in found)} deprecated):"]  # fmt: skip
    for finding in found:
        where = f"{path}:{finding.line}" if finding.line else str(path)
        lines.append(f"  {where}: {finding.message}" + ("" if finding.removed else " (deprecated)"))
    lines.append(f"rewrite it in the current form with: kiln migrate --manifest-path {path}")
    return ManifestError("\n".join(lines), path=path, line=first.line)


# ---------------------------------------------------------------------------
# warnings, once per run
# ---------------------------------------------------------------------------

_seen: set[tuple[str, int | None, str]] = set()


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


_sink: Callable[[str], None] = _stderr


def set_warning_sink(sink: Callable[[str], None] | None) -> None:
    """Send manifest warnings to ``sink`` (a front end's reporter) instead of stderr; None restores stderr."""
    global _sink
    _sink = sink or _stderr


def warn(path: Path, line: int | None, message: str) -> None:
    """``warning: FILE:LINE: MESSAGE``, once per run however often the manifest is read."""
    key = (str(path), line, message)
    if key in _seen:
        return
    _seen.add(key)
    _sink(f"warning: {path}:{line}: {message}" if line else f"warning: {path}: {message}")
