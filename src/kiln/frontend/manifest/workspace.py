"""The pixi workspace a package belongs to: channels, platforms, build variants, shared metadata.

A package manifest is either itself the workspace manifest (it has a
``[workspace]`` table, or the older ``[project]``) or lies below one: the nearest
enclosing directory whose manifest has a workspace table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.backend.conditions import selector_matches, selector_specificity
from kiln.conda.platforms import KNOWN_PLATFORMS
from kiln.errors import ManifestError
from kiln.conda.urls import DEFAULT_CHANNEL_ALIAS, InvalidChannel, channel_location
from kiln.frontend.manifest.dependency_specs import PoolEntry, SpecContext, package_name, validate_pool_entry
from kiln.frontend.manifest.fields import existing_file, pyproject_project_fields, spdx_license, url_field, version_field
from kiln.frontend.manifest.manifest_files import ManifestFile, find_manifest, manifest_at
from kiln.frontend.manifest.targets import target_selector
from kiln.frontend.manifest.toml_source import Table, format_key, suggest, toml_type

#: Keys of ``[workspace]`` (pixi's own list).
WORKSPACE_KEYS = (
    "name", "version", "description", "authors", "channels", "channel-priority", "solve-strategy", "platforms",
    "license", "license-file", "readme", "homepage", "repository", "documentation", "conda-pypi-map",
    "pypi-options", "s3-options", "preview", "target", "build-variants", "build-variants-files", "requires-pixi",
    "exclude-newer", "dependencies",
)  # fmt: skip


@dataclass
class Workspace:
    """What a package build takes from its workspace."""

    root: Path
    """Directory of the workspace manifest."""
    manifest_path: Path
    name: str | None
    channels: list[str]
    """Full URLs (names resolved against the channel alias) or absolute local paths, priority order."""
    platforms: list[str]
    preview: list[str]
    """Enabled preview features; ``["*"]`` for ``preview = true``."""
    build_variants: dict[str, list[Any]]
    target_build_variants: dict[str, dict[str, list[Any]]]
    """``[workspace.target.<selector>.build-variants]`` by selector, in manifest order."""
    build_variants_files: list[Path]
    version: str | None = None
    description: str | None = None
    authors: list[str] | None = None
    license: str | None = None
    license_file: Path | None = None
    """Absolute."""
    readme: Path | None = None
    """Absolute."""
    homepage: str | None = None
    repository: str | None = None
    documentation: str | None = None
    dependencies: dict[str, PoolEntry] = field(default_factory=dict)
    """The ``[workspace.dependencies]`` pool by normalized name."""
    channel_alias: str = DEFAULT_CHANNEL_ALIAS

    def is_preview_enabled(self, feature: str) -> bool:
        return "*" in self.preview or feature in self.preview

    def variants_for(self, platform: str) -> dict[str, list[Any]]:
        """The build variants for ``platform``: target tables override the base, most specific last."""
        merged = dict(self.build_variants)
        matching = [
            (selector_specificity(selector), variants)
            for selector, variants in self.target_build_variants.items()
            if selector_matches(selector, platform)
        ]
        for _, variants in sorted(matching, key=lambda item: item[0]):
            merged.update(variants)
        return {key: merged[key] for key in sorted(merged)}


def load_workspace(path: Path, *, channel_alias: str = DEFAULT_CHANNEL_ALIAS) -> Workspace:
    """The workspace the manifest at (or the directory) ``path`` belongs to."""
    path = path.absolute()
    manifest = manifest_at(path) if path.exists() else None
    if manifest is None and not path.exists():
        raise ManifestError(f"{path} does not exist")
    start = manifest.directory if manifest is not None else (path if path.is_dir() else path.parent)
    workspace_manifest = find_workspace_manifest(manifest, start)
    return workspace_from(workspace_manifest, channel_alias=channel_alias)


def find_workspace_manifest(manifest: ManifestFile | None, start: Path) -> ManifestFile:
    """``manifest`` if it holds a workspace, else the nearest enclosing workspace manifest."""
    if manifest is not None and manifest.workspace_table() is not None:
        return manifest
    for directory in start.parents if manifest is not None else (start, *start.parents):
        candidate = find_manifest(directory)
        if candidate is not None and candidate.workspace_table() is not None:
            return candidate
    package = manifest.package_table() if manifest is not None else None
    if package is not None:
        raise package.error(
            "no pixi workspace found: the manifest has no `[workspace]` table and no enclosing directory has one",
            help="add a `[workspace]` table (with `channels` and `platforms`) here or in a parent directory",
        )
    where = manifest.path if manifest is not None else start
    raise ManifestError(
        "no pixi workspace found: the manifest has no `[workspace]` table and no enclosing directory has one",
        path=where,
        help="add a `[workspace]` table (with `channels` and `platforms`) here or in a parent directory",
    )


def workspace_from(manifest: ManifestFile, *, channel_alias: str = DEFAULT_CHANNEL_ALIAS) -> Workspace:
    """Read the workspace table of ``manifest`` (which must have one)."""
    table = manifest.workspace_table()
    assert table is not None
    table.check_keys(WORKSPACE_KEYS)
    root = manifest.directory
    defaults = pyproject_project_fields(manifest) if manifest.is_pyproject else {}

    if "channels" not in table:
        raise table.error(f"missing key `channels` in `[{table.name}]`")
    preview = _preview(table)
    workspace = Workspace(
        root=root,
        manifest_path=manifest.path,
        name=table.string("name") or defaults.get("name") or _package_name(manifest),
        channels=_channels(table, root, channel_alias),
        platforms=_platforms(table),
        preview=preview,
        build_variants=_variants(table) or {},
        target_build_variants=_target_variants(table),
        build_variants_files=_variant_files(table, root),
        version=version_field(table, "version") or defaults.get("version"),
        description=table.string("description") or defaults.get("description"),
        authors=table.string_list("authors") or defaults.get("authors"),
        license=spdx_license(table, "license"),
        license_file=existing_file(table, "license-file", root),
        readme=existing_file(table, "readme", root),
        homepage=url_field(table, "homepage"),
        repository=url_field(table, "repository"),
        documentation=url_field(table, "documentation"),
        channel_alias=channel_alias,
    )
    workspace.dependencies = _pool(table, workspace)
    return workspace


# ---------------------------------------------------------------------------
# workspace-only fields
# ---------------------------------------------------------------------------


def _package_name(manifest: ManifestFile) -> str | None:
    """pixi names a nameless workspace after the package declared beside it."""
    package = manifest.pixi.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) else None


def _channels(table: Table, root: Path, alias: str) -> list[str]:
    entries = table.array("channels") or []
    prioritized: list[tuple[int, str]] = []
    for index, entry in enumerate(entries):
        priority = 0
        if isinstance(entry, dict):
            item = Table(table.doc, table.path + ("channels", index), entry)
            item.check_keys(("channel", "priority"))
            name = item.string("channel", required=True)
            priority = item.integer("priority") or 0
        elif isinstance(entry, str):
            name = entry
        else:
            raise table.error(
                f"`{format_key(table.path + ('channels', index))}` must be a string or a table, found {toml_type(entry)}",
                "channels",
                index,
            )
        try:
            prioritized.append((priority, channel_location(name, root=root, alias=alias)))
        except InvalidChannel as exc:
            raise table.error(str(exc), "channels", index) from None
    prioritized.sort(key=lambda item: -item[0])  # stable: equal priorities keep manifest order
    return [location for _, location in prioritized]


def _platforms(table: Table) -> list[str]:
    platforms: list[str] = []
    for index, entry in enumerate(table.array("platforms") or []):
        if isinstance(entry, dict):
            item = Table(table.doc, table.path + ("platforms", index), entry)
            subdir = item.string("platform") or item.string("name")
            key: tuple[str | int, ...] = ("platforms", index, "platform" if "platform" in entry else "name")
        elif isinstance(entry, str):
            subdir, key = entry, ("platforms", index)
        else:
            raise table.error(f"a platform must be a string or a table, found {toml_type(entry)}", "platforms", index)
        if subdir not in KNOWN_PLATFORMS:
            close = suggest(str(subdir), KNOWN_PLATFORMS)
            raise table.error(
                f"`{subdir}` is not a known platform", *key, help=f"did you mean `{close}`?" if close else None
            )
        if subdir not in platforms:
            platforms.append(subdir)
    return platforms


def _preview(table: Table) -> list[str]:
    value = table.get("preview")
    if value is None or value is False:
        return []
    if value is True:
        return ["*"]
    if not isinstance(value, list):
        raise table.error(
            f"`preview` must be `true` or a list of features such as `[\"pixi-build\"]`, found {toml_type(value)}",
            "preview",
        )
    return table.string_list("preview") or []


def _variants(table: Table) -> dict[str, list[Any]] | None:
    variants = table.table("build-variants")
    if variants is None:
        return None
    result: dict[str, list[Any]] = {}
    for key, values in variants.items():
        if not isinstance(values, list):
            raise variants.wrong_type(key, "an array of variant values", values)
        for index, value in enumerate(values):
            if not isinstance(value, (str, int, bool)):
                raise variants.error(
                    f"a variant value must be a string, integer or boolean, found {toml_type(value)}", key, index
                )
        result[key] = list(values)
    return result


def _target_variants(table: Table) -> dict[str, dict[str, list[Any]]]:
    targets = table.table("target")
    result: dict[str, dict[str, list[Any]]] = {}
    if targets is None:
        return result
    for selector in targets:
        target = targets.table(selector)
        assert target is not None
        target_selector(targets, selector, allow_glob=True)
        if "build-variants-files" in target:
            raise target.error(
                "`build-variants-files` cannot be target specific", "build-variants-files",
                help="list the files in `[workspace]` itself",
            )  # fmt: skip
        target.check_keys(("build-variants",))
        result[selector] = _variants(target) or {}
    return result


def _variant_files(table: Table, root: Path) -> list[Path]:
    files = []
    for index, name in enumerate(table.string_list("build-variants-files") or []):
        full = Path(os.path.normpath(root / name))
        if not full.is_file():
            raise table.error(f"'{full}' does not exist", "build-variants-files", index)
        files.append(full)
    return files


def _pool(table: Table, workspace: Workspace) -> dict[str, PoolEntry]:
    deps = table.table("dependencies")
    if deps is None:
        return {}
    ctx = SpecContext(workspace.root, workspace.channel_alias)
    pool: dict[str, PoolEntry] = {}
    for name in deps:
        package_name(deps, name)
        if name.lower() in pool:
            raise deps.error(f"`{name}` is defined twice in `[{deps.name}]`", name)
        entry = PoolEntry(deps, name, workspace.root)
        validate_pool_entry(entry, ctx)
        value = entry.value
        if (
            isinstance(value, dict)
            and ("path" in value or "git" in value)
            and not workspace.is_preview_enabled("pixi-build")
        ):
            raise deps.error(
                "conda source dependencies are not allowed without enabling the 'pixi-build' preview feature",
                name,
                help='add `preview = ["pixi-build"]` to the workspace table',
            )
        pool[name.lower()] = entry
    return pool
