"""Helpers for tests that open archives, run backends and install packages.

py-rattler can crash at interpreter exit under load, so everything that uses it
runs in a child process that leaves through ``os._exit``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

_EXTRACT = """
import os, sys
from rattler.package_streaming import extract
extract(sys.argv[1], sys.argv[2])
sys.stdout.flush(); os._exit(0)
"""


def read_index(archive: Path) -> dict[str, Any]:
    """``info/index.json`` of a .conda/.tar.bz2 archive."""
    from rattler_build import Package

    return Package.from_file(str(archive)).to_dict()


def extract(archive: Path, dest: Path) -> Path:
    """Unpack a conda archive (files and ``info/``) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", _EXTRACT, str(archive), str(dest)], check=True)
    return dest


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text())


def run_kiln(*args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``kiln`` command line of the test environment; output is captured as text.

    With ``check``, a failure raises with kiln's stderr in the message.
    """
    exe = Path(sys.executable).parent / "kiln"
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd)
    if check and done.returncode != 0:
        raise AssertionError(f"kiln {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def kiln_install(prefix: Path, specs: list[str], channels: list[Path]) -> Path:
    """Install ``specs`` from local ``channels`` into a fresh ``prefix`` with ``kiln install``."""
    args = ["install", "--prefix", str(prefix)]
    for channel in channels:
        args += ["-c", str(channel)]
    run_kiln(*args, *specs)
    return prefix


def repodata(channel: Path, subdir: str) -> dict[str, dict[str, Any]]:
    """Every record of ``<channel>/<subdir>/repodata.json`` by file name."""
    data = read_json(channel / subdir / "repodata.json")
    return {**data.get("packages", {}), **data.get("packages.conda", {})}
