"""Helpers for pixi-build-cmake tests: a backend in-process, generated recipes as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.backends import generating
from tests.backends.generating import generate  # noqa: F401 (re-exported: one way to drive generate_recipe)


def make_backend(
    root: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
):
    from kiln.backends.cmake.backend import CMakeBackend

    root.mkdir(parents=True, exist_ok=True)
    return generating.make_backend(
        CMakeBackend, root / "pixi.toml", model=model, config=config, target_config=target_config, source_dir=root
    )


def recipe_data(backend, **kwargs) -> dict[str, Any]:
    return generate(backend, **kwargs).recipe.to_data()
