"""Backends kiln does not ship: installed from their channels into a shared, isolated prefix.

As pixi does (spec §9.3): solve the backend (plus its additional dependencies) with
the constraint ``pixi-build-api-version >=7,<8``, install it into
``<cache>/backends-v0/<name>-<hash>`` once, and start it with the environment its
activation scripts produce. A marker file says the prefix is complete; a file lock
keeps concurrent kiln runs from installing the same prefix twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from kiln.backend.solve import channel_source
from kiln.conda.locks import FileLock
from kiln.conda.platforms import current_platform
from kiln.errors import BackendNotFoundError

API_CONSTRAINT = "pixi-build-api-version >=7,<8"
MARKER = "conda-meta/.kiln-backend-ready"


def cache_root() -> Path:
    for var in ("KILN_CACHE_DIR", "PIXI_CACHE_DIR", "RATTLER_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kiln"


def _solve_and_install(prefix: Path, specs: list[str], channels: list[str]) -> list:
    import rattler

    async def go():
        records = await rattler.solve(
            sources=[channel_source(c) for c in channels],
            specs=specs,
            constraints=[API_CONSTRAINT],
            platforms=[current_platform(), "noarch"],
            virtual_packages=rattler.VirtualPackage.detect(),
        )
        await rattler.install(records, target_prefix=str(prefix), cache_dir=str(cache_root() / "pkgs"), show_progress=False)
        return records

    return asyncio.run(go())


def activation_env(prefix: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment after sourcing the prefix's ``etc/conda/activate.d/*.sh``."""
    env = dict(os.environ if base is None else base)
    env["CONDA_PREFIX"] = str(prefix)
    env["PATH"] = os.pathsep.join([str(prefix / "bin"), env.get("PATH", "")])
    scripts = sorted((prefix / "etc" / "conda" / "activate.d").glob("*.sh"))
    if not scripts:
        return env
    source = "; ".join(f'. "{s}"' for s in scripts)
    proc = subprocess.run(
        ["bash", "-c", f"{source} >&2; env -0"], env=env, capture_output=True, timeout=60
    )
    if proc.returncode != 0:
        raise BackendNotFoundError(f"activating the backend environment {prefix} failed: {proc.stderr.decode()[-500:]}")
    activated = {}
    for item in proc.stdout.split(b"\0"):
        key, sep, value = item.decode(errors="replace").partition("=")
        if sep and key:
            activated[key] = value
    return activated


def install_backend(name: str, version: str | None, channels: list[str], additional: list[str] | None = None):
    """The command for backend ``name``, installing it on first use."""
    from kiln.frontend.build.command import BackendCommand

    if not channels:
        raise BackendNotFoundError(
            f"the build backend '{name}' is not one of kiln's and no channels are configured to install it from",
            help="set [package.build] backend channels, or PIXI_BUILD_BACKEND_OVERRIDE",
        )
    specs = [f"{name} {version}" if version and version != "*" else name, *(additional or [])]
    digest = hashlib.sha256(json.dumps([specs, channels, current_platform()]).encode()).hexdigest()[:12]
    prefix = cache_root() / "backends-v0" / f"{name}-{digest}"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(prefix) + ".lock"):
        if not (prefix / MARKER).exists():
            shutil.rmtree(prefix, ignore_errors=True)
            try:
                records = _solve_and_install(prefix, specs, channels)
            except Exception as exc:  # rattler's solver/installer errors
                shutil.rmtree(prefix, ignore_errors=True)
                raise BackendNotFoundError(
                    f"cannot install the build backend '{' '.join(specs)}' from {channels}: {exc}"
                ) from None
            api = [r for r in records if r.name.normalized == "pixi-build-api-version"]
            if not api:
                shutil.rmtree(prefix, ignore_errors=True)
                raise BackendNotFoundError(
                    f"the environment for build backend `{name}` does not depend on `pixi-build-api-version`; "
                    "kiln cannot negotiate an API version"
                )
            backend = next(r for r in records if r.name.normalized == name)
            (prefix / MARKER).write_text(json.dumps({"backend": str(backend.version), "api": str(api[0].version)}))
    info = json.loads((prefix / MARKER).read_text())
    exe = prefix / "bin" / name
    if not exe.exists():
        raise BackendNotFoundError(f"the build backend executable '{name}' appears to be missing from {prefix}")
    return BackendCommand((str(exe),), identity=f"{name}@{info['backend']}", env=activation_env(prefix))
