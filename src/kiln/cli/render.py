"""``<backend> render MANIFEST``: show the recipe a backend generates, without pixi.

The project model comes from ``--project-model`` when given, else from the
manifest itself when kiln's front end can read it, else there is none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from kiln.backend.api import BackendDescriptor
from kiln.conda.platforms import current_platform
from kiln.errors import KilnError, ManifestError
from kiln.protocol import types as t


def _load_data(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KilnError(f"cannot read {path}: {exc.strerror}") from None
    if path.suffix == ".toml":
        from kiln.backend import toml

        return toml.parse(text, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None


def _package(manifest: Path):
    """The front end's reading of a pixi manifest (or directory), if it has a ``[package]``."""
    if manifest.name not in ("pixi.toml", "pyproject.toml", "mojoproject.toml") and not manifest.is_dir():
        return None
    from kiln.frontend.manifest.package import load_package_manifest

    return load_package_manifest(manifest)


def render_for_manifest(
    descriptor: BackendDescriptor,
    *,
    manifest: str,
    project_model_file: str | None,
    config_file: str | None,
    host_platform: str | None,
    build_platform: str | None,
) -> str:
    manifest_path = Path(manifest).absolute()
    if not manifest_path.exists():
        raise KilnError(f"{manifest_path} does not exist")
    package = _package(manifest_path)
    model = package.project_model if package else None
    configuration = package.configuration if package else None
    target_configuration = package.target_configuration if package else None
    if project_model_file:
        try:
            model = msgspec.convert(_load_data(Path(project_model_file)), t.ProjectModel)
        except msgspec.ValidationError as exc:
            raise KilnError(f"{project_model_file}: not a valid project model: {exc}") from None
    if config_file:
        configuration = _load_data(Path(config_file))
    root = manifest_path if manifest_path.is_dir() else manifest_path.parent
    params = t.InitializeParams(
        manifest_path=str(package.manifest_path if package else manifest_path),
        source_directory=str(package.source_dir if package else root),
        workspace_directory=str(package.workspace.root if package else root),
        project_model=model,
        configuration=configuration,
        target_configuration=target_configuration,
    )
    backend = descriptor.load()(params)
    platform = host_platform or current_platform()
    return backend.render_recipe(platform, build_platform or current_platform())
