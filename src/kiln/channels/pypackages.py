"""Installed Python distributions as ``noarch: python`` conda packages.

The build tools a host environment needs (pip, hatchling, setuptools, uv, ...)
are taken from the environment kiln runs in, through ``importlib.metadata``: no
wheel files and no network. Their ``Requires-Dist`` become conda dependencies --
names normalised as PEP 503 does, markers evaluated for this interpreter, extras
dropped -- so the channel solves the way pip would have installed them.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Callable, Iterable
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier

from kiln.channels.hosttools import is_native
from kiln.channels.installed import Installed, find, record
from kiln.channels.package import ChannelPackage, Content, Entry, SourceFile, Symlink
from kiln.conda.package_names import pep503_name as conda_name
from kiln.conda.pep440 import conda_version_spec
from kiln.errors import ChannelError

#: What the backends install into host environments.
DEFAULT_DISTRIBUTIONS = ("pip", "hatchling", "setuptools", "wheel", "uv")

def conda_dependency(requirement: str, environment: dict[str, str] | None = None) -> str | None:
    """A ``Requires-Dist`` line as a conda match spec, or None when it does not apply here.

    A requirement whose marker is false for this interpreter, or that only
    applies to an extra, is dropped; the requirement's own extras are dropped too.
    """
    req = Requirement(requirement)
    if req.marker is not None:
        env = {**(environment or default_environment()), "extra": ""}
        if not req.marker.evaluate(env):
            return None
    version = conda_version_spec(str(req.specifier), sort=True)
    return f"{conda_name(req.name)} {version}" if version else conda_name(req.name)


def python_dependency(requires_python: str | None) -> str:
    if not requires_python:
        return "python"
    try:
        version = conda_version_spec(requires_python, sort=True)
    except InvalidSpecifier:
        return "python"
    return f"python {version}" if version else "python"


def dependencies(dist: Installed) -> list[str]:
    """The conda dependencies of an installed distribution, ``python`` first."""
    depends = [python_dependency(dist.get("Requires-Python"))]
    for line in dist.requires:
        try:
            spec = conda_dependency(line)
        except (InvalidRequirement, InvalidSpecifier) as exc:
            raise ChannelError(f"{dist.where}: cannot read the requirement `{line}`: {exc}") from None
        if spec is not None and spec not in depends:
            depends.append(spec)
    return depends


def closure(names: Iterable[str], note: Callable[[str], None]) -> list[Installed]:
    """The named distributions and everything they require, as installed here.

    A requirement that is not installed is reported through ``note``: the
    package that needs it is still made, it just cannot be installed from this
    channel alone.
    """
    found: dict[str, Installed] = {}
    queue = [conda_name(n) for n in names]
    while queue:
        name = queue.pop(0)
        if name in found:
            continue
        dist = find(name)
        if dist is None:
            continue
        found[name] = dist
        for dep in dependencies(dist)[1:]:
            dep_name = dep.split(" ", 1)[0]
            if dep_name in found:
                continue
            if find(dep_name) is None:
                note(f"{name} requires {dep}, which is not installed here: {name} will not install from this channel")
                continue
            queue.append(dep_name)
    return list(found.values())


def launcher(module: str, attr: str) -> bytes:
    """A console script that runs with the ``python`` next to it, wherever it is installed.

    The first lines are both shell and Python: ``sh`` re-executes the file with
    ``$(dirname "$0")/python``, and Python sees a string literal. conda
    installers would write this from ``info/link.json``, which
    ``assemble_package`` cannot produce.
    """
    head = attr.split(".", 1)[0]
    return (
        "#!/bin/sh\n"
        "'''exec' \"$(dirname -- \"$0\")/python\" \"$0\" \"$@\"\n"
        "' '''\n"
        "import sys\n"
        f"from {module} import {head}\n"
        "if __name__ == '__main__':\n"
        f"    sys.exit({attr}())\n"
    ).encode()


def distribution_entries(installed: Installed) -> list[Entry]:
    """The files of an installed distribution, laid out as a ``noarch: python`` package.

    site-packages files keep their place under ``site-packages/``; console
    scripts get a relocatable launcher in ``python-scripts/``; native programs
    in the scripts directory (uv's binary) become links to the installed file;
    other data files keep their path relative to the environment.
    """
    dist = installed.dist
    site = os.path.abspath(dist.locate_file(""))
    scripts = os.path.abspath(sysconfig.get_path("scripts"))
    prefix = os.path.abspath(sys.prefix)
    scripts_by_name = {
        ep.name: ep for ep in dist.entry_points if ep.group in ("console_scripts", "gui_scripts")
    }
    entries: list[Entry] = []
    for rel, digest in record(installed):
        if "__pycache__" in rel or rel.endswith((".pyc", ".pyo")):
            continue
        full = os.path.normpath(os.path.join(site, rel))
        if not os.path.isfile(full):
            continue
        if full.startswith(site + os.sep):
            entries.append(SourceFile("site-packages/" + _posix(full[len(site) + 1 :]), Path(full), digest))
        elif os.path.dirname(full) == scripts:
            name = os.path.basename(full)
            if name in scripts_by_name:
                module, _, attr = scripts_by_name[name].value.partition(":")
                attr = attr.split("[", 1)[0].strip()
                entries.append(Content(f"python-scripts/{name}", launcher(module.strip(), attr), executable=True))
            elif is_native(Path(full)):
                entries.append(Symlink(f"python-scripts/{name}", os.path.realpath(full)))
            else:
                entries.append(SourceFile(f"python-scripts/{name}", Path(full), digest))
        elif full.startswith(prefix + os.sep):
            entries.append(SourceFile(_posix(full[len(prefix) + 1 :]), Path(full), digest))
    return entries


def _posix(relative: str) -> str:
    return relative.replace(os.sep, "/")


def python_package(dist: Installed) -> ChannelPackage:
    """An installed distribution as a ``noarch: python`` channel package."""
    return ChannelPackage(
        kind="python-packages",
        name=conda_name(dist.name),
        version=dist.version,
        subdir="noarch",
        noarch="python",
        entries=distribution_entries(dist),
        depends=dependencies(dist),
        summary=dist.get("Summary") or None,
        license=dist.get("License-Expression") or None,
        build_prefix="pyh",
        origin=dist.where,
    )
