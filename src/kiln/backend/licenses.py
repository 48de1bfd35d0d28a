"""License files a generated recipe names, staged where rattler-build can copy them.

Generated recipes name license files by absolute path (upstream does: pyproject's
``license-files``, R's ``+ file LICENSE``; spec ``backends.md`` §2.4, §6.2), or
relative to the package's source directory (the project model's ``license-file``).
rattler-build (py-rattler-build 0.73) copies ``about.license_file`` only from the
recipe directory and the build's work directory, by glob: an absolute path fails
the build ("Could not open or create, or write to file") and a ``../`` path
matches nothing. So the recipe handed to rattler-build names copies placed next to
it, under their path relative to the source directory -- ``<src>/LICENSE`` becomes
``LICENSE`` and lands in the archive as ``info/licenses/LICENSE``. The recipe shown
to people (``render``, ``debug/recipe.yaml``) keeps upstream's paths.
"""

from __future__ import annotations

import dataclasses
import glob
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kiln.errors import KilnError

if TYPE_CHECKING:
    from kiln.backend.recipe import Recipe

#: Files the recipe directory already holds (see ``debug.write_recipe_files``).
_RESERVED = frozenset({"recipe.yaml", "variants.yaml"})
_GLOB_CHARS = frozenset("*?[")


def _matches(entry: str, base: Path) -> list[Path]:
    """The files an entry names: one file, every file under a directory, or a glob's files."""
    path = Path(entry) if Path(entry).is_absolute() else base / entry
    if _GLOB_CHARS & set(entry):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
    else:
        found = [path] if path.exists() else []
    files: list[Path] = []
    for p in found:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        elif p.is_file():
            files.append(p)
    return files


def _destination(file: Path, base: Path) -> str:
    """Where a file goes in the recipe directory: its path below ``base``, else its name."""
    try:
        return PurePosixPath(file.resolve().relative_to(base.resolve()).as_posix()).as_posix()
    except ValueError:
        return file.name


def stage_license_files(entries: list[str], recipe_dir: Path, base: Path) -> list[str]:
    """Copy the files ``entries`` name into ``recipe_dir``; the entries for the recipe there.

    Relative entries are read against ``base`` (the package's source directory). An
    entry that names no file is an error that says which one, instead of
    rattler-build's "No license files were copied" after the whole build ran.
    """
    staged: dict[str, Path] = {}
    for entry in entries:
        files = _matches(entry, base)
        if not files:
            raise KilnError(
                f"the license file `{entry}` does not exist"
                + ("" if Path(entry).is_absolute() else f" (looked in {base})"),
                help="fix the path in `license-files` / `license = {file = ...}` (or the manifest's "
                "`license-file`), or add the file",
            )
        for file in files:
            dest = _destination(file, base)
            if dest in _RESERVED:
                raise KilnError(f"the license file {file} cannot be named `{dest}`: the recipe itself is")
            previous = staged.setdefault(dest, file)
            if previous.resolve() != file.resolve():
                raise KilnError(f"two license files would both be `info/licenses/{dest}`: {previous} and {file}")
    for dest, file in staged.items():
        target = recipe_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    return list(staged)


def with_staged_license_files(recipe: Recipe, recipe_dir: Path, base: Path) -> Recipe:
    """``recipe`` with its license files staged in ``recipe_dir`` and named relative to it."""
    if not recipe.about.license_file:
        return recipe
    entries = stage_license_files(list(recipe.about.license_file), recipe_dir, base)
    return dataclasses.replace(recipe, about=dataclasses.replace(recipe.about, license_file=entries))


def absolute_license_files(about: dict) -> list[str]:
    """The ``about.license_file`` entries of a rendered recipe that rattler-build cannot copy."""
    value = about.get("license_file") or []
    entries = [value] if isinstance(value, str) else list(value)
    return [e for e in entries if isinstance(e, str) and (e.startswith("/") or Path(e).is_absolute())]
