"""Helpers for pixi-build-python tests: a backend in-process, generated recipes as data."""

from __future__ import annotations

import json
import weakref
from pathlib import Path
from typing import Any

import pytest

from tests.backends import generating


def offline_fetch(channel: str, name: str) -> dict[str, Any]:
    """Stand-in for the mapping service: a test that reaches it has a bug."""
    raise AssertionError(f"the PyPI mapping service was queried for {channel}/{name}")


def make_backend(
    root: Path,
    *,
    model: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    target_config: dict[str, Any] | None = None,
    pyproject: str | None = None,
    cache_dir: Path | None = None,
    build_platform: str = "linux-64",
    fetch=offline_fetch,
    files: dict[str, str] | None = None,
):
    """A PythonBackend on ``root`` (written with ``pyproject``/``files`` first)."""
    from kiln.backends.python.backend import PythonBackend

    root.mkdir(parents=True, exist_ok=True)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    generating.write_files(root, files)
    params = generating.initialize_params(
        root / "pixi.toml", model=model, config=config, target_config=target_config, source_dir=root,
        cache_directory=cache_dir,
    )  # fmt: skip
    backend = PythonBackend(params, fetch=fetch)
    _MACHINES[backend] = build_platform
    return backend


#: The machine each test backend pretends to run on: the build platform ``generate`` passes,
#: as the SDK passes a request's (kept here, not on the backend, which has none of its own).
_MACHINES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def generate(backend, *, host_platform: str = "linux-64", editable: bool = False, variant_keys=(), channels=()):
    """The GeneratedRecipe for ``host_platform`` (target config applied)."""
    return backend.generate_recipe(
        backend.config_for(host_platform),
        host_platform=host_platform,
        build_platform=_MACHINES.get(backend, "linux-64"),
        variant_keys=frozenset(variant_keys),
        editable=editable,
        channels=list(channels),
    )


def recipe_data(backend, **kwargs) -> dict[str, Any]:
    return generate(backend, **kwargs).recipe.to_data()


def load_json(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest.fixture
def backend_factory(tmp_path: Path):
    """``backend_factory(**make_backend kwargs)`` on a fresh project directory.

    Test modules import it by name (a conftest.py here would shadow the top-level one).
    """
    counter = iter(range(1000))

    def factory(**kwargs):
        return make_backend(tmp_path / f"project{next(counter)}", **kwargs)

    return factory
