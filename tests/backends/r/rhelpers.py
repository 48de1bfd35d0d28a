"""Helpers for pixi-build-r tests: a backend in-process on a package directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.backends import generating
from tests.backends.generating import generate  # noqa: F401 (re-exported: one way to drive generate_recipe)

DEFAULT_MODEL = {"name": "r-testpkg", "version": "1.0.0", "targets": {"defaultTarget": {}}}


def make_backend(
    root: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
    files: dict[str, str] | None = None,
):
    """An RBackend on ``root`` (``files`` written first)."""
    from kiln.backends.r.backend import RBackend

    generating.write_files(root, files)
    return generating.make_backend(
        RBackend, root / "pixi.toml", model=model, config=config, target_config=target_config, source_dir=root,
        default_model=DEFAULT_MODEL,
    )  # fmt: skip


