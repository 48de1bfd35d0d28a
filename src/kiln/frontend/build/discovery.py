"""Which backend builds a source tree, and which executable runs it (spec §9).

Discovery follows pixi: a ``recipe.yaml`` file, a ``package.xml`` file, a directory
whose manifest has a ``[package]``, then a ``recipe.yaml``/``recipe/recipe.yaml``
in the directory. The executable is kiln's own backend of that name unless
``PIXI_BUILD_BACKEND_OVERRIDE(_ALL)`` says otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.errors import BackendNotFoundError, KilnError

RECIPE_NAMES = ("recipe.yaml", "recipe.yml")


@dataclass
class Discovered:
    """A source tree and how to build it."""

    backend: str
    """Backend (package and executable) name, e.g. ``pixi-build-python``."""
    manifest_path: Path
    """What ``initialize.manifestPath`` gets: the manifest, recipe file or ROS package dir."""
    source_dir: Path
    project_model: Any = None
    configuration: Any = None
    target_configuration: dict[str, Any] | None = None
    package_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def find_recipe_in(directory: Path) -> Path | None:
    """The recipe pixi-build-rattler-build would pick in ``directory``, if there is one."""
    from kiln.backends.rattler_build.backend import RECIPE_CANDIDATES

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
    manifest: Any = None
    """The :class:`~kiln.frontend.manifest.PackageManifest`; None for a bare recipe."""


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
    return Discovered("pixi-build-rattler-build", manifest_path=recipe, source_dir=source)


def _from_manifest(manifest: Path) -> Discovered | None:
    from kiln.frontend.manifest.package import load_package_manifest

    package = load_package_manifest(manifest)
    if package is None:
        return None
    return Discovered(
        package.backend_name,
        manifest_path=manifest,
        source_dir=package.source_dir,
        project_model=package.project_model,
        configuration=package.configuration,
        target_configuration=package.target_configuration,
        package_name=package.name,
        extra={"package": package},
    )


# -- executables ----------------------------------------------------------------


@dataclass(frozen=True)
class BackendCommand:
    """How to start a backend, and its identity for cache keys."""

    argv: tuple[str, ...]
    identity: str
    overridden: bool = False
    env: dict[str, str] | None = None
    """The process environment; None inherits kiln's (system and override backends)."""
    own: bool = False
    """One of kiln's own backends (its identity then follows kiln's sources too)."""


def _override_identity(exe: str) -> str:
    """As pixi: an overridden backend is identified by its executable's content."""
    import hashlib

    try:
        with open(exe, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
    except OSError:
        digest = "unreadable"
    return f"override:{exe}#{digest}"


def parse_override(value: str) -> dict[str, str | None]:
    """``PIXI_BUILD_BACKEND_OVERRIDE``: ``name`` or ``name=/path`` entries, comma-separated.

    pixi silently ignores the whole variable when an entry has more than one
    ``=``; kiln reports it instead.
    """
    entries: dict[str, str | None] = {}
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        if entry.count("=") > 1:
            raise KilnError(
                f"PIXI_BUILD_BACKEND_OVERRIDE: invalid entry `{entry}`: expected `name` or `name=/path/to/executable`"
            )
        name, _, target = entry.partition("=")
        name = name.strip().lower()
        if not name:
            raise KilnError(f"PIXI_BUILD_BACKEND_OVERRIDE: entry `{entry}` has no backend name")
        entries[name] = target.strip() or None
    return entries


def _own_executable(name: str) -> str | None:
    """kiln's executable of that name, next to the running interpreter first."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def own_backends() -> list[str]:
    """The backends kiln ships, by executable name."""
    from kiln.cli.backends import DESCRIPTORS

    return sorted(DESCRIPTORS)


def unknown_backend_help(name: str) -> str:
    """What to do about a backend name kiln has not got: the nearest of its own, or channels."""
    import difflib

    own = own_backends()
    close = difflib.get_close_matches(name, own, n=1, cutoff=0.6)
    lines = [f"did you mean `{close[0]}`?"] if close else []
    lines.append("kiln ships " + ", ".join(f"`{b}`" for b in own) + f"; any other backend (such as `{name}`) is "
                 "installed from conda channels: list them in `[package.build.backend] channels = [...]` "
                 "or in `[workspace] channels`, or pass `--channel`")  # fmt: skip
    return "\n        ".join(lines)


def resolve_backend(
    name: str,
    env: dict[str, str] | None = None,
    *,
    version: str | None = None,
    channels: list[str] | None = None,
    additional: list[str] | None = None,
) -> BackendCommand:
    """The command for backend ``name``: an override, kiln's own, or installed.

    pixi's override variables come first; then kiln's own backend of that name; a
    backend kiln does not ship is installed from ``channels`` (spec §9.3).
    """
    env = dict(os.environ if env is None else env)
    name = name.lower()
    if "PIXI_BUILD_BACKEND_OVERRIDE_ALL" in env:
        exe = shutil.which(name, path=env.get("PATH"))
        if exe is None:
            raise BackendNotFoundError(
                f"the build backend executable '{name}' appears to be missing "
                "(PIXI_BUILD_BACKEND_OVERRIDE_ALL is set, so it is looked up on PATH)"
            )
        return BackendCommand((exe,), identity=_override_identity(exe), overridden=True)
    overrides = parse_override(env.get("PIXI_BUILD_BACKEND_OVERRIDE", ""))
    if name in overrides:
        target = overrides[name]
        exe = shutil.which(target or name, path=env.get("PATH")) if not target or os.sep not in target else target
        if exe is None or not Path(exe).exists():
            raise BackendNotFoundError(
                f"the build backend executable '{target or name}' appears to be missing "
                "(named by PIXI_BUILD_BACKEND_OVERRIDE)"
            )
        return BackendCommand((str(exe),), identity=_override_identity(str(exe)), overridden=True)
    from kiln.cli.backends import DESCRIPTORS

    if name in DESCRIPTORS:
        exe = _own_executable(name)
        if exe is not None:
            from kiln import __version__

            return BackendCommand((exe,), identity=f"{name}@kiln-{__version__}", own=True)
        return BackendCommand(
            (sys.executable, "-c", f"from kiln.cli.backends import run_named; run_named({name!r})"),
            identity=f"{name}@kiln",
            own=True,
        )
    from kiln.frontend.build.backend_env import install_backend

    return install_backend(name, version, list(channels or []), additional)
