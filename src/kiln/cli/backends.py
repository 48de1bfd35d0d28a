"""Entry points of the ``pixi-build-*`` executables, one per backend of :mod:`kiln.backends`.

Each is a descriptor plus the shared CLI; the backend's own module is imported only
once ``initialize`` (or ``render``) needs it.
"""

from __future__ import annotations

from kiln import backends
from kiln.backend.api import BackendDescriptor
from kiln.cli.backend_cli import run

#: Every backend kiln ships, by executable name.
DESCRIPTORS: dict[str, BackendDescriptor] = {b.name: BackendDescriptor(b.name, b.factory) for b in backends.BUILTIN.values()}

RATTLER_BUILD = DESCRIPTORS[backends.RATTLER_BUILD.name]
PYTHON = DESCRIPTORS[backends.PYTHON.name]
R = DESCRIPTORS[backends.R.name]
RUST = DESCRIPTORS[backends.RUST.name]
CMAKE = DESCRIPTORS[backends.CMAKE.name]
ROS = DESCRIPTORS[backends.ROS.name]
MOJO = DESCRIPTORS[backends.MOJO.name]


def rattler_build() -> None:
    run(RATTLER_BUILD)


def python() -> None:
    run(PYTHON)


def r() -> None:
    run(R)


def rust() -> None:
    run(RUST)


def cmake() -> None:
    run(CMAKE)


def ros() -> None:
    run(ROS)


def mojo() -> None:
    run(MOJO)


def run_named(name: str) -> None:
    """Run a backend by name (used when its console script is not on PATH)."""
    run(DESCRIPTORS[name])
