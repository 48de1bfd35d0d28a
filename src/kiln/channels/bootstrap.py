"""``kiln channel bootstrap``: an offline conda channel made from this machine's own toolchain.

With no conda channel in reach, a build still needs ``python``, the Python build
tools, cmake/ninja and compilers in its environments. This module makes them
from what the machine has -- the interpreter kiln runs with, the distributions
installed next to kiln, the programs on PATH -- as small conda packages in a
local channel, indexes it, and writes ``variants.yaml`` with the variant values
that make ``compiler(..)`` and ``stdlib('c')`` resolve to those packages.

A re-run is incremental: each archive carries a stamp of its inputs in the
channel's ``.kiln/stamps``, and an archive whose stamp still matches is kept.
Archives and stamps are written by rename, so an interrupted run leaves a
channel that the next run completes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiln.channels.compilers import gcc_shim, gxx_shim, rust_shim, sysroot_shim
from kiln.channels.hosttools import ToolMissing
from kiln.conda.platforms import current_platform
from kiln.channels.index import (
    STATE_DIR,
    index_is_current,
    locked,
    prepare_channel_dir,
    write_atomically,
    write_index,
)
from kiln.channels.installed import find
from kiln.channels.package import ChannelPackage, assemble
from kiln.channels.rlang import gfortran_shim, r_base_shim
from kiln.channels.pypackages import DEFAULT_DISTRIBUTIONS, closure, conda_name, python_package
from kiln.channels.shims import python_shim, tool_shim
from kiln.errors import ChannelError

#: Every kind of package a bootstrap can make, in the order they are made.
KINDS = ("python", "python-packages", "cmake", "ninja", "patchelf", "c", "cxx", "fortran", "rust", "stdlib", "r", "sccache")
#: Names that stand for several kinds in ``--only``/``--skip``.
GROUPS = {"tools": ("cmake", "ninja", "patchelf"), "compilers": ("c", "cxx", "fortran", "rust")}
VARIANTS_FILE = "variants.yaml"

Note = Callable[[str], None]


@dataclass(frozen=True)
class Row:
    """One archive of the channel and what this run did with it."""

    kind: str
    name: str
    version: str
    build: str
    subdir: str
    size: int
    status: str
    """``new``, ``updated`` or ``unchanged``."""
    origin: str


@dataclass
class BootstrapReport:
    channel: Path
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variants_file: Path | None = None


def select_kinds(only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[str]:
    """The kinds to make: all, or those in ``only``, minus those in ``skip``."""

    def expand(names: Iterable[str], option: str) -> set[str]:
        out: set[str] = set()
        for raw in names:
            for name in (n.strip() for n in raw.split(",")):
                if not name:
                    continue
                if name in GROUPS:
                    out.update(GROUPS[name])
                elif name in KINDS:
                    out.add(name)
                else:
                    choices = ", ".join([*KINDS, *GROUPS])
                    raise ChannelError(f"{option}: unknown kind `{name}` (expected one of: {choices})")
        return out

    only_set = expand(only, "--only")
    skip_set = expand(skip, "--skip")
    return [k for k in KINDS if (not only_set or k in only_set) and k not in skip_set]


def plan(kinds: Sequence[str], python_packages: Sequence[str], subdir: str, note: Note) -> list[ChannelPackage]:
    """The packages to put in the channel; what the machine lacks becomes a note."""
    makers: dict[str, Callable[[], ChannelPackage]] = {
        "python": lambda: python_shim(subdir),
        "cmake": lambda: tool_shim("cmake", subdir),
        "ninja": lambda: tool_shim("ninja", subdir),
        "patchelf": lambda: tool_shim("patchelf", subdir),
        "c": lambda: gcc_shim(subdir),
        "cxx": lambda: gxx_shim(subdir),
        "fortran": lambda: gfortran_shim(subdir),
        "rust": lambda: rust_shim(subdir),
        "stdlib": lambda: sysroot_shim(subdir),
        "r": lambda: r_base_shim(subdir),
        "sccache": lambda: tool_shim("sccache", subdir),
    }
    names = _python_distribution_names(kinds, python_packages, note)
    packages: list[ChannelPackage] = []
    for kind in kinds:
        if kind == "python-packages":
            continue
        try:
            packages.append(makers[kind]())
        except ToolMissing as exc:
            note(f"skipped {kind}: {exc}")
    for dist in closure(names, note):
        packages.append(python_package(dist))
    return packages


def _python_distribution_names(kinds: Sequence[str], named: Sequence[str], note: Note) -> list[str]:
    names = []
    if "python-packages" in kinds:
        for name in DEFAULT_DISTRIBUTIONS:
            if find(name) is None:
                note(f"skipped {name}: it is not installed in the environment kiln runs in")
            else:
                names.append(name)
    for name in named:
        if find(name) is None:
            raise ChannelError(
                f"--python-package {name}: no distribution `{name}` is installed in the environment kiln runs in",
                help=f"install it next to kiln first (e.g. `python -m pip install {name}`)",
            )
        names.append(conda_name(name))
    return names


def bootstrap(
    channel: Path,
    *,
    kinds: Sequence[str] = KINDS,
    python_packages: Sequence[str] = (),
    subdir: str | None = None,
    note: Note | None = None,
) -> BootstrapReport:
    """Create or refresh the channel at ``channel``; see the module docstring."""
    notes: list[str] = []

    def add_note(text: str) -> None:
        notes.append(text)
        if note is not None:
            note(text)

    subdir = subdir or current_platform()
    # what the machine lacks is said once the location is known to be good (an error
    # about the directory comes first, alone)
    pending: list[str] = []
    packages = plan(kinds, python_packages, subdir, pending.append)
    channel = prepare_channel_dir(channel)
    for text in pending:
        add_note(text)
    report = BootstrapReport(channel, notes=notes)
    with locked(channel) as scratch:
        stamps = Stamps(channel)
        for package in packages:
            report.rows.append(_make(channel, package, stamps, scratch))
        changed = any(row.status != "unchanged" for row in report.rows)
        for package in packages:
            changed |= stamps.remove_superseded(package)
        if changed or not index_is_current(channel):
            write_index(channel)
            changed = True
        variants = channel / VARIANTS_FILE
        if changed or not variants.is_file():
            write_variants(channel, subdir, scratch)
        report.variants_file = variants
    return report


def _make(channel: Path, package: ChannelPackage, stamps: Stamps, scratch: Path) -> Row:
    dest = channel / package.subdir / package.filename
    stamp = package.stamp
    if dest.is_file() and stamps.get(package) == stamp:
        status = "unchanged"
    else:
        status = "updated" if dest.exists() else "new"
        built = assemble(package, scratch)
        dest.parent.mkdir(exist_ok=True)
        os.replace(built, dest)
        stamps.put(package, stamp, scratch)
    return Row(package.kind, package.name, package.version, package.build_string, package.subdir,
               dest.stat().st_size, status, package.origin)  # fmt: skip


class Stamps:
    """``.kiln/stamps/<subdir>/<archive>``: which package an archive is, and from what inputs."""

    def __init__(self, channel: Path) -> None:
        self.channel = channel
        self.root = channel / STATE_DIR / "stamps"
        self.known: dict[tuple[str, str], dict[str, str]] = {}
        for path in self.root.glob("*/*"):
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(data, dict):
                self.known[(path.parent.name, path.name)] = data

    def get(self, package: ChannelPackage) -> str | None:
        return self.known.get((package.subdir, package.filename), {}).get("stamp")

    def put(self, package: ChannelPackage, stamp: str, scratch: Path) -> None:
        path = self.root / package.subdir / package.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"name": package.name, "stamp": stamp}
        write_atomically(path, json.dumps(data).encode(), scratch)
        self.known[(package.subdir, package.filename)] = data

    def remove_superseded(self, package: ChannelPackage) -> bool:
        """Drop archives an earlier bootstrap made for this package name (an older version, say)."""
        stale = [
            (subdir, filename)
            for (subdir, filename), data in self.known.items()
            if subdir == package.subdir and filename != package.filename and data.get("name") == package.name
        ]
        for subdir, filename in stale:
            (self.channel / subdir / filename).unlink(missing_ok=True)
            (self.root / subdir / filename).unlink(missing_ok=True)
            del self.known[(subdir, filename)]
        return bool(stale)


def channel_variants(channel: Path, subdir: str) -> dict[str, str]:
    """Variant values for the compilers and C library the channel holds (newest of each)."""
    from rattler import Version

    try:
        repodata = json.loads((channel / subdir / "repodata.json").read_text())
    except (OSError, ValueError):
        return {}
    newest: dict[str, Version] = {}
    for record in {**repodata.get("packages", {}), **repodata.get("packages.conda", {})}.values():
        name, version = record.get("name"), Version(record.get("version", "0"))
        if name not in newest or version > newest[name]:
            newest[name] = version
    values: dict[str, str] = {}
    for language, compiler, digits in (("c", "gcc", 1), ("cxx", "gxx", 1), ("fortran", "gfortran", 1), ("rust", "rust", 2)):
        version = newest.get(f"{compiler}_{subdir}")
        if version is not None:
            values[f"{language}_compiler"] = compiler
            values[f"{language}_compiler_version"] = ".".join(str(version).split(".")[:digits])
    sysroot = newest.get(f"sysroot_{subdir}")
    if sysroot is not None:
        values["c_stdlib"] = "sysroot"
        values["c_stdlib_version"] = str(sysroot)
    return values


def write_variants(channel: Path, subdir: str, scratch: Path) -> Path:
    """``<channel>/variants.yaml``: pass it with ``-m`` so ``compiler(..)``/``stdlib('c')`` match the shims."""
    values = channel_variants(channel, subdir)
    lines = [
        "# Variants matching the compilers and C library in this channel (written by `kiln channel bootstrap`).",
        f"# Use it with builds from this channel: kiln build -m {channel / VARIANTS_FILE} -c {channel} ...",
    ]
    lines += [f'{key}: ["{value}"]' for key, value in values.items()] or ["{}"]
    path = channel / VARIANTS_FILE
    write_atomically(path, ("\n".join(lines) + "\n").encode(), scratch)
    return path
