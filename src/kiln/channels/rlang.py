"""The ``r-base`` and ``gfortran`` shims: the machine's R and Fortran compiler under conda's names.

``r-base`` puts wrapper scripts in ``bin/R`` and ``bin/Rscript`` that run the
machine's R (Debian's ``r-base-core``) with the prefix's ``lib/R/library`` first on
``R_LIBS``, the library pixi-build-r's script installs into -- so a package
installed into a prefix loads with that prefix's ``Rscript``. The wrappers find
their prefix from their own location, so they survive rattler-build's prefix
relocation. When compilers are activated (the gcc/g++/gfortran shims export
``CC``/``CXX``/``FC``), ``R CMD INSTALL`` compiles with those instead of the
compilers R was built with: the wrapper points ``R_MAKEVARS_SITE`` at a Makevars
in the prefix that reads them.
"""

from __future__ import annotations

import re

from kiln.channels.compilers import C_FLAGS, _activation, _triplet, compiler_package_name
from kiln.channels.hosttools import ToolMissing, require, run_for_version, run_tool
from kiln.channels.package import ChannelPackage, Content, Entry, Symlink, shim

#: Where pixi-build-r installs packages, relative to the prefix (spec ``backends.md`` §6.4).
LIBRARY = "lib/R/library"
MAKEVARS = "lib/R/etc/Makevars.site"

#: Make variables R's Makeconf sets, and the environment variable that replaces each.
_MAKE_OVERRIDES = (
    ("CC", "CC"),
    ("CXX", "CXX"),
    ("CXX11", "CXX"),
    ("CXX14", "CXX"),
    ("CXX17", "CXX"),
    ("CXX20", "CXX"),
    ("FC", "FC"),
    ("F77", "FC"),
)


def _wrapper(program: str, target: str) -> bytes:
    lines = [
        "#!/bin/sh",
        f"# {program}: the machine's R with this prefix's library first (made by `kiln channel bootstrap`)",
        '_kiln_r_prefix="$(cd "$(dirname "$0")/.." && pwd -P)"',
        f'R_LIBS="$_kiln_r_prefix/{LIBRARY}${{R_LIBS:+:$R_LIBS}}"',
        "export R_LIBS",
        f'if [ -z "${{R_MAKEVARS_SITE:-}}" ]; then',
        f'    R_MAKEVARS_SITE="$_kiln_r_prefix/{MAKEVARS}"; export R_MAKEVARS_SITE',
        "fi",
    ]
    for variable in ("CC", "CXX", "FC"):
        exported = f'KILN_R_{variable}="${variable}"; export KILN_R_{variable}'
        lines.append(f'if [ -n "${{{variable}:-}}" ]; then {exported}; fi')
    lines += ["unset _kiln_r_prefix", f'exec "{target}" "$@"', ""]
    return "\n".join(lines).encode()


def _makevars() -> bytes:
    lines = ["# The build environment's compilers (exported by kiln's compiler shims) over R's own."]
    for make_var, env in _MAKE_OVERRIDES:
        lines += [f"ifneq ($(KILN_R_{env}),)", f"{make_var} = $(KILN_R_{env})", "endif"]
    return ("\n".join(lines) + "\n").encode()


def r_version(rscript_output: str) -> str:
    """``4.2.2`` from ``R version 4.2.2 Patched (2022-11-10 r83330) -- ...``."""
    m = re.search(r"R version (\d+\.\d+\.\d+)", rscript_output)
    if m is None:
        raise ToolMissing(f"cannot read R's version from `{rscript_output.splitlines()[0] if rscript_output else ''}`")
    return m.group(1)


def r_base_shim(subdir: str) -> ChannelPackage:
    """``r-base`` at the machine's R version (needs ``R`` and ``Rscript`` on PATH)."""
    if not subdir.startswith(("linux-", "osx-")):
        raise ToolMissing(f"the r-base shim is made for Linux and macOS only, not {subdir}")
    r = require("R")
    rscript = require("Rscript")
    version = r_version(run_tool(r, "--version"))
    entries: list[Entry] = [
        Content("bin/R", _wrapper("R", str(r)), executable=True),
        Content("bin/Rscript", _wrapper("Rscript", str(rscript)), executable=True),
        Content(MAKEVARS, _makevars()),
        # a conda package cannot hold an empty directory
        Content(f"{LIBRARY}/.kiln-r-library", b""),
    ]
    return shim("r", "r-base", version, subdir, entries, origin=str(r))


def gfortran_shim(subdir: str) -> ChannelPackage:
    """``gfortran_<platform>``: what ``compiler('fortran')`` resolves to, exporting ``FC`` like conda-forge."""
    triplet = _triplet(subdir)
    name = compiler_package_name("fortran", subdir)
    program = require("gfortran")
    version = run_for_version(program, "-dumpfullversion")
    entries: list[Entry] = [Symlink(f"bin/{triplet}-gfortran", str(program))]
    fc = f"${{CONDA_PREFIX}}/bin/{triplet}-gfortran"
    exports = {"FC": fc, "F77": fc, "F90": fc, "F95": fc, "GFORTRAN": fc}
    entries.append(_activation(name, exports, C_FLAGS))
    return shim("fortran", name, version, subdir, entries, origin=str(program))
