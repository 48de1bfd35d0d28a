"""Sibling ROS packages of a workspace become source dependencies (spec §7.4, "Workspace siblings").

Every ``package.xml`` below the workspace root (hidden directories and subtrees
marked ``COLCON_IGNORE``/``AMENT_IGNORE``/``CATKIN_IGNORE`` skipped) other than the
package being built maps ``ros-<distro>-<name>`` to a ``source://`` spec, so the
sibling is built from the workspace instead of being taken from RoboStack.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiln.backend import toml
from kiln.backend.recipe import Item
from kiln.backend.specs import form_urlencode
from kiln.backends.ros import package_xml
from kiln.backends.ros.metadata import conda_name
from kiln.errors import ManifestError

IGNORE_MARKERS = ("COLCON_IGNORE", "AMENT_IGNORE", "CATKIN_IGNORE")


def discover(root: Path) -> dict[str, Path]:
    """ROS package name -> its package.xml, for every package below ``root``."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for directory, dirs, files in os.walk(root):
        if any(marker in files for marker in IGNORE_MARKERS):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if "package.xml" in files:
            path = Path(directory) / "package.xml"
            name = package_xml.load(path).name
            if name in found:
                raise ManifestError(
                    f"duplicate ROS package name `{name}` declared by both:\n  - {found[name]}\n  - {path}",
                    help="each ROS package in a workspace must have a unique <name> in its package.xml",
                )
            found[name] = path
    return found


def is_pixi_package_directory(directory: Path) -> bool:
    """Whether ``directory`` holds a pixi package manifest (then the sibling is referenced by it)."""
    for name, table in (("pixi.toml", ()), ("pyproject.toml", ("tool", "pixi"))):
        path = directory / name
        if not path.is_file():
            continue
        try:
            data = toml.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # tomli's decode error is a ValueError
            continue
        for key in table:
            data = data.get(key) if isinstance(data, dict) else None
        if isinstance(data, dict) and "package" in data:
            return True
    return False


def sibling_specs(packages: dict[str, Path], current: str, manifest_root: Path, distro: str) -> dict[str, str]:
    """conda name -> ``<name>[url="source://?path=<relative path>"]`` for every other package."""
    specs: dict[str, str] = {}
    for ros_name, path in packages.items():
        if ros_name == current:
            continue
        target = path.parent if is_pixi_package_directory(path.parent) else path
        rel = os.path.relpath(target, manifest_root).replace(os.sep, "/")
        name = conda_name(distro, ros_name)
        specs[name] = f'{name}[url="source://?path={form_urlencode(rel)}"]'
    return specs


def apply(items: list[str], overrides: dict[str, str], declared: set[str]) -> list[str]:
    """``items`` with each sibling's binary spec replaced by its source spec, unless the
    manifest declares that name in this class itself."""
    return [overrides[i.split(" ", 1)[0]] if i.split(" ", 1)[0] in overrides.keys() - declared else i for i in items]


def declared_names(items: list[Item]) -> set[str]:
    specs = [i for i in items if isinstance(i, str) and not i.startswith("${{")]
    return {i.split(" ", 1)[0].split("[", 1)[0].lower() for i in specs}
