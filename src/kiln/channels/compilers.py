"""Compiler and C-library shims: what ``compiler('c'|'cxx'|'rust')`` and ``stdlib('c')`` resolve to.

rattler-build turns ``${{ compiler('cxx') }}`` into ``gxx_<platform>`` (and ``c`` into
``gcc_<platform>``, ``rust`` into ``rust_<platform>``) and runs the build
environment's ``etc/conda/activate.d`` scripts. The shims link conda's tool
names to the machine's gcc, g++ and Rust toolchain and export ``CC``/``CXX``/
``CARGO``/... like conda-forge's activation does. They also add an rpath to
``$PREFIX/lib``: rattler-build can only rewrite an existing RPATH, and without
one it looks for a ``patchelf`` program and fails. Versions are the tools' own
(``g++ -dumpfullversion``), so ``12.*`` pins match.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiln.backend.compilers import default_compiler
from kiln.channels.hosttools import ToolMissing, on_path, require, run_for_version, run_tool
from kiln.channels.package import ChannelPackage, Content, Entry, Symlink, shim

#: conda-forge's target triplets (the prefix of every tool name in its compiler packages).
CONDA_TRIPLETS = {
    "linux-64": "x86_64-conda-linux-gnu",
    "linux-aarch64": "aarch64-conda-linux-gnu",
    "linux-ppc64le": "powerpc64le-conda-linux-gnu",
}

BINUTILS = ("ar", "as", "ld", "nm", "objcopy", "objdump", "ranlib", "readelf", "strip")
RUST_PROGRAMS = ("cargo", "rustc", "rustdoc", "rustfmt", "cargo-clippy", "clippy-driver", "cargo-fmt")


def _prepend_once(variable: str, flags: str) -> str:
    """Shell that puts ``flags`` in front of ``variable`` unless an earlier activation did (gcc, g++ both run)."""
    return (
        f'case " ${{{variable}:-}} " in\n'
        f'  *" {flags} "*) ;;\n'
        f'  *) export {variable}="{flags}${{{variable}:+ ${variable}}}" ;;\n'
        "esac\n"
    )


def _flags_script(*settings: tuple[str, str]) -> str:
    """The flags part of an activation script; ``$_kiln_prefix`` is the host prefix while it runs."""
    body = "".join(_prepend_once(variable, flags) for variable, flags in settings)
    return f'_kiln_prefix="${{PREFIX:-$CONDA_PREFIX}}"\n{body}unset _kiln_prefix\n'


_LIB = "${_kiln_prefix}/lib"
#: The rpath makes rattler-build's relinker rewrite rather than need patchelf; -isystem finds host headers.
C_FLAGS = _flags_script(
    ("LDFLAGS", f"-Wl,-rpath,{_LIB} -Wl,-rpath-link,{_LIB} -L{_LIB}"),
    ("CPPFLAGS", "-isystem ${_kiln_prefix}/include"),
)
RUST_FLAGS = _flags_script(("RUSTFLAGS", f"-C link-arg=-Wl,-rpath,{_LIB} -C link-arg=-Wl,-rpath-link,{_LIB}"))


def compiler_package_name(language: str, subdir: str) -> str:
    return f"{default_compiler(subdir, language)}_{subdir}"


def _triplet(subdir: str) -> str:
    triplet = CONDA_TRIPLETS.get(subdir)
    if triplet is None:
        raise ToolMissing(f"compiler shims are made for {', '.join(CONDA_TRIPLETS)} only, not {subdir}")
    return triplet


def _activation(name: str, exports: dict[str, str], flags: str) -> Content:
    lines = [f"# {name}: the machine's toolchain under conda's names (made by `kiln channel bootstrap`)"]
    lines += [f'export {key}="{value}"' for key, value in exports.items()]
    return Content(f"etc/conda/activate.d/kiln-{name}.sh", ("\n".join(lines) + "\n" + flags).encode())


def _compiler(language: str, subdir: str, driver: str, aliases: tuple[str, ...], variable: str) -> ChannelPackage:
    """``<lang>_<platform>``: conda's tool names linked to ``driver``, and ``variable`` exported."""
    triplet = _triplet(subdir)
    name = compiler_package_name(language, subdir)
    program = require(driver)
    version = run_for_version(program, "-dumpfullversion")
    entries: list[Entry] = [Symlink(f"bin/{triplet}-{alias}", str(program)) for alias in aliases]
    exports = {variable: f"${{CONDA_PREFIX}}/bin/{triplet}-{aliases[-1]}"}
    if language == "c":
        cpp = on_path("cpp")
        if cpp is not None:
            entries.append(Symlink(f"bin/{triplet}-cpp", str(cpp)))
            exports["CPP"] = f"${{CONDA_PREFIX}}/bin/{triplet}-cpp"
        for tool in BINUTILS:
            path = on_path(tool)
            if path is not None:
                entries.append(Symlink(f"bin/{triplet}-{tool}", str(path)))
                exports[tool.upper()] = f"${{CONDA_PREFIX}}/bin/{triplet}-{tool}"
        exports["HOST"] = triplet
    entries.append(_activation(name, exports, C_FLAGS))
    return shim(language, name, version, subdir, entries, origin=str(program))


def gcc_shim(subdir: str) -> ChannelPackage:
    return _compiler("c", subdir, "gcc", ("gcc", "cc"), "CC")


def gxx_shim(subdir: str) -> ChannelPackage:
    return _compiler("cxx", subdir, "g++", ("g++", "c++"), "CXX")


def rust_shim(subdir: str) -> ChannelPackage:
    """The Rust toolchain's real binaries: rustup's proxies need its own environment."""
    rustc = require("rustc")
    version = run_for_version(rustc, "--version")
    sysroot = _sysroot(rustc)
    entries: list[Entry] = []
    for program in RUST_PROGRAMS:
        path = sysroot / "bin" / program
        if path.is_file() and os.access(path, os.X_OK):
            entries.append(Symlink(f"bin/{program}", str(path)))
    if not any(e.dest == "bin/cargo" for e in entries):
        raise ToolMissing(f"no cargo next to rustc in {sysroot / 'bin'}")
    name = compiler_package_name("rust", subdir)
    exports = {
        "CARGO": "${CONDA_PREFIX}/bin/cargo",
        "RUSTC": "${CONDA_PREFIX}/bin/rustc",
        "RUSTDOC": "${CONDA_PREFIX}/bin/rustdoc",
    }
    entries.append(_activation(name, exports, RUST_FLAGS))
    return shim("rust", name, version, subdir, entries, origin=str(sysroot))


def _sysroot(rustc: Path) -> Path:
    path = Path(run_tool(rustc, "--print", "sysroot"))
    if not path.is_dir():
        raise ToolMissing(f"`{rustc} --print sysroot` printed no directory")
    return path


def glibc_version() -> str | None:
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):
        return None
    name, _, version = text.partition(" ")
    return version if name == "glibc" and version else None


def sysroot_shim(subdir: str) -> ChannelPackage:
    """``sysroot_<platform>`` at the machine's glibc version: the answer to ``stdlib('c')``.

    It holds no files: builds link against the machine's own C library.
    """
    if not subdir.startswith("linux-"):
        raise ToolMissing(f"the C library shim is made for Linux only, not {subdir}")
    version = glibc_version()
    if version is None:
        raise ToolMissing("the C library is not glibc")
    return shim("stdlib", f"sysroot_{subdir}", version, subdir, [], origin=f"glibc {version}")
