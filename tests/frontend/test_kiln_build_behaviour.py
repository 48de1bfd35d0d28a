"""`kiln build` behaviour on recipe packages: caching, --explain/--json/--render-only,
--clean/--force, backend overrides, a crashing backend, Ctrl-C and concurrent runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECTS, backend_exe, kiln_exe


def copy_project(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(PROJECTS / name, dest)
    return dest


def kiln(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})  # fmt: skip


def kiln_json(*args, env=None) -> dict:
    proc = kiln("build", "--json", *args, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_second_run_is_cached_and_starts_no_backend_and_edits_rebuild(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    out = tmp_path / "out"
    first = kiln_json("--path", project, "-o", out)
    assert first["backends_started"] == 1 and first["packages"][0]["status"] == "built"
    second = kiln_json("--path", project, "-o", out)
    assert second["backends_started"] == 0 and second["packages"][0]["status"] == "cached"
    assert second["delivered"][0]["sha256"] == first["delivered"][0]["sha256"]
    # a touch without an edit is not a change
    os.utime(project / "message.txt", None)
    assert kiln_json("--path", project, "-o", out)["backends_started"] == 0
    (project / "message.txt").write_text("edited\n")
    proc = kiln("build", "--path", project, "-o", out, "--explain", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "rebuilt, input files changed: message.txt" in proc.stderr


def test_recipe_change_invalidates_the_metadata_too(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    kiln_json("--path", project, "-o", tmp_path / "out")
    recipe = project / "recipe.yaml"
    recipe.write_text(recipe.read_text().replace('version: "0.1.0"', 'version: "0.2.0"'))
    summary = kiln_json("--path", project, "-o", tmp_path / "out")
    assert summary["backends_started"] == 1
    assert summary["delivered"][0]["version"] == "0.2.0"


def test_force_and_clean_rebuild(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    kiln_json("--path", project, "-o", tmp_path / "out")
    forced = kiln_json("--path", project, "-o", tmp_path / "out", "--force")
    assert forced["packages"][0]["status"] == "built" and "--force" in forced["packages"][0]["reasons"][0]
    cleaned = kiln_json("--path", project, "-o", tmp_path / "out", "--clean")
    assert cleaned["packages"][0]["status"] == "built"


def test_render_only_prints_recipe_and_outputs_and_builds_nothing(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", "--render-only", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "name: recipe-hello" in proc.stdout and "recipe-hello 0.1.0 (" in proc.stdout
    assert not (tmp_path / "out").exists()
    assert not (project / ".pixi" / "artifacts-v0").exists()


def test_json_keeps_stdout_clean(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", "--json", "-v")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)  # nothing but the summary
    assert data["delivered"][0]["name"] == "recipe-hello"
    assert "recipe-hello build script ran" in proc.stderr  # -v streams the backend's log to stderr


def test_package_format_and_build_overrides(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    summary = kiln_json("--path", project, "-o", tmp_path / "out", "--package-format", "tar-bz2:9",
                        "--build-number", "7", "--build-string-prefix", "nightly")  # fmt: skip
    (delivered,) = summary["delivered"]
    assert delivered["path"].endswith(".tar.bz2")
    assert delivered["build"].startswith("nightly_") and delivered["build"].endswith("_7")
    bad = kiln("build", "--path", project, "--package-format", "zip")
    assert bad.returncode == 2 and "expected conda[:LEVEL]" in bad.stderr


# -- backends ------------------------------------------------------------------------------


def test_override_runs_the_named_executable_and_keeps_results(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    wrapper = tmp_path / "bin" / "my-rattler-build"
    wrapper.parent.mkdir()
    log = tmp_path / "spawned.log"
    wrapper.write_text(f"#!/bin/sh\necho spawned >> {log}\nexec {backend_exe('pixi-build-rattler-build')} \"$@\"\n")
    wrapper.chmod(0o755)
    env = {"PIXI_BUILD_BACKEND_OVERRIDE": f"pixi-build-rattler-build={wrapper}"}
    summary = kiln_json("--path", project, "-o", tmp_path / "out", env=env)
    assert summary["backends_started"] == 1 and log.read_text() == "spawned\n"
    direct = kiln_json("--path", copy_project("recipe-hello", tmp_path / "again"), "-o", tmp_path / "out2")
    assert summary["delivered"][0]["build"] == direct["delivered"][0]["build"]


def test_override_all_uses_path(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "pixi-build-rattler-build").symlink_to(backend_exe("pixi-build-rattler-build"))
    env = {"PIXI_BUILD_BACKEND_OVERRIDE_ALL": "", "PATH": f"{bindir}:{os.environ['PATH']}"}
    assert kiln_json("--path", project, "-o", tmp_path / "out", env=env)["backends_started"] == 1
    empty = {"PIXI_BUILD_BACKEND_OVERRIDE_ALL": "1", "PATH": "/nonexistent"}
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", "--force", env=empty)
    assert proc.returncode == 1 and "appears to be missing" in proc.stderr


@pytest.mark.parametrize("value", ["a=b=c", "=/bin/x"])
def test_malformed_override_is_an_error(tmp_path, value):
    proc = kiln("build", "--path", copy_project("recipe-hello", tmp_path), env={"PIXI_BUILD_BACKEND_OVERRIDE": value})
    assert proc.returncode == 1 and "PIXI_BUILD_BACKEND_OVERRIDE" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_backend_crashing_mid_build_shows_its_stderr(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    env = {"PIXI_BUILD_BACKEND_OVERRIDE": f"pixi-build-rattler-build={PROJECTS / 'backend-crashes-mid-build' / 'fake-backend'}"}
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", env=env)
    assert proc.returncode == 1
    assert "exited prematurely (exit code 11)" in proc.stderr
    assert "segfault in the recipe parser (simulated)" in proc.stderr
    assert not (tmp_path / "out").exists()


# -- interruption and concurrency --------------------------------------------------------------


def test_ctrl_c_leaves_no_partial_archive_and_the_next_run_succeeds(tmp_path):
    project = copy_project("recipe-slow", tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([kiln_exe(), "build", "--path", str(project), "-o", str(out), "-v", "--no-progress"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    for line in proc.stderr:
        if "slow build started" in line:
            break
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole group on Ctrl-C
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert not out.exists() or not list(out.rglob("*.conda"))
    assert not list((project / ".pixi").glob("artifacts-v0/*/*/*.conda"))
    again = kiln_json("--path", project, "-o", out)
    assert again["packages"][0]["status"] == "built" and Path(again["delivered"][0]["path"]).is_file()


def test_ctrl_c_to_kiln_alone_stores_nothing_the_backend_finishes_later(tmp_path):
    """The interrupt reaches kiln but not the backend (as when rattler-build holds the
    backend in native code): kiln must end the backend and store nothing it sends after."""
    project = copy_project("recipe-slow", tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([kiln_exe(), "build", "--path", str(project), "-o", str(out), "-v", "--no-progress"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    for line in proc.stderr:
        if "slow build started" in line and not line.lstrip().startswith("+"):
            break
    os.kill(proc.pid, signal.SIGINT)  # kiln only, not its process group
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert "Traceback" not in rest
    assert not out.exists() or not list(out.rglob("*.conda"))
    assert not list((project / ".pixi").glob("artifacts-v0/*/*/*.conda"))


def test_two_builds_of_one_workspace_at_once(tmp_path):
    """The second run starts once the first is building, and the first finishes only after
    the second said it waits: events, not sleeps, order them."""
    project = copy_project("recipe-slow", tmp_path)
    release = tmp_path / "release"
    recipe = project / "recipe.yaml"
    # the build waits (60 s at most) for the test to let it finish
    recipe.write_text(recipe.read_text().replace(
        "    - sleep 4\n", f"    - for i in $(seq 600); do [ -e {release} ] && break; sleep 0.1; done\n"))  # fmt: skip
    cmd = [kiln_exe(), "build", "--json", "--no-progress", "--path", str(project), "-o", str(tmp_path / "out")]
    first = subprocess.Popen([*cmd, "-v"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = False
    for line in first.stderr:
        if "slow build started" in line:
            started = True
            break
    second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = ""
    for line in second.stderr:
        waiting += line
        if "waiting for another kiln build of this workspace" in line:
            break
    release.touch()
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert started, err1
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "waiting for another kiln build of this workspace" in waiting
    s1, s2 = json.loads(out1), json.loads(out2)
    assert s1["packages"][0]["status"] == "built" and s2["packages"][0]["status"] == "cached"
    assert s1["delivered"][0]["sha256"] == s2["delivered"][0]["sha256"]


def test_live_display_and_final_table_with_forced_color(tmp_path):
    project = copy_project("recipe-hello", tmp_path)
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", "--color", "always")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" in proc.stderr  # rich's live display and table
    assert "archives written" in proc.stderr and "recipe-hello" in proc.stderr
    assert proc.stdout == ""  # the archives are listed once: the table on stderr
    plain = kiln("build", "--path", project, "-o", tmp_path / "out", "--color", "never")
    assert "\x1b[" not in plain.stderr and "recipe-hello: cached" in plain.stderr
