"""Helpers for tests of generating backends: a backend in-process on a case's inputs, and one way to call generate_recipe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import msgspec
import yaml

from kiln.protocol import types as t

DEFAULT_MODEL = {"name": "foobar", "version": "0.1.0", "targets": {"defaultTarget": {}}}


def initialize_params(
    manifest_path: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
    source_dir: Path | None = None,
    workspace_directory: Path | None = None,
    cache_directory: Path | None = None,
    default_model: dict[str, Any] = DEFAULT_MODEL,
) -> t.InitializeParams:
    """What a front end would initialize a backend with; ``default_model`` when ``model`` is None."""
    return t.InitializeParams(
        workspace_directory=str(workspace_directory) if workspace_directory else None,
        manifest_path=str(manifest_path),
        source_directory=str(source_dir) if source_dir else None,
        cache_directory=str(cache_directory) if cache_directory else None,
        project_model=msgspec.convert(default_model if model is None else model, t.ProjectModel),
        configuration=config or {},
        target_configuration=target_config,
    )


def make_backend(cls: type, manifest_path: Path, **kwargs: Any):
    """``cls`` initialized as :func:`initialize_params` says."""
    return cls(initialize_params(manifest_path, **kwargs))


def write_files(root: Path, files: dict[str, str] | None) -> None:
    """``root`` created, with ``files`` (relative path -> text) written below it."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def generate(backend, *, host_platform="linux-64", build_platform="linux-64", channels=(), variant_keys=()):
    return backend.generate_recipe(
        backend.config_for(host_platform),
        host_platform=host_platform,
        build_platform=build_platform,
        variant_keys=frozenset(variant_keys),
        editable=False,
        channels=list(channels),
    )


def load_case(case_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((case_dir / "case.yaml").read_text())


def cases(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if (p / "case.yaml").is_file())


def case_json(case_dir: Path, rel: str | None, replacements: dict[str, str]) -> Any:
    if rel is None:
        return None
    text = (case_dir / rel).read_text()
    for old, new in replacements.items():
        text = text.replace(old, new)
    return json.loads(text)


def copy_files(case_dir: Path, case: dict[str, Any], root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for rel, src in ((case.get("inputs") or {}).get("files") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(case_dir / src, root / rel)
