"""Which backend builds a source tree (spec §9); :mod:`.launch` says how to start it.

Discovery follows pixi: a ``recipe.yaml`` file, a ``package.xml`` file, a directory
whose manifest has a ``[package]``, then a ``recipe.yaml``/``recipe/recipe.yaml``
in the directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiln.backends import RATTLER_BUILD, RECIPE_CANDIDATES, RECIPE_NAMES
from kiln.errors import KilnError

if TYPE_CHECKING:
    from kiln.frontend.manifest.package import PackageManifest
    from kiln.protocol import types as t


@dataclass
class Discovered:
    """A source tree and how to build it."""

    backend: str
    """Backend (package and executable) name, e.g. ``pixi-build-python``."""
    manifest_path: Path
    """What ``initialize.manifestPath`` gets: the manifest, recipe file or ROS package dir."""
    source_dir: Path
    package: PackageManifest | None = None
    """The manifest's ``[package]`` as read; None for a bare recipe or a ROS package."""

    # what the backend is told, all of it the manifest's (nothing for a bare recipe)
    @property
    def project_model(self) -> t.ProjectModel | None:
        return self.package.project_model if self.package else None

    @property
    def configuration(self) -> Any:
        return self.package.configuration if self.package else None

    @property
    def target_configuration(self) -> dict[str, Any] | None:
        return self.package.target_configuration if self.package else None

    @property
    def package_name(self) -> str | None:
        return self.package.name if self.package else None


def find_recipe_in(directory: Path) -> Path | None:
    """The recipe pixi-build-rattler-build would pick in ``directory``, if there is one."""
    return next((directory / c for c in RECIPE_CANDIDATES if (directory / c).is_file()), None)


def discover(path: Path) -> Discovered:
    """Discover how to build ``path`` (a directory or a manifest/recipe file)."""
    path = path.absolute()
    if not path.exists():
        raise KilnError(f"{path} does not exist")
    if path.is_file():
        if path.name in RECIPE_NAMES:
            return _recipe(path)
        if path.name == "package.xml":
            return Discovered("pixi-build-ros", manifest_path=path.parent, source_dir=path.parent)
        if path.name in ("pixi.toml", "pyproject.toml", "mojoproject.toml"):
            found = _from_manifest(path)
            if found is not None:
                return found
            raise KilnError(
                f"{path} has no [package] section, so there is nothing to build", help=_packages_below_help(path.parent)
            )
        raise KilnError(
            f"don't know how to build {path}: expected a directory, pixi.toml, pyproject.toml, recipe.yaml "
            "or package.xml"
        )
    for name in ("pixi.toml", "pyproject.toml", "mojoproject.toml"):
        manifest = path / name
        if manifest.is_file():
            found = _from_manifest(manifest)
            if found is not None:
                return found
    recipe = find_recipe_in(path)
    if recipe is not None:
        return _recipe(recipe)
    if (path / "package.xml").is_file():
        raise KilnError(
            f"{path} holds a package.xml; point --path at the file itself to build it with pixi-build-ros"
        )
    raise KilnError(
        f"no package found in {path}: expected a pixi.toml or pyproject.toml with a [package] section, "
        "or a recipe.yaml",
        help=_packages_below_help(path),
    )


#: Directories a package walk never enters (besides hidden ones): build products and caches.
_SKIP_DIRS = frozenset({"build", "dist", "node_modules", "__pycache__", "target", "site-packages"})


@dataclass(frozen=True)
class FoundPackage:
    """A buildable package found below a workspace root."""

    directory: Path
    name: str
    publish: bool = False
    manifest: PackageManifest | None = None
    """The package's manifest as read; None for a bare recipe."""


def packages_below(root: Path) -> list[FoundPackage]:
    """Every package below ``root`` (itself included), as pixi's workspace walk finds them.

    A directory with a manifest ``[package]`` is a package (its ``recipe/`` is not a
    second one); else a directory with a ``recipe.yaml`` is. Hidden directories,
    build products and directories holding a workspace of their own are skipped.
    """
    from kiln.frontend.manifest.package import load_package_manifest
    from kiln.frontend.manifest.manifest_files import find_manifest

    root = root.absolute()
    found: list[FoundPackage] = []
    for directory, dirs, _files in os.walk(root):
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        manifest = find_manifest(here)
        if here != root and manifest is not None and manifest.workspace_table() is not None:
            dirs[:] = []
            continue
        package = load_package_manifest(here) if manifest is not None and manifest.package_table() else None
        if package is not None:
            found.append(FoundPackage(here, package.name or here.name, package.publish, package))
            dirs[:] = [d for d in dirs if d != "recipe"]
            continue
        if find_recipe_in(here) is not None:
            found.append(FoundPackage(here, here.name))
            dirs[:] = [d for d in dirs if d != "recipe"]
    return found


def _packages_below_help(path: Path) -> str | None:
    """What to run instead, when ``kiln build`` was pointed at a directory above packages."""
    try:
        below = packages_below(path)
    except KilnError:
        return None
    if not below:
        return None
    lines = ["the packages below it, and how to build each:"]
    for pkg in below:
        rel = os.path.relpath(pkg.directory, Path.cwd())
        lines.append(f"    kiln build --path {rel}    # {pkg.name}")
    return "\n".join(lines)


def _recipe(recipe: Path) -> Discovered:
    source = recipe.parent.parent if recipe.parent.name == "recipe" else recipe.parent
    return Discovered(RATTLER_BUILD.name, manifest_path=recipe, source_dir=source)


def _from_manifest(manifest: Path) -> Discovered | None:
    from kiln.frontend.manifest.package import load_package_manifest

    package = load_package_manifest(manifest)
    if package is None:
        return None
    return Discovered(
        package.backend_name,
        manifest_path=manifest,
        source_dir=package.source_dir,
        package=package,
    )
