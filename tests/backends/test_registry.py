"""kiln's registry of built-in backends is the one list: console scripts, entry points and discovery follow it."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

from kiln import backends
from kiln.cli import backends as entry_points
from kiln.frontend.build.discovery import discover
from kiln.frontend.build.launch import own_backends

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_scripts_are_the_registry() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert {k: v for k, v in scripts.items() if k != "kiln"} == {b.name: b.script for b in backends.BUILTIN.values()}


def test_each_entry_point_runs_the_backend_the_registry_names() -> None:
    for backend in backends.BUILTIN.values():
        module, _, function = backend.script.partition(":")
        assert callable(getattr(importlib.import_module(module), function))
        descriptor = entry_points.DESCRIPTORS[backend.name]
        assert (descriptor.name, descriptor.factory) == (backend.name, backend.factory)
        assert callable(descriptor.load())
    assert own_backends() == sorted(backends.BUILTIN)


def test_reading_the_registry_imports_no_backend() -> None:
    """Backend start-up and a no-op kiln build read it: it must stay names and strings."""
    code = "import sys, kiln.backends; print(sorted(m for m in sys.modules if m.startswith('kiln.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['kiln.backends']"


def test_discovery_picks_the_recipe_candidates_in_order(tmp_path: Path) -> None:
    (tmp_path / "recipe").mkdir()
    for candidate in backends.RECIPE_CANDIDATES[1:]:
        (tmp_path / candidate).write_text("package: {name: x, version: '1'}\n")
    found = discover(tmp_path)
    assert (found.backend, found.manifest_path) == (backends.RATTLER_BUILD.name, tmp_path / backends.RECIPE_CANDIDATES[1])
