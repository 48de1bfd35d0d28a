"""`kiln build -t <other platform>`: the backends build for the platform the front end asked for.

The host platform of a ``conda/build_v1`` request is worked out once, in the SDK, from
the request (kiln's front end sends no prefixes, so from the output it asks for). The
packages here need no compiler, so the builds really run cross on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiln.conda.platforms import current_platform
from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import extract, make_channel, read_index

pytestmark = pytest.mark.build

#: A platform other than this machine's (the tests run on linux-64 and others alike).
OTHER = "linux-aarch64" if current_platform() != "linux-aarch64" else "linux-64"


def kiln(*args) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ})  # fmt: skip


def recipe_project(tmp_path: Path, host: list[str]) -> Path:
    project = tmp_path / "cross"
    project.mkdir()
    requirements = f"requirements:\n  host: {json.dumps(host)}\n" if host else ""
    (project / "recipe.yaml").write_text(
        "package: {name: cross-data, version: '1.0'}\n"
        "build:\n  script:\n    - mkdir -p $PREFIX/share\n    - echo $target_platform > $PREFIX/share/cross.txt\n"
        + requirements
    )
    return project


def test_plain_recipe_builds_for_the_requested_platform(tmp_path):
    project = shutil.copytree(PROJECTS / "recipe-hello", tmp_path / "recipe-hello")
    out = tmp_path / "out"
    proc = kiln("build", "--path", project, "-o", out, "-t", OTHER, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    (archive,) = out.glob("recipe-hello-0.1.0-*.conda")
    assert list(out.rglob("*.conda")) == [archive]
    index = read_index(archive)
    assert index["subdir"] == OTHER
    assert f"{index['platform']}-{index['arch']}".replace("x86_64", "64") == OTHER
    files = extract(archive, tmp_path / "x")
    assert (files / "share" / "recipe-hello" / "message.txt").read_text() == "hello from recipe-hello\n"


def test_noarch_only_host_environment_cross_builds(tmp_path):
    channel = make_channel(tmp_path / "chan", [{"name": "hostdata", "version": "2.0"}])
    project = recipe_project(tmp_path, ["hostdata"])
    out = tmp_path / "out"
    proc = kiln("build", "--path", project, "-o", out, "-t", OTHER, "--channel", channel, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    (archive,) = out.glob("cross-data-1.0-*.conda")
    assert read_index(archive)["subdir"] == OTHER
    assert (extract(archive, tmp_path / "x") / "share" / "cross.txt").read_text().strip() == OTHER


def test_platform_specific_host_environment_is_refused_not_installed_for_this_machine(tmp_path):
    """rattler-build's Python API would fill the host prefix with this machine's packages."""
    channel = make_channel(
        tmp_path / "chan",
        [{"name": "hostlib", "version": "1.0", "subdir": OTHER}, {"name": "hostlib", "version": "1.0",
                                                                   "subdir": current_platform()}],
    )  # fmt: skip
    project = recipe_project(tmp_path, ["hostlib"])
    out = tmp_path / "out"
    proc = kiln("build", "--path", project, "-o", out, "-t", OTHER, "--channel", channel, "--no-progress")
    assert proc.returncode == 1
    assert f"for {OTHER}: its host environment (hostlib) needs {OTHER} packages" in proc.stderr
    assert "Traceback" not in proc.stderr and "matches the requested variant" not in proc.stderr
    assert not out.exists() or list(out.rglob("*.conda")) == []


def test_python_platform_package_renders_and_fails_clearly_for_another_platform(tmp_path, local_channel):
    """``noarch = false``: outputs are for the requested platform; the offline channel has
    no python for it, so the build says the host environment cannot be solved for it."""
    project = shutil.copytree(PROJECTS / "hello-hatchling", tmp_path / "hello-hatchling")
    shutil.rmtree(project / "recipe")
    (project / "pixi.toml").write_text(
        f'[workspace]\nchannels = ["{local_channel}"]\nplatforms = ["{current_platform()}", "{OTHER}"]\n'
        'preview = ["pixi-build"]\n\n[package]\nname = "hello-hatchling"\nversion = "0.1.0"\n\n'
        '[package.build]\nbackend = { name = "pixi-build-python", version = "*" }\nconfig = { noarch = false }\n\n'
        '[package.host-dependencies]\nhatchling = "*"\n'
    )
    variants = local_channel / "variants.yaml"
    rendered = kiln("build", "--path", project, "-m", variants, "-t", OTHER, "--render-only", "--json")
    assert rendered.returncode == 0, rendered.stderr
    (package,) = json.loads(rendered.stdout)["packages"]
    (reason,) = package["reasons"]
    assert reason.startswith("hello-hatchling 0.1.0 (h") and reason.endswith(f", {OTHER})")
    build = reason.split("(")[1].split(",")[0]

    out = tmp_path / "out"
    proc = kiln("build", "--path", project, "-m", variants, "-t", OTHER, "-o", out, "--no-progress")
    assert proc.returncode == 1
    assert f"hello-hatchling 0.1.0 ({build}) for {OTHER}: the host environment for {OTHER} cannot be solved" in (
        proc.stderr
    )
    assert "No candidates were found for python" in proc.stderr
    assert "Traceback" not in proc.stderr and "matches the requested variant" not in proc.stderr
    assert not out.exists() or list(out.rglob("*.conda")) == []

    # the machine's own platform still builds
    native = kiln("build", "--path", project, "-m", variants, "-o", out, "--no-progress")
    assert native.returncode == 0, native.stderr
    assert [read_index(p)["subdir"] for p in out.rglob("*.conda")] == [current_platform()]
