"""``<backend> render MANIFEST``: show the recipe a backend generates, without pixi.

The project model comes from ``--project-model`` when given, else from the
manifest itself when kiln's front end can read it, else there is none.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from kiln.backend.api import BackendDescriptor
from kiln.backend.platforms import current_platform
from kiln.errors import KilnError, ManifestError
from kiln.protocol import types as t


def _load_data(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KilnError(f"cannot read {path}: {exc.strerror}") from None
    if path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"invalid TOML: {exc}", path=path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None


def _model_from_manifest(manifest: Path) -> tuple[t.ProjectModel | None, Any, dict | None]:
    """(model, configuration, target configuration) read by the front end, if it can."""
    if manifest.name not in ("pixi.toml", "pyproject.toml") and not manifest.is_dir():
        return None, None, None
    try:
        from kiln.frontend.manifest import load_package_manifest  # type: ignore[attr-defined]
    except ImportError:
        return None, None, None
    package = load_package_manifest(manifest)
    if package is None:
        return None, None, None
    return package.project_model, package.configuration, package.target_configuration


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
    model, configuration, target_configuration = _model_from_manifest(manifest_path)
    if project_model_file:
        try:
            model = msgspec.convert(_load_data(Path(project_model_file)), t.ProjectModel)
        except msgspec.ValidationError as exc:
            raise KilnError(f"{project_model_file}: not a valid project model: {exc}") from None
    if config_file:
        configuration = _load_data(Path(config_file))
    root = manifest_path if manifest_path.is_dir() else manifest_path.parent
    params = t.InitializeParams(
        manifest_path=str(manifest_path),
        source_directory=str(root),
        workspace_directory=str(root),
        project_model=model,
        configuration=configuration,
        target_configuration=target_configuration,
    )
    backend = descriptor.load()(params)
    platform = host_platform or current_platform()
    return backend.render_recipe(platform, build_platform or current_platform())
