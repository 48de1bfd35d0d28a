"""Opt-in PyPI -> conda translation of pyproject requirements (spec ``backends.md`` §2.5).

Names are looked up first in the user's ``pypi-conda-map``, then in prefix.dev's
mapping service (``conda-mapping.prefix.dev``), one channel at a time. Answers
are cached as ``<cache_dir>/pypi-conda-mapping/<channel>/<name>.json`` for a day,
so a pre-seeded cache (or the user map alone) works with no network at all. The
network fetch is a plain function passed in, so callers and tests can replace it.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.conda.match_specs import format_spec
from kiln.conda.package_names import is_valid_package_name, pep503_name
from kiln.conda.pep440 import conda_version_spec
from kiln.conda.urls import channel_name
from kiln.protocol import log

MAPPING_BASE_URL = "https://conda-mapping.prefix.dev/pypi-to-conda-v1"
CACHE_SUBDIR = "pypi-conda-mapping"
CACHE_TTL_SECONDS = 24 * 60 * 60

#: Marker variables that depend on the interpreter rather than the platform:
#: a requirement guarded by one cannot be decided when the recipe is generated.
NON_SYSTEM_MARKERS = (
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
    "platform_python_implementation",
    "platform_release",
    "platform_version",
    "extra",
)

#: Build tools whose presence in ``build-system.requires`` implies compilers.
BUILD_TOOL_COMPILERS: dict[str, tuple[str, ...]] = {"maturin": ("rust",), "setuptools-rust": ("rust",)}


class MappingError(Exception):
    """A lookup failed for a reason other than "no such package" (network, bad data)."""


class PackageNotMapped(MappingError):
    """The mapping service knows no conda package for this PyPI name (HTTP 404)."""


#: ``fetch(channel_name, pypi_name)`` -> the service's JSON answer; raises
#: :class:`PackageNotMapped` for a 404 and :class:`MappingError` otherwise.
Fetcher = Callable[[str, str], dict[str, Any]]


def fetch_from_service(channel: str, pypi_name: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Ask conda-mapping.prefix.dev (the only network access of this backend)."""
    import urllib.error
    import urllib.request

    url = f"{MAPPING_BASE_URL}/{channel}/{pypi_name}.json"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise PackageNotMapped(pypi_name) from None
        raise MappingError(f"failed to fetch conda mapping for '{pypi_name}': HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise MappingError(f"failed to fetch conda mapping for '{pypi_name}': {exc}") from None


# -- names, markers and versions ---------------------------------------------------------

_PYPI_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def _marker_environment(platform: str) -> dict[str, str]:
    """PEP 508 marker values that a conda platform implies (unknown: like linux-64)."""
    machine = {
        "linux-64": "x86_64",
        "linux-aarch64": "aarch64",
        "linux-ppc64le": "ppc64le",
        "linux-s390x": "s390x",
        "linux-armv6l": "armv6l",
        "linux-armv7l": "armv7l",
        "linux-32": "i686",
        "osx-64": "x86_64",
        "osx-arm64": "arm64",
        "win-64": "AMD64",
        "win-32": "x86",
        "win-arm64": "ARM64",
    }.get(platform)
    if platform.startswith("osx-") and machine:
        system = ("darwin", "posix", "Darwin")
    elif platform.startswith("win-") and machine:
        system = ("win32", "nt", "Windows")
    else:
        system = ("linux", "posix", "Linux")
        machine = machine or "x86_64"
    sys_platform, os_name, platform_system = system
    return {
        "implementation_name": "cpython",
        "implementation_version": "1.0.0",
        "os_name": os_name,
        "platform_machine": machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": platform_system,
        "platform_version": "",
        "python_full_version": "1.0.0",
        "python_version": "1.0",
        "sys_platform": sys_platform,
        "extra": "",
    }


#: A PEP 508 requirement's head: the name and its optional ``[extras]``.
_REQUIREMENT_HEAD = re.compile(r"\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\])?\s*")


def _written_specifier(text: str) -> str:
    """The version specifiers of a valid requirement, in the order written.

    packaging's ``SpecifierSet`` sorts its members, and upstream keeps the author's
    order, so the specifiers are cut out of the text: after the name and extras,
    before the marker, without the optional parentheses."""
    head = _REQUIREMENT_HEAD.match(text)
    rest = text[head.end() if head else 0 :].split(";", 1)[0].strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return ",".join(part.strip() for part in rest.split(",") if part.strip())


@dataclass(frozen=True)
class PypiRequirement:
    """One PEP 508 requirement, with its version specifiers in the order written."""

    name: str
    specifier: str
    url: str
    marker: str | None

    @classmethod
    def parse(cls, text: str) -> PypiRequirement:
        from packaging.requirements import Requirement

        req = Requirement(text)  # validates the whole requirement
        return cls(
            name=pep503_name(req.name),
            specifier="" if req.url else _written_specifier(text),
            url=req.url or "",
            marker=str(req.marker) if req.marker is not None else None,
        )

    def applies_to(self, platform: str) -> bool:
        """Keep unmarked requirements; for noarch drop every marked one; drop markers that
        depend on the interpreter; evaluate the rest against ``platform``."""
        if self.marker is None:
            return True
        if platform == "noarch":
            return False
        if any(re.search(rf"\b{field}\b", self.marker) for field in NON_SYSTEM_MARKERS):
            return False
        from packaging.markers import Marker

        return Marker(self.marker).evaluate(_marker_environment(platform))

    def conda_version(self) -> str | None:
        """The specifiers as a conda version spec (``===`` -> ``==``); None for URLs or none."""
        if self.url or not self.specifier.strip():
            return None
        return conda_version_spec(self.specifier) or None

    def as_conda(self, conda_name: str) -> str:
        return format_spec(conda_name.lower(), self.conda_version())


# -- the user map and the service --------------------------------------------------------


def normalize_user_map(user_map: dict[str, str | bool | None] | None) -> dict[str, str | None]:
    """User map keyed by normalised PyPI name; ``None`` means "drop"."""
    result: dict[str, str | None] = {}
    for key, value in (user_map or {}).items():
        if not _PYPI_NAME.match(key):
            log.warn(f"`pypi-conda-map`: `{key}` is not a valid PyPI package name; the entry is ignored")
            continue
        normal = pep503_name(key)
        if normal in result:
            log.warn(f"`pypi-conda-map`: `{key}` repeats `{normal}`; the later entry wins")
        result[normal] = value if isinstance(value, str) else None
    return result


class MappingCache:
    """``<cache_dir>/pypi-conda-mapping/<channel>/<name>.json`` with a one-day lifetime."""

    def __init__(self, cache_dir: Path | None, channel: str) -> None:
        self.dir = None if cache_dir is None else cache_dir / CACHE_SUBDIR / channel

    def read(self, name: str) -> dict[str, Any] | None:
        if self.dir is None:
            return None
        path = self.dir / f"{name}.json"
        try:
            if time.time() - path.stat().st_mtime >= CACHE_TTL_SECONDS:
                return None
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write(self, name: str, lookup: dict[str, Any]) -> None:
        if self.dir is None:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp = self.dir / f".{name}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(lookup), encoding="utf-8")
            os.replace(tmp, self.dir / f"{name}.json")
        except OSError as exc:  # a cache is an optimisation
            log.debug(f"could not cache the conda mapping of {name}: {exc}")


def conda_name_from_lookup(lookup: dict[str, Any]) -> str | None:
    """The service lists conda names per PyPI version, newest last: take the last one."""
    versions = lookup.get("conda_versions") or {}
    if not isinstance(versions, dict) or not versions:
        return None
    return str(list(versions.values())[-1])


def _map_with_channel(
    requirements: list[PypiRequirement], channel: str, cache_dir: Path | None, fetch: Fetcher
) -> list[str]:
    cache = MappingCache(cache_dir, channel)
    mapped = []
    for req in requirements:
        lookup = cache.read(req.name)
        if lookup is None:
            try:
                lookup = fetch(channel, req.name)
            except PackageNotMapped:
                log.warn(f"PyPI package '{req.name}' has no conda mapping in '{channel}', skipping")
                continue
            cache.write(req.name, lookup)
        conda_name = conda_name_from_lookup(lookup)
        if conda_name is None:
            log.warn(f"no conda package names found in the mapping for '{req.name}', skipping")
            continue
        if not is_valid_package_name(conda_name):
            raise MappingError(f"invalid conda package name '{conda_name}' for '{req.name}'")
        mapped.append(req.as_conda(conda_name))
    return mapped


def map_requirements(
    requirements: list[str],
    *,
    channels: list[str],
    cache_dir: Path | None,
    platform: str,
    user_map: dict[str, str | bool | None] | None = None,
    context: str = "project",
    fetch: Fetcher = fetch_from_service,
) -> list[str]:
    """Conda requirement items for PEP 508 ``requirements`` on ``platform``.

    User-mapped requirements come first (in order); the rest take the answer of
    the first channel that maps at least one of them.
    """
    users = normalize_user_map(user_map)
    from_user: list[str] = []
    remaining: list[PypiRequirement] = []
    for text in requirements:
        req = PypiRequirement.parse(text)
        if not req.applies_to(platform):
            log.debug(f"`{text}` does not apply to {platform}; not mapped")
            continue
        if req.name in users:
            target = users[req.name]
            if target is None:
                continue
            if is_valid_package_name(target):
                from_user.append(req.as_conda(target))
                continue
            log.warn(f"`pypi-conda-map`: `{target}` is not a valid conda package name; asking the mapping service")
        remaining.append(req)
    if not remaining:
        return from_user
    for channel in channels:
        name = channel_name(channel)
        try:
            mapped = _map_with_channel(remaining, name, cache_dir, fetch)
        except MappingError as exc:
            log.warn(f"failed to get the PyPI-to-conda mapping for {context} in channel '{name}': {exc}")
            continue
        if mapped:
            log.debug(f"using the PyPI-to-conda mapping for {context} from channel '{name}'")
            return from_user + mapped
        log.warn(f"no PyPI-to-conda mapping found for {context} in channel '{name}'")
    return from_user


def detect_compilers(build_requires: list[str]) -> list[str]:
    """Compilers implied by build tools in ``build-system.requires`` (maturin -> rust)."""
    from packaging.requirements import Requirement

    found: list[str] = []
    for text in build_requires:
        for compiler in BUILD_TOOL_COMPILERS.get(pep503_name(Requirement(text).name), ()):
            if compiler not in found:
                found.append(compiler)
    return found
