"""Conda platforms: the current one, families, and target-selector matching."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from kiln.protocol.types import CondaBuildV1Params

KNOWN_PLATFORMS = frozenset(
    {
        "noarch", "linux-32", "linux-64", "linux-aarch64", "linux-armv6l", "linux-armv7l",
        "linux-ppc64le", "linux-ppc64", "linux-s390x", "linux-riscv32", "linux-riscv64",
        "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "emscripten-wasm32",
        "wasi-wasm32", "freebsd-64", "zos-z",
    }
)  # fmt: skip


def current_platform() -> str:
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


class RequestPlatforms(NamedTuple):
    """The platforms one ``conda/build_v1`` request builds for (host) and on (build)."""

    host: str
    build: str


def request_platforms(params: CondaBuildV1Params) -> RequestPlatforms:
    """Host and build platform of a ``conda/build_v1`` request, the one place they are decided.

    As pixi's backends: a prefix the caller set up names its platform. kiln's front end
    sends no prefixes (rattler-build solves the environments itself), so the host platform
    then comes from the requested output, which ``conda/outputs`` rendered for it: its
    ``target_platform`` variant, else its subdir. Only a noarch output with no prefix
    leaves nothing to go by; it is built here, like the build platform without a prefix.
    """
    if params.host_prefix is not None:
        host = params.host_prefix.platform
    else:
        wanted = params.output.variant.get("target_platform")
        candidates = [wanted if isinstance(wanted, str) else None, params.output.subdir]
        host = next((p for p in candidates if p and p != "noarch"), None) or current_platform()
    build = params.build_prefix.platform if params.build_prefix is not None else current_platform()
    return RequestPlatforms(host, build)


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
