"""The front end's discovery and the backends' `render` command read pixi manifests through kiln.frontend.manifest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kiln.frontend.build.discovery import discover
from kiln.protocol import types as t
from tests.conftest import PROJECTS, backend_exe

RECIPE = """\
package:
  name: from-custom-recipe
  version: 0.1.0
build:
  noarch: generic
"""


def rattler_build_project(directory: Path, extra: str = "") -> Path:
    (directory / "custom").mkdir(parents=True)
    (directory / "custom" / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    manifest = directory / "pixi.toml"
    manifest.write_text(
        '[workspace]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n\n'
        '[package]\nname = "from-custom-recipe"\nversion = "0.1.0"\n\n'
        '[package.build]\nbackend = { name = "pixi-build-rattler-build", version = "*" }\n\n'
        '[package.build.config]\nrecipe = "custom/recipe.yaml"\n' + extra,
        encoding="utf-8",
    )
    return manifest


def test_discovery_picks_the_manifest_backend() -> None:
    """`kiln build` on a pixi.toml package: what the manifest says, read through the shared loader.

    Each value is the one written in full-package/pixi.toml (the model: the expected JSON
    beside it), so a bug in the shared manifest reader shows here too."""
    directory = PROJECTS / "manifests" / "full-package"
    found = discover(directory)
    assert found.backend == "pixi-build-python"  # [package.build] backend, through [workspace.dependencies]
    assert found.manifest_path == directory / "pixi.toml"
    assert found.source_dir == directory / "src"  # [package.build] source = { path = "src" }
    assert found.package_name == "full"
    expected_model = json.loads((directory / "expected_project_model.json").read_text(encoding="utf-8"))
    assert t.to_builtins(found.project_model) == expected_model
    assert found.project_model.name == "full" and found.project_model.version == "2.0.0"  # version from [workspace]
    assert found.project_model.build_number == 3 and found.project_model.build_string_prefix == "cuda"
    assert found.configuration == {"noarch": False, "extra-args": ["-v"]}
    # pixi sends `osx` as the `macos` family (spec protocol.md §5.4); manifest order is kept
    assert found.target_configuration == {"macos": {"extra-args": ["-DOSX"]}, "linux-64": {"extra-args": ["-DLINUX"]}}
    assert list(found.target_configuration) == ["macos", "linux-64"]


def test_discovery_of_a_member_and_a_pyproject() -> None:
    assert discover(PROJECTS / "manifests" / "workspace-members" / "packages" / "app").backend == "pixi-build-cmake"
    assert discover(PROJECTS / "manifests" / "pyproject-package" / "pyproject.toml").backend == "pixi-build-python"


def test_render_uses_the_manifest(tmp_path: Path) -> None:
    """`pixi-build-rattler-build render pixi.toml`: configuration and model come from the manifest."""
    manifest = rattler_build_project(tmp_path)
    result = subprocess.run(
        [backend_exe("pixi-build-rattler-build"), "render", str(manifest)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "from-custom-recipe" in result.stdout  # the `recipe` set in [package.build.config]


def test_render_checks_the_manifest_model(tmp_path: Path) -> None:
    """The rattler-build backend rejects binary dependencies in the project model built from the manifest."""
    manifest = rattler_build_project(tmp_path, '\n[package.host-dependencies]\nnumpy = "*"\n')
    result = subprocess.run(
        [backend_exe("pixi-build-rattler-build"), "render", str(manifest)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Binary dependency 'numpy' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_module_is_a_bug_not_a_manifest_without_package(monkeypatch) -> None:
    """A broken install must surface as an ImportError, never as "has no [package] section"."""
    import sys

    from kiln.errors import KilnError

    monkeypatch.setitem(sys.modules, "kiln.frontend.manifest.package", None)
    directory = PROJECTS / "manifests" / "full-package"
    try:
        discover(directory / "pixi.toml")
    except KilnError as exc:  # pragma: no cover - the bug this test is named after
        raise AssertionError(f"a missing module was reported as a user mistake: {exc}") from None
    except ImportError:
        pass
    else:  # pragma: no cover
        raise AssertionError("discover() worked without kiln.frontend.manifest.package")
