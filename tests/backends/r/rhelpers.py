"""Helpers for pixi-build-r tests: a backend in-process on a package directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from kiln.protocol import types as t
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

    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    params = t.InitializeParams(
        manifest_path=str(root / "pixi.toml"),
        source_directory=str(root),
        project_model=msgspec.convert(DEFAULT_MODEL if model is None else model, t.ProjectModel),
        configuration=config or {},
        target_configuration=target_config,
    )
    return RBackend(params)


