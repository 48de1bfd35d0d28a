"""Which files make a Python package stale: upstream's glob lists plus the project's own files.

:func:`build_globs` and :func:`cython_globs` are upstream's lists, unchanged
(spec ``backends.md`` §2.7). They miss files that do change the package -- package
data, the README and license files that build backends copy into the metadata --
so :func:`project_globs` adds those, and ends with the SDK's exclusions for what a
build or a tool writes next to the sources (last match wins, so they come last).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiln.backend.globs import GENERATED_EXCLUDES, compiler_globs

if TYPE_CHECKING:
    from kiln.backends.python.metadata import Pyproject

#: Project configuration that any Python build backend may read.
BASE_GLOBS = (
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "requirements*.txt",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "tox.ini",
)

CYTHON_GLOBS = ("**/*.{pyx,pxd,pxi}",)


def build_globs(compilers: list[str], extra_input_globs: list[str], editable: bool) -> list[str]:
    """Upstream's ``extract_input_globs_from_build``: an editable install reads ``*.py`` live."""
    result = list(BASE_GLOBS)
    if not editable:
        result.append("**/*.py")
    result.extend(compiler_globs(compilers))
    result.extend(extra_input_globs)
    return result


def cython_globs(package_names: set[str]) -> list[str]:
    """Cython sources matter once cython is in the build or host environment."""
    return list(CYTHON_GLOBS) if "cython" in package_names else []


def _package_dirs(root: Path) -> list[str]:
    """``src`` in a src layout, else every top-level directory that is a Python package."""
    if (root / "src").is_dir():
        return ["src"]
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return []
    return [e.name for e in entries if e.is_dir() and not e.name.startswith(".") and (e / "__init__.py").is_file()]


def project_globs(root: Path, pyproject: Pyproject | None, editable: bool) -> list[str]:
    """kiln's additions: README and license files named by pyproject.toml, every file of
    the package directories (package data; not for editable installs, which read
    them in place), then the exclusions."""
    result: list[str] = []
    if pyproject is not None:
        if pyproject.readme_file:
            result.append(pyproject.readme_file)
        result.extend(pyproject.license_file_entries)
    if not editable:
        result.extend(f"{d}/**" for d in _package_dirs(root))
    # the exclusions close the whole build glob list, which this ends
    return [*result, *GENERATED_EXCLUDES]
