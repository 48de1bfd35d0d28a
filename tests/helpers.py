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
