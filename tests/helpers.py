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


_MAKE_CHANNEL = r"""
import asyncio, json, os, sys, tempfile
from pathlib import Path
from rattler_build import assemble_package
from rattler.index import index_fs

spec = json.loads(sys.argv[1])
channel = Path(spec["channel"])
for pkg in spec["packages"]:
    subdir = pkg.get("subdir", "noarch")
    (channel / subdir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for rel, (text, mode) in pkg.get("files", {}).items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            path.chmod(int(mode, 8))
        if not pkg.get("files"):
            (Path(tmp) / "info-only").mkdir()
            (Path(tmp) / "info-only" / ".keep").write_text("")
        assemble_package(name=pkg["name"], version=pkg["version"], target_platform=subdir,
                         build_string=pkg.get("build", "0"), output_dir=channel / subdir, files_dir=tmp,
                         noarch="generic" if subdir == "noarch" else None, depends=pkg.get("depends", []))
(channel / "noarch").mkdir(parents=True, exist_ok=True)
asyncio.run(index_fs(channel, write_zst=False, write_shards=False, force=True))
sys.stdout.flush(); os._exit(0)
"""


def make_channel(channel: Path, packages: list[dict]) -> Path:
    """An indexed channel of small generic packages.

    Each package: ``name``, ``version``, optional ``build``, ``depends``, ``subdir`` and
    ``files`` (``{relative path: (text, "755")}``).
    """
    subprocess.run([sys.executable, "-c", _MAKE_CHANNEL, json.dumps({"channel": str(channel), "packages": packages})],
                   check=True)  # fmt: skip
    return channel


def run_kiln(
    *args: str, check: bool = True, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``kiln`` command line of the test environment; output is captured as text.

    With ``check``, a failure raises with kiln's stderr in the message.
    """
    exe = Path(sys.executable).parent / "kiln"
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"kiln {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def kiln_install(prefix: Path, specs: list[str], channels: list[Path]) -> Path:
    """Install ``specs`` from local ``channels`` into a fresh ``prefix`` with ``kiln channel install``."""
    args = ["channel", "install", "--prefix", str(prefix)]
    for channel in channels:
        args += ["-c", str(channel)]
    run_kiln(*args, *specs)
    return prefix


def repodata(channel: Path, subdir: str) -> dict[str, dict[str, Any]]:
    """Every record of ``<channel>/<subdir>/repodata.json`` by file name."""
    data = read_json(channel / subdir / "repodata.json")
    return {**data.get("packages", {}), **data.get("packages.conda", {})}
