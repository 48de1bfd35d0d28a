"""Entry points of the ``pixi-build-*`` executables, one per backend.

Each is a descriptor plus the shared CLI; the backend's own module is imported only
once ``initialize`` (or ``render``) needs it.
"""

from __future__ import annotations

from kiln.backend.api import BackendDescriptor
from kiln.cli.backend_cli import run

RATTLER_BUILD = BackendDescriptor("pixi-build-rattler-build", "kiln.backends.rattler_build.backend:create")
PYTHON = BackendDescriptor("pixi-build-python", "kiln.backends.python.entry:create")

#: Every backend kiln ships, by executable name.
DESCRIPTORS: dict[str, BackendDescriptor] = {d.name: d for d in (RATTLER_BUILD, PYTHON)}


def rattler_build() -> None:
    run(RATTLER_BUILD)


def python() -> None:
    run(PYTHON)


def run_named(name: str) -> None:
    """Run a backend by name (used when its console script is not on PATH)."""
    run(DESCRIPTORS[name])
