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
from kiln.channels.hosttools import ToolMissing, on_path, require, run_for_version
from kiln.channels.package import ChannelPackage, Content, Entry, Symlink

#: conda-forge's target triplets (the prefix of every tool name in its compiler packages).
CONDA_TRIPLETS = {
    "linux-64": "x86_64-conda-linux-gnu",
    "linux-aarch64": "aarch64-conda-linux-gnu",
    "linux-ppc64le": "powerpc64le-conda-linux-gnu",
}

BINUTILS = ("ar", "as", "ld", "nm", "objcopy", "objdump", "ranlib", "readelf", "strip")
RUST_PROGRAMS = ("cargo", "rustc", "rustdoc", "rustfmt", "cargo-clippy", "clippy-driver", "cargo-fmt")

def _prepend_rpath(variable: str, flags: str) -> str:
    """Shell that puts rpath ``flags`` in front of ``variable`` once (gcc and g++ both activate)."""
    return (
        '_kiln_lib="${PREFIX:-$CONDA_PREFIX}/lib"\n'
        f'case " ${{{variable}:-}} " in\n'
        '  *"-Wl,-rpath,${_kiln_lib} "*) ;;\n'
        f'  *) export {variable}="{flags}${{{variable}:+ ${variable}}}" ;;\n'
        "esac\n"
        "unset _kiln_lib\n"
    )


LDFLAGS_RPATH = _prepend_rpath("LDFLAGS", "-Wl,-rpath,${_kiln_lib} -Wl,-rpath-link,${_kiln_lib} -L${_kiln_lib}")
RUSTFLAGS_RPATH = _prepend_rpath(
    "RUSTFLAGS", "-C link-arg=-Wl,-rpath,${_kiln_lib} -C link-arg=-Wl,-rpath-link,${_kiln_lib}"
)


def compiler_package_name(language: str, subdir: str) -> str:
    return f"{default_compiler(subdir, language)}_{subdir}"


def _triplet(subdir: str) -> str:
    triplet = CONDA_TRIPLETS.get(subdir)
    if triplet is None:
        raise ToolMissing(f"compiler shims are made for {', '.join(CONDA_TRIPLETS)} only, not {subdir}")
    return triplet


def _activation(name: str, exports: dict[str, str], rpath: str) -> Content:
    lines = [f"# {name}: the machine's toolchain under conda's names (made by `kiln channel bootstrap`)"]
    lines += [f'export {key}="{value}"' for key, value in exports.items()]
    return Content(f"etc/conda/activate.d/kiln-{name}.sh", ("\n".join(lines) + "\n" + rpath).encode())


def _compiler(language: str, subdir: str, driver: str, aliases: tuple[str, ...], variable: str) -> ChannelPackage:
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
    entries.append(_activation(name, exports, LDFLAGS_RPATH))
    return ChannelPackage(
        kind=language,
        name=name,
        version=version,
        subdir=subdir,
        entries=entries,
        summary=f"The machine's {driver} ({program}) as conda's {name} (a kiln shim)",
        origin=str(program),
    )


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
    entries.append(_activation(name, exports, RUSTFLAGS_RPATH))
    return ChannelPackage(
        kind="rust",
        name=name,
        version=version,
        subdir=subdir,
        entries=entries,
        summary=f"The machine's Rust {version} ({sysroot}) as conda's {name} (a kiln shim)",
        origin=str(sysroot),
    )


def _sysroot(rustc: Path) -> Path:
    import subprocess

    try:
        done = subprocess.run([str(rustc), "--print", "sysroot"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"`rustc --print sysroot` failed: {exc}") from None
    path = Path(done.stdout.strip())
    if done.returncode != 0 or not path.is_dir():
        raise ToolMissing("`rustc --print sysroot` printed no directory")
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
    return ChannelPackage(
        kind="stdlib",
        name=f"sysroot_{subdir}",
        version=version,
        subdir=subdir,
        entries=[],
        summary=f"The machine's glibc {version} as conda's sysroot_{subdir} (a kiln shim)",
        origin=f"glibc {version}",
    )
