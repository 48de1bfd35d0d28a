"""Finding the machine's own programs (compilers, cmake, ...) and their versions.

A program may come from a distribution installed next to kiln (``pip install
cmake`` puts a real binary inside site-packages) or from ``PATH``. What is not
there is reported as :class:`ToolMissing`, which the bootstrap turns into a
one-line note rather than an error: a channel without a Rust compiler is still
useful.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from kiln.errors import ChannelError

_NATIVE_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ")
_VERSION = re.compile(r"\d+(?:\.\d+)+")


class ToolMissing(Exception):
    """A program a package is made from is not on this machine (the message says which)."""


def is_native(path: Path) -> bool:
    """A compiled program, as opposed to a script (pip's launchers are scripts)."""
    try:
        with path.open("rb") as handle:
            return handle.read(4).startswith(_NATIVE_MAGIC)
    except OSError:
        return False


def record(dist: metadata.Distribution, where: str) -> list[tuple[str, str | None]]:
    """``(path, hash)`` for each line of the distribution's RECORD.

    Read directly: ``Distribution.files`` builds a path object per line, which
    costs more than everything else a re-run does.
    """
    text = dist.read_text("RECORD")
    if text is None:
        raise ChannelError(f"{where}: the distribution has no RECORD, so its files are unknown")
    rows = []
    for row in csv.reader(text.splitlines()):
        if row and row[0]:
            rows.append((row[0], row[1] if len(row) > 1 and row[1] else None))
    return rows


def from_distribution(dist_name: str, program: str) -> tuple[Path, str] | None:
    """The native ``program`` shipped by an installed distribution, with its version."""
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        return None
    site = dist.locate_file("")
    for rel, _digest in record(dist, dist_name):
        if rel.rsplit("/", 1)[-1] != program:
            continue
        path = Path(os.path.normpath(os.path.join(site, rel)))
        if path.is_file() and os.access(path, os.X_OK) and is_native(path):
            return path.resolve(), dist.version
    return None


def on_path(program: str) -> Path | None:
    found = shutil.which(program)
    return Path(found).absolute() if found else None


def require(program: str) -> Path:
    path = on_path(program)
    if path is None:
        raise ToolMissing(f"`{program}` is not on PATH")
    return path


def run_for_version(program: Path, *args: str) -> str:
    """The first dotted version number ``program args`` prints."""
    try:
        done = subprocess.run([str(program), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"`{program} {' '.join(args)}` failed: {exc}") from None
    match = _VERSION.search(done.stdout or done.stderr or "")
    if done.returncode != 0 or match is None:
        raise ToolMissing(f"`{program} {' '.join(args)}` printed no version")
    return match.group(0)


def find_tool(program: str, dist_name: str | None = None) -> tuple[Path, str]:
    """``program`` and its version: the pip-installed one if any, else the one on PATH."""
    if dist_name is not None:
        found = from_distribution(dist_name, program)
        if found is not None:
            return found
    path = require(program)
    return path, run_for_version(path, "--version")
