"""Helpers for pixi-build-cmake tests: a backend in-process, generated recipes as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from kiln.protocol import types as t
from tests.backends.generating import generate  # noqa: F401 (re-exported: one way to drive generate_recipe)

#: Used where a test needs a project model but the case gives none.
DEFAULT_MODEL = {"name": "foobar", "version": "0.1.0", "targets": {"defaultTarget": {}}}


def make_backend(
    root: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
):
    from kiln.backends.cmake.backend import CMakeBackend

    root.mkdir(parents=True, exist_ok=True)
    params = t.InitializeParams(
        manifest_path=str(root / "pixi.toml"),
        source_directory=str(root),
        project_model=msgspec.convert(DEFAULT_MODEL if model is None else model, t.ProjectModel),
        configuration=config or {},
        target_configuration=target_config,
    )
    return CMakeBackend(params)


def recipe_data(backend, **kwargs) -> dict[str, Any]:
    return generate(backend, **kwargs).recipe.to_data()
