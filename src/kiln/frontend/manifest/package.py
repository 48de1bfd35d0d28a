"""A package manifest read the way pixi reads it: the package, its workspace and its project model.

:func:`load_package_manifest` is what the front end calls for a source tree with a
``pixi.toml`` (or ``pyproject.toml`` ``[tool.pixi]``, or ``mojoproject.toml``):
it finds the workspace the package belongs to, resolves ``{ workspace = true }``
fields and dependencies, picks the backend and builds the
:class:`~kiln.protocol.types.ProjectModel` pixi would send in ``initialize``.
Every user mistake is a :class:`~kiln.errors.ManifestError` naming file, line and key.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.conda.urls import DEFAULT_CHANNEL_ALIAS
from kiln.errors import ManifestError
from kiln.frontend.manifest.build_section import BackendSpec, read_build_section
from kiln.frontend.manifest.dependency_specs import SpecContext
from kiln.frontend.manifest.fields import pyproject_project_fields, spdx_license, url_field, version_field
from kiln.frontend.manifest.manifest_files import manifest_at
from kiln.frontend.manifest.project_model import package_targets
from kiln.frontend.manifest.toml_source import Table, format_key
from kiln.frontend.manifest.workspace import (
    Workspace,
    find_workspace_manifest,
    load_workspace,
    workspace_from,
)
from kiln.protocol import types as t

__all__ = ["BackendSpec", "PackageManifest", "Workspace", "load_package_manifest", "load_workspace"]

#: Keys of ``[package]``.
PACKAGE_KEYS = (
    "name", "version", "description", "authors", "license", "license-file", "readme", "homepage", "repository",
    "documentation", "build", "build-dependencies", "host-dependencies", "run-dependencies", "run-constraints",
    "extra-dependencies", "run-exports", "target", "publish",
)  # fmt: skip


@dataclass
class PackageManifest:
    """A package as pixi sees it: where it is, what builds it, and the project model."""

    manifest_path: Path
    workspace: Workspace
    name: str | None
    version: str | None
    backend: BackendSpec
    source_dir: Path
    """The local ``[package.build].source`` directory, else the manifest's directory."""
    build_source: t.SourcePackageSpec | None
    """A git or url ``[package.build].source`` the front end must fetch; None otherwise."""
    project_model: t.ProjectModel
    configuration: Any
    """``[package.build.config]`` as JSON, keys unchanged; None if absent."""
    target_configuration: dict[str, Any] | None
    """``[package.build.target.<selector>.config]`` by selector, in manifest order; None if none."""
    publish: bool = False
    """``publish = true``: ``pixi publish`` without ``--path`` publishes this package."""
    table: Table | None = None
    """The ``[package]`` table: where each key is written, for errors found after parsing."""

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def source_dependencies(self) -> list[tuple[str, str, t.SourcePackageSpec]]:
        """``(bucket, name, spec)`` for every source dependency in every target.

        ``bucket`` is ``build``, ``host``, ``run``, ``run-constraints`` or ``extras``.
        """
        found = []
        for _, target in self.project_model.iter_targets():
            buckets = [
                ("build", target.build_dependencies),
                ("host", target.host_dependencies),
                ("run", target.run_dependencies),
                ("run-constraints", target.run_constraints),
            ]
            if target.extra_dependencies not in (t.UNSET, None):
                buckets += [("extras", group) for group in target.extra_dependencies.values()]
            for bucket, specs in buckets:
                for name, spec in (specs or {}).items():
                    if spec.source is not t.UNSET:
                        found.append((bucket, name, spec.source))
        return found


def load_package_manifest(path: Path, *, channel_alias: str = DEFAULT_CHANNEL_ALIAS) -> PackageManifest | None:
    """The package declared by the manifest at (or in the directory) ``path``.

    None when that manifest has no ``[package]`` table (or is a pyproject.toml
    without ``[tool.pixi]``). Raises :class:`ManifestError` for an invalid manifest.
    """
    path = path.absolute()
    if not path.exists():
        raise ManifestError(f"{path} does not exist")
    manifest = manifest_at(path)
    if manifest is None:
        return None
    package = manifest.package_table()
    if package is None:
        return None
    workspace = workspace_from(find_workspace_manifest(manifest, manifest.directory), channel_alias=channel_alias)
    if not workspace.is_preview_enabled("pixi-build"):
        raise package.error(
            "the `[package]` section is only allowed when the `pixi-build` preview feature is enabled",
            help=f'add `preview = ["pixi-build"]` to the workspace table in {workspace.manifest_path}',
        )
    package.check_keys(PACKAGE_KEYS)
    ctx = SpecContext(manifest.directory, workspace.channel_alias, workspace.dependencies)
    build = read_build_section(package, ctx)
    inherit = _Inheritance(package, workspace, pyproject_project_fields(manifest) if manifest.is_pyproject else {})

    name = inherit.field("name", lambda table, key: table.string(key))
    version = inherit.field("version", version_field)
    files_dir = build.source_dir or (manifest.directory if build.build_source is None else None)
    model = t.ProjectModel(
        name=name,
        build_string_prefix=build.build_string_prefix,
        build_number=build.build_number,
        version=version,
        description=inherit.field("description", lambda table, key: table.string(key)),
        build_flags=build.flags or t.UNSET,
        authors=inherit.field("authors", lambda table, key: table.string_list(key)),
        license=inherit.field("license", spdx_license),
        license_file=inherit.file("license-file", files_dir),
        readme=inherit.file("readme", files_dir),
        homepage=inherit.field("homepage", url_field),
        repository=inherit.field("repository", url_field),
        documentation=inherit.field("documentation", url_field),
        targets=package_targets(package, ctx, name),
        secrets=build.secrets or t.UNSET,
    )
    return PackageManifest(
        manifest_path=manifest.path,
        workspace=workspace,
        name=name,
        version=version,
        backend=build.backend,
        source_dir=build.source_dir or manifest.directory,
        build_source=build.build_source,
        project_model=model,
        configuration=build.configuration,
        target_configuration=build.target_configuration,
        publish=bool(package.boolean("publish")),
        table=package,
    )


@dataclass
class _Inheritance:
    """``[package]`` metadata: a value, ``{ workspace = true }``, or a pyproject ``[project]`` default."""

    package: Table
    workspace: Workspace
    defaults: dict[str, Any]

    def _marker(self, key: str) -> bool:
        """True for ``{ workspace = true }``; raises for other tables."""
        value = self.package.get(key)
        if not isinstance(value, dict):
            return False
        table = self.package.table(key)
        assert table is not None
        table.check_keys(("workspace",))
        marker = table.boolean("workspace")
        if marker is None:
            raise table.error(f"`{format_key(table.path)}` must be a value or `{{ workspace = true }}`")
        if not marker:
            raise table.error(
                "`workspace` cannot be false", "workspace", help="by default no fields are inherited from the workspace"
            )
        return True

    def _from_workspace(self, key: str) -> Any:
        value = getattr(self.workspace, key.replace("-", "_"))
        if value is None:
            raise self.package.error(f"the workspace does not define a '{key}'", key, "workspace")
        return value

    def field(self, key: str, read: Callable[[Table, str], Any]) -> Any:
        if key not in self.package:
            return self.defaults.get(key)
        if self._marker(key):
            return self._from_workspace(key)
        return read(self.package, key)

    def file(self, key: str, directory: Path | None) -> str | None:
        """A file path relative to ``directory``; None without one (a remote build source)."""
        if key not in self.package or directory is None:
            return None
        if self._marker(key):
            full = self._from_workspace(key)
        else:
            full = Path(os.path.normpath(directory / self.package.string(key)))
            if not full.is_file():
                raise self.package.error(f"'{full}' does not exist", key)
        return Path(os.path.relpath(full, directory)).as_posix()
