"""Helpers for pixi-build-rust tests: a backend in-process on a project directory, its recipe as data."""

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
    files: dict[str, str] | None = None,
    system_env: dict[str, str] | None = None,
    manifest_path: Path | None = None,
):
    """A RustBackend on ``root`` (``files`` written first), seeing ``system_env`` as its environment."""
    from kiln.backends.rust.backend import RustBackend

    generating.write_files(root, files)
    params = generating.initialize_params(
        manifest_path or root / "pixi.toml", model=model, config=config, target_config=target_config
    )
    return RustBackend(params, system_env=system_env or {})


def recipe_data(backend, **kwargs) -> dict[str, Any]:
    return generate(backend, **kwargs).recipe.to_data()
