"""Finding and reading pixi manifest files: pixi.toml, pyproject.toml ``[tool.pixi]``, mojoproject.toml.

All three hold the same tables; in a pyproject.toml they sit under
``[tool.pixi]``. A :class:`ManifestFile` hides that difference: its
:attr:`~ManifestFile.pixi` view is the table that holds ``[workspace]`` and
``[package]`` whichever file it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiln.frontend.manifest.legacy import PACKAGE_ONLY_TABLES, check_older_forms
from kiln.frontend.manifest.toml_source import Table, TomlDocument

#: Manifest file names in the order pixi looks for them in a directory.
MANIFEST_NAMES = ("pixi.toml", "pyproject.toml", "mojoproject.toml")

#: Top-level tables of a pixi manifest (pixi's own list); anything else is a typo.
TOP_LEVEL_KEYS = (
    "workspace", "project", "package", "dependencies", "host-dependencies", "build-dependencies", "constraints",
    "pypi-dependencies", "pypi-options", "dev", "system-requirements", "activation", "tasks", "target", "feature",
    "environments", "exclude-newer", "pypi-exclude-newer", "tool", "$schema",
)  # fmt: skip


@dataclass(frozen=True)
class ManifestFile:
    """One pixi manifest file, parsed, with the position of its pixi tables."""

    doc: TomlDocument
    pixi: Table
    """The table holding ``workspace``/``package``: the root, or ``[tool.pixi]``."""

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def directory(self) -> Path:
        return self.doc.path.parent

    @property
    def is_pyproject(self) -> bool:
        return self.doc.path.name == "pyproject.toml"

    def workspace_table(self) -> Table | None:
        """``[workspace]``, or the older ``[project]`` that means the same."""
        if "workspace" in self.pixi and "project" in self.pixi:
            raise self.pixi.error(
                "both `[workspace]` and `[project]` are defined",
                "project",
                help="`[project]` is the older name of `[workspace]`: keep only `[workspace]`",
            )
        key = "workspace" if "workspace" in self.pixi else "project"
        return self.pixi.table(key)

    def package_table(self) -> Table | None:
        return self.pixi.table("package")


def read_manifest(path: Path) -> ManifestFile | None:
    """Parse a manifest file; None for a pyproject.toml without ``[tool.pixi]``."""
    doc = TomlDocument.load(path)
    root = doc.table()
    if path.name == "pyproject.toml":
        tool = root.table("tool")
        pixi = tool.table("pixi") if tool is not None else None
        if pixi is None:
            return None
    else:
        pixi = root
    check_older_forms(doc, pixi.path)
    pixi.check_keys(
        TOP_LEVEL_KEYS,
        hints={
            key: f"the package's dependency tables belong under `[package]`: `[package.{key}]`"
            for key in PACKAGE_ONLY_TABLES
        },
    )
    return ManifestFile(doc, pixi)


def find_manifest(directory: Path) -> ManifestFile | None:
    """The pixi manifest in ``directory``, if there is one."""
    for name in MANIFEST_NAMES:
        candidate = directory / name
        if candidate.is_file():
            manifest = read_manifest(candidate)
            if manifest is not None:
                return manifest
    return None


def manifest_at(path: Path) -> ManifestFile | None:
    """The manifest ``path`` names: the file itself or the one in the directory.

    None for files that are no TOML manifest at all (a ``recipe.yaml``, a ``package.xml``).
    """
    if path.is_dir():
        return find_manifest(path)
    if path.suffix != ".toml":
        return None
    return read_manifest(path)
