"""Helpers for pixi-build-rust tests: a backend in-process on a project directory, its recipe as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from kiln.protocol import types as t
from tests.backends.generating import generate  # noqa: F401 (re-exported: one way to drive generate_recipe)

#: Used where a test needs a project model but gives none.
DEFAULT_MODEL = {"name": "foobar", "version": "0.1.0", "targets": {"defaultTarget": {}}}


def make_backend(
    root: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
    files: dict[str, str] | None = None,
    system_env: dict[str, str] | None = None,
    manifest_path: Path | None = None,
):
    """A RustBackend on ``root`` (``files`` written first), seeing ``system_env`` as its environment."""
    from kiln.backends.rust.backend import RustBackend

    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    params = t.InitializeParams(
        manifest_path=str(manifest_path or root / "pixi.toml"),
        project_model=msgspec.convert(DEFAULT_MODEL if model is None else model, t.ProjectModel),
        configuration=config or {},
        target_configuration=target_config,
    )
    return RustBackend(params, system_env=system_env or {})


def recipe_data(backend, **kwargs) -> dict[str, Any]:
    return generate(backend, **kwargs).recipe.to_data()
