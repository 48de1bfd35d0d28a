"""A backend kiln does not ship: solved from its channel, installed once into a
shared prefix, activated, and started from there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from tests.conftest import PROJECTS, backend_exe, kiln_exe
from tests.helpers import make_channel

MANIFEST = """\
[workspace]
channels = []
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "recipe-hello"
version = "0.1.0"

[package.build.backend]
name = "pixi-build-fake"
version = ">=1"
channels = ["{channel}"]
"""


def _backend_channel(tmp_path, marker, *, with_api_version=True):
    wrapper = (
        "#!/bin/sh\n"
        f'echo "activated=$FAKE_BACKEND_ACTIVATED prefix=$CONDA_PREFIX" >> {marker}\n'
        f'exec {backend_exe("pixi-build-rattler-build")} "$@"\n'
    )
    packages = [
        {
            "name": "pixi-build-fake",
            "version": "1.2.0",
            "depends": ["pixi-build-api-version >=7,<8"] if with_api_version else [],
            "files": {
                "bin/pixi-build-fake": (wrapper, "755"),
                "etc/conda/activate.d/pixi-build-fake.sh": ("export FAKE_BACKEND_ACTIVATED=yes\n", "644"),
            },
        },
        {"name": "pixi-build-api-version", "version": "7", "files": {}},
    ]
    return make_channel(tmp_path / "backend-channel", packages)


def _package(tmp_path, channel):
    pkg = tmp_path / "pkg"
    shutil.copytree(PROJECTS / "recipe-hello", pkg)
    (pkg / "pixi.toml").write_text(MANIFEST.format(channel=channel))
    return pkg


def kiln_build(pkg, tmp_path):
    return subprocess.run([kiln_exe(), "build", "--json", "--path", str(pkg), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_backend_is_installed_activated_and_reused(tmp_path):
    marker = tmp_path / "spawned.txt"
    channel = _backend_channel(tmp_path, marker)
    pkg = _package(tmp_path, channel)
    proc = kiln_build(pkg, tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["delivered"][0]["name"] == "recipe-hello"
    lines = marker.read_text().splitlines()
    prefix = lines[0].split("prefix=")[1]
    assert lines[0].startswith("activated=yes ")
    assert "/backends-v0/pixi-build-fake-" in prefix and prefix.startswith(os.environ["RATTLER_CACHE_DIR"])
    # a second package of another workspace shares the installed prefix
    (tmp_path / "second").mkdir()
    other = _package(tmp_path / "second", channel)
    assert kiln_build(other, tmp_path / "second").returncode == 0
    assert marker.read_text().splitlines()[-1].split("prefix=")[1] == prefix


def test_backend_without_api_version_is_refused(tmp_path):
    pkg = _package(tmp_path, _backend_channel(tmp_path, tmp_path / "m", with_api_version=False))
    proc = kiln_build(pkg, tmp_path)
    assert proc.returncode == 1
    assert "does not depend on `pixi-build-api-version`" in proc.stderr


def test_backend_that_is_nowhere_to_be_found(tmp_path):
    empty = make_channel(tmp_path / "empty", [])
    pkg = _package(tmp_path, empty)
    proc = kiln_build(pkg, tmp_path)
    assert proc.returncode == 1
    assert "cannot install the build backend 'pixi-build-fake >=1'" in proc.stderr
    assert "Traceback" not in proc.stderr
