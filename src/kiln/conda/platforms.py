"""Conda platforms: the one kiln runs on, the known names, families and target selectors.

Written by hand rather than through ``rattler.Subdir`` (once ``Platform``): every process asks for the
current platform early (backend start-up included), and importing rattler costs more
than the answer. ``tests/conda/test_platforms.py`` holds both to rattler's answers.
"""

from __future__ import annotations

import os
import sys

KNOWN_PLATFORMS = frozenset(
    {
        "noarch", "linux-32", "linux-64", "linux-aarch64", "linux-armv6l", "linux-armv7l",
        "linux-ppc64le", "linux-ppc64", "linux-s390x", "linux-riscv32", "linux-riscv64",
        "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "emscripten-wasm32",
        "wasi-wasm32", "freebsd-64", "zos-z",
    }
)  # fmt: skip


def current_platform() -> str:
    """The conda platform of this machine, as ``rattler.Subdir.current()`` names it."""
    machine = os.uname().machine.lower() if hasattr(os, "uname") else _windows_machine()
    if sys.platform.startswith("linux"):
        arch = {"x86_64": "64", "amd64": "64", "aarch64": "aarch64", "arm64": "aarch64", "ppc64le": "ppc64le",
                "s390x": "s390x", "armv7l": "armv7l", "i686": "32", "i386": "32"}.get(machine, machine)  # fmt: skip
        return f"linux-{arch}"
    if sys.platform == "darwin":
        return "osx-arm64" if machine in ("arm64", "aarch64") else "osx-64"
    if sys.platform == "win32":
        return "win-arm64" if machine in ("arm64", "aarch64") else "win-64"
    return f"{sys.platform}-{machine}"


def family(platform: str) -> str | None:
    """``linux``, ``osx``, ``win`` (or None for noarch/others)."""
    head = platform.split("-", 1)[0]
    return {"linux": "linux", "osx": "osx", "win": "win"}.get(head)


def is_unix(platform: str) -> bool:
    return family(platform) in ("linux", "osx") or platform.startswith(("freebsd", "emscripten"))


def selector_matches(selector: str, platform: str) -> bool:
    """Does a ``[package.build.target.<selector>]`` selector apply to ``platform``?

    ``unix``, ``linux``, ``win`` and ``macos``/``osx`` are families; anything else
    must equal the platform name (case-sensitive, as upstream).
    """
    if selector == "unix":
        return is_unix(platform)
    if selector == "linux":
        return family(platform) == "linux"
    if selector == "win":
        return family(platform) == "win"
    if selector in ("macos", "osx"):
        return family(platform) == "osx"
    return selector == platform


def _windows_machine() -> str:
    return os.environ.get("PROCESSOR_ARCHITECTURE", "AMD64")
