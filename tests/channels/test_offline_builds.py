"""Real builds with nothing but the bootstrapped channel: build, install, run.

Each project in ``tests/projects`` is built by ``kiln build`` (the rattler-build
backend, its hand-written recipe), installed into a fresh prefix by ``kiln
install`` and run. No conda channel is reachable: proxies point at a closed
port, and every channel the build and the install resolved from is a file://
channel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import CLOSED_PROXY, PROJECTS
from tests.helpers import extract, kiln_install, read_json, run_kiln

pytestmark = pytest.mark.build


def build(project: str, tmp_path: Path, channel: Path, *extra: str) -> tuple[Path, Path, str]:
    """Build a copy of ``project`` into a flat output directory; return (archive, its subdir, log)."""
    source = shutil.copytree(PROJECTS / project, tmp_path / project)
    out = tmp_path / "out"
    done = run_kiln("build", "-v", "--json", "--path", str(source), "-o", str(out), "--channel", str(channel), *extra)
    (delivered,) = json.loads(done.stdout)["delivered"]
    archive = Path(delivered["path"])
    assert archive.parent == out  # flat, as `pixi build -o` writes it
    return archive, delivered["subdir"], done.stderr


def run(program: Path) -> str:
    return subprocess.run([program], capture_output=True, text=True, check=True).stdout.strip()


def resolved_channels(log: str) -> list[str]:
    """The channel lists rattler-build printed when it resolved the build's environments."""
    channels, reading = [], False
    for line in log.splitlines():
        stripped = line.split(" | ", 1)[-1].strip()  # kiln build -v prefixes backend lines with the package
        if stripped == "Channels:":
            reading = True
        elif reading and stripped.startswith("- "):
            channels.append(stripped[2:])
        else:
            reading = False
    return channels


def assert_only_local_channels(archive: Path, prefix: Path, tmp_path: Path) -> None:
    about = read_json(extract(archive, tmp_path / "unpacked") / "info" / "about.json")
    assert about["channels"] and all(c.startswith("file://") for c in about["channels"])
    for record in (prefix / "conda-meta").glob("*.json"):
        meta = json.loads(record.read_text())
        assert meta["url"].startswith("file://") and meta["channel"].startswith("file://"), record.name


def test_hatchling_project_builds_installs_and_runs(local_channel: Path, tmp_path: Path) -> None:
    assert os.environ["HTTPS_PROXY"] == os.environ["HTTP_PROXY"] == CLOSED_PROXY  # no way out, had it tried
    archive, subdir, log = build("hello-hatchling", tmp_path, local_channel)
    assert subdir == "noarch"
    channels = resolved_channels(log)
    assert f"file://{local_channel}/" in channels and all(c.startswith("file://") for c in channels)
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert run(prefix / "bin" / "hello-hatchling") == f"hello from hello-hatchling on {prefix}"
    assert_only_local_channels(archive, prefix, tmp_path)


def test_setuptools_project_installed_by_uv_from_the_host_env(local_channel: Path, tmp_path: Path) -> None:
    archive, subdir, log = build("hello-setuptools", tmp_path, local_channel)
    assert "uv pip install" in log
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert run(prefix / "bin" / "hello-setuptools") == "hello from hello-setuptools"
    assert_only_local_channels(archive, prefix, tmp_path)


@pytest.mark.skipif(shutil.which("g++") is None, reason="no C++ compiler on this machine")
def test_cmake_cpp_library_and_program(local_channel: Path, tmp_path: Path) -> None:
    archive, subdir, log = build("hello-cmake-cpp", tmp_path, local_channel, "-m", str(local_channel / "variants.yaml"))
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert (prefix / "lib" / "libgreet.so").is_file() and (prefix / "include" / "greet.hpp").is_file()
    assert run(prefix / "bin" / "hello-cmake-cpp") == "hello, world (from libgreet)"
    assert_only_local_channels(archive, prefix, tmp_path)
    index = read_json(tmp_path / "unpacked" / "info" / "index.json")
    assert index["subdir"] != "noarch"


@pytest.mark.skipif(shutil.which("cargo") is None, reason="no Rust toolchain on this machine")
def test_cargo_program_with_the_rust_compiler_shim(local_channel: Path, tmp_path: Path) -> None:
    archive, subdir, log = build("hello-cargo", tmp_path, local_channel, "-m", str(local_channel / "variants.yaml"))
    assert "rust_compiler_version" in log
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert run(prefix / "bin" / "hello-cargo") == "hello from hello-cargo"
    assert_only_local_channels(archive, prefix, tmp_path)
