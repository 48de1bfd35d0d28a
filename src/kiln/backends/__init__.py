"""The registry of kiln's built-in backends: names and dotted paths only, so reading it imports no backend.

The console scripts (``[project.scripts]``, checked by a test), the ``pixi-build-*``
entry points in :mod:`kiln.cli.backends`, discovery and the front end's backend
resolution all read it. A backend's implementation is imported by its ``factory``
path only when ``initialize`` (or ``render``) needs it, which keeps a backend's
start-up and ``kiln build``'s no-op run cheap.
"""

from __future__ import annotations


class BuiltinBackend:
    """One backend kiln ships. (A plain class: a backend's start-up reads this, and
    ``dataclasses`` or ``NamedTuple`` would cost it more than the rest of the registry.)"""

    __slots__ = ("name", "factory", "script")

    def __init__(self, name: str, factory: str, script: str) -> None:
        self.name = name
        """Executable and conda package name, as ``[package.build.backend] name`` gives it."""
        self.factory = factory
        """``module:function`` that creates the backend from the initialize params."""
        self.script = script
        """``module:function`` of its console script: what ``[project.scripts]`` names."""

    def __repr__(self) -> str:
        return f"BuiltinBackend({self.name!r}, {self.factory!r}, {self.script!r})"


RATTLER_BUILD = BuiltinBackend(
    "pixi-build-rattler-build", "kiln.backends.rattler_build.backend:create", "kiln.cli.backends:rattler_build"
)
PYTHON = BuiltinBackend("pixi-build-python", "kiln.backends.python.entry:create", "kiln.cli.backends:python")
R = BuiltinBackend("pixi-build-r", "kiln.backends.r.entry:create", "kiln.cli.backends:r")
RUST = BuiltinBackend("pixi-build-rust", "kiln.backends.rust.entry:create", "kiln.cli.backends:rust")
CMAKE = BuiltinBackend("pixi-build-cmake", "kiln.backends.cmake.entry:create", "kiln.cli.backends:cmake")
ROS = BuiltinBackend("pixi-build-ros", "kiln.backends.ros.entry:create", "kiln.cli.backends:ros")
MOJO = BuiltinBackend("pixi-build-mojo", "kiln.backends.mojo.entry:create", "kiln.cli.backends:mojo")

#: Every backend kiln ships, by name.
BUILTIN: dict[str, BuiltinBackend] = {b.name: b for b in (RATTLER_BUILD, PYTHON, R, RUST, CMAKE, ROS, MOJO)}

#: File names that are a recipe themselves (``kiln build --path recipe.yaml``).
RECIPE_NAMES = ("recipe.yaml", "recipe.yml")
#: Where pixi-build-rattler-build looks for the recipe of a package directory, in order.
RECIPE_CANDIDATES = (*RECIPE_NAMES, "recipe/recipe.yaml", "recipe/recipe.yml")
