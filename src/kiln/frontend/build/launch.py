"""Which executable runs a backend (spec §9.3): pixi's override variables, kiln's own, or installed.

``PIXI_BUILD_BACKEND_OVERRIDE(_ALL)`` come first; then kiln's own backend of that
name (the registry in :mod:`kiln.backends`); any other backend is installed from
its channels by :mod:`.backend_env`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from kiln.backends import BUILTIN
from kiln.errors import BackendNotFoundError, KilnError
from kiln.frontend.build.command import BackendCommand


def _override_identity(exe: str) -> str:
    """As pixi: an overridden backend is identified by its executable's content."""
    import hashlib

    try:
        with open(exe, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
    except OSError:
        digest = "unreadable"
    return f"override:{exe}#{digest}"


def parse_override(value: str) -> dict[str, str | None]:
    """``PIXI_BUILD_BACKEND_OVERRIDE``: ``name`` or ``name=/path`` entries, comma-separated.

    pixi silently ignores the whole variable when an entry has more than one
    ``=``; kiln reports it instead.
    """
    entries: dict[str, str | None] = {}
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        if entry.count("=") > 1:
            raise KilnError(
                f"PIXI_BUILD_BACKEND_OVERRIDE: invalid entry `{entry}`: expected `name` or `name=/path/to/executable`"
            )
        name, _, target = entry.partition("=")
        name = name.strip().lower()
        if not name:
            raise KilnError(f"PIXI_BUILD_BACKEND_OVERRIDE: entry `{entry}` has no backend name")
        entries[name] = target.strip() or None
    return entries


def command_is_override() -> bool:
    """Is the backend named by pixi's override variables (then the manifest line is not at fault)?"""
    return "PIXI_BUILD_BACKEND_OVERRIDE_ALL" in os.environ or bool(os.environ.get("PIXI_BUILD_BACKEND_OVERRIDE"))


def _own_executable(name: str) -> str | None:
    """kiln's executable of that name, next to the running interpreter first."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def own_backends() -> list[str]:
    """The backends kiln ships, by executable name."""
    return sorted(BUILTIN)


def unknown_backend_help(name: str) -> str:
    """What to do about a backend name kiln has not got: the nearest of its own, or channels."""
    import difflib

    own = own_backends()
    close = difflib.get_close_matches(name, own, n=1, cutoff=0.6)
    lines = [f"did you mean `{close[0]}`?"] if close else []
    lines.append("kiln ships " + ", ".join(f"`{b}`" for b in own) + f"; any other backend (such as `{name}`) is "
                 "installed from conda channels: list them in `[package.build.backend] channels = [...]` "
                 "or in `[workspace] channels`, or pass `--channel`")  # fmt: skip
    return "\n        ".join(lines)


def _own_command(name: str) -> BackendCommand:
    """kiln's own backend: its console script, else the script's function run by this interpreter."""
    exe = _own_executable(name)
    if exe is not None:
        from kiln import __version__

        return BackendCommand((exe,), identity=f"{name}@kiln-{__version__}", own=True)
    module, _, function = BUILTIN[name].script.partition(":")
    return BackendCommand(
        (sys.executable, "-c", f"from {module} import {function}; {function}()"),
        identity=f"{name}@kiln",
        own=True,
    )


def resolve_backend(
    name: str,
    env: dict[str, str] | None = None,
    *,
    version: str | None = None,
    channels: list[str] | None = None,
    additional: list[str] | None = None,
) -> BackendCommand:
    """The command for backend ``name``: an override, kiln's own, or installed.

    pixi's override variables come first; then kiln's own backend of that name; a
    backend kiln does not ship is installed from ``channels`` (spec §9.3).
    """
    env = dict(os.environ if env is None else env)
    name = name.lower()
    if "PIXI_BUILD_BACKEND_OVERRIDE_ALL" in env:
        exe = shutil.which(name, path=env.get("PATH"))
        if exe is None:
            raise BackendNotFoundError(
                f"the build backend executable '{name}' appears to be missing "
                "(PIXI_BUILD_BACKEND_OVERRIDE_ALL is set, so it is looked up on PATH)"
            )
        return BackendCommand((exe,), identity=_override_identity(exe), overridden=True)
    overrides = parse_override(env.get("PIXI_BUILD_BACKEND_OVERRIDE", ""))
    if name in overrides:
        target = overrides[name]
        exe = shutil.which(target or name, path=env.get("PATH")) if not target or os.sep not in target else target
        if exe is None or not Path(exe).exists():
            raise BackendNotFoundError(
                f"the build backend executable '{target or name}' appears to be missing "
                "(named by PIXI_BUILD_BACKEND_OVERRIDE)"
            )
        return BackendCommand((str(exe),), identity=_override_identity(str(exe)), overridden=True)
    if name in BUILTIN:
        return _own_command(name)
    from kiln.frontend.build.backend_env import install_backend  # rattler, only for backends kiln does not ship

    return install_backend(name, version, list(channels or []), additional)
