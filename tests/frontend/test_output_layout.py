"""What `kiln build -o` and `kiln publish` leave on disk, and what they print.

``pixi build -o DIR`` writes flat ``<name>-<version>-<build>.conda`` files;
``publish --target-channel/--to`` makes an indexed channel; ``--target-dir``
copies flat files. Every archive honours the umask (a channel is served to other
users). The archives are listed once: the table on stderr, or ``--json`` on stdout.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import read_index

pytestmark = pytest.mark.build


def kiln(*args, cwd: Path | None = None, umask: int | None = None) -> subprocess.CompletedProcess:
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd,
                          preexec_fn=preexec)  # fmt: skip


def modes(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): stat.filemode(p.stat().st_mode)
            for p in sorted(directory.rglob("*")) if p.is_file() and ".kiln" not in p.parts}  # fmt: skip


@pytest.mark.parametrize(("umask", "mode"), [(0o022, "-rw-r--r--"), (0o027, "-rw-r-----")])
def test_build_output_is_flat_and_honours_the_umask(tmp_path, umask, mode):
    project = shutil.copytree(PROJECTS / "recipe-hello", tmp_path / "recipe-hello")
    out = tmp_path / "out"
    proc = kiln("build", "--no-progress", "--path", project, "-o", out, umask=umask)
    assert proc.returncode == 0, proc.stderr
    (name,) = modes(out)
    assert name.startswith("recipe-hello-0.1.0-") and name.endswith(".conda")  # no subdir, no repodata.json
    assert modes(out) == {name: mode}
    assert read_index(out / name)["subdir"] == "linux-64"
    assert proc.stdout == ""
    table = proc.stderr[proc.stderr.index("archives written"):]
    assert table.count(str(out / name)) == 1


@pytest.mark.parametrize(("umask", "mode"), [(0o022, "-rw-r--r--"), (0o027, "-rw-r-----")])
def test_publish_to_a_channel_keeps_the_channel_layout_and_honours_the_umask(tmp_path, umask, mode):
    ws = shutil.copytree(PROJECTS / "workspace-recipes", tmp_path / "ws")
    channel = tmp_path / "channel"
    proc = kiln("publish", "--no-progress", "--path", ws / "app", "--target-channel", channel, umask=umask)
    assert proc.returncode == 0, proc.stderr
    files = modes(channel)
    archives = sorted(f for f in files if f.endswith(".conda"))
    assert archives == ["noarch/app-3.0.0-h4616a5c_0.conda", "noarch/lib-2.0.0-h4616a5c_0.conda"]
    assert {files[a] for a in archives} == {mode}
    assert files["noarch/repodata.json"] == mode  # the index too: a web server must read it


def test_json_lists_the_archives_on_stdout_and_only_there(tmp_path):
    project = shutil.copytree(PROJECTS / "recipe-hello", tmp_path / "recipe-hello")
    out = tmp_path / "out"
    proc = kiln("build", "--json", "--path", project, "-o", out)
    assert proc.returncode == 0, proc.stderr
    (delivered,) = json.loads(proc.stdout)["delivered"]
    assert Path(delivered["path"]).parent == out
    assert str(out) not in proc.stderr


def test_default_output_dir_is_the_current_dir_and_its_archives_are_no_inputs(tmp_path):
    project = shutil.copytree(PROJECTS / "recipe-hello", tmp_path / "recipe-hello")
    first = kiln("build", "--json", cwd=project)
    assert first.returncode == 0, first.stderr
    (archive,) = project.glob("recipe-hello-0.1.0-*.conda")  # `pixi build` writes to `.` too
    again = json.loads(kiln("build", "--json", cwd=project).stdout)
    assert [p["status"] for p in again["packages"]] == ["cached"]  # the archive written there is not an input
    (project / "message.txt").write_text("changed\n")
    changed = json.loads(kiln("build", "--json", cwd=project).stdout)
    assert [p["status"] for p in changed["packages"]] == ["built"]  # the rest of `.` still is
    assert archive.exists()


def _opt_in(ws: Path) -> None:
    """Make the workspace's three packages publishable (greeting gets a manifest of its own)."""
    (ws / "greeting" / "pixi.toml").write_text(
        '[package]\nname = "greeting"\nversion = "1.0.0"\npublish = true\n\n'
        '[package.build.backend]\nname = "pixi-build-rattler-build"\nversion = "*"\n'
    )
    for name in ("app", "lib"):
        manifest = ws / name / "pixi.toml"
        manifest.write_text(manifest.read_text().replace("[package]\n", "[package]\npublish = true\n", 1))


def test_publish_without_path_publishes_the_opted_in_packages_in_dependency_order(tmp_path):
    ws = shutil.copytree(PROJECTS / "workspace-recipes", tmp_path / "ws")
    _opt_in(ws)
    target = tmp_path / "flat"
    proc = kiln("publish", "--json", "--target-dir", target, cwd=ws)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    built = [p["label"] for p in summary["packages"]]
    assert built.index("greeting") < built.index("lib") < built.index("app")
    assert sorted(p.name for p in target.iterdir()) == [
        "app-3.0.0-h4616a5c_0.conda", "greeting-1.0.0-h4616a5c_0.conda", "lib-2.0.0-h4616a5c_0.conda"]  # fmt: skip


def test_publish_refuses_a_set_whose_dependency_does_not_opt_in(tmp_path):
    ws = shutil.copytree(PROJECTS / "workspace-recipes", tmp_path / "ws")
    _opt_in(ws)
    (ws / "greeting" / "pixi.toml").unlink()  # greeting is a bare recipe again: it cannot opt in
    channel = tmp_path / "channel"
    proc = kiln("publish", "--no-progress", "--to", channel, cwd=ws)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lib = ws / "lib" / "pixi.toml"
    line = next(i for i, text in enumerate(lib.read_text().splitlines(), 1) if text.startswith("greeting"))
    assert proc.stderr.startswith(f"error: {lib}:{line}: cannot publish `lib`: `greeting` (greeting) does not set "
                                  "`publish = true`")  # fmt: skip
    assert not channel.exists()


def test_target_channel_and_target_dir_exclude_each_other(tmp_path):
    proc = kiln("publish", "--to", tmp_path / "a", "--target-dir", tmp_path / "b", cwd=tmp_path)
    assert proc.returncode == 2 and "mutually exclusive" in proc.stderr


def test_install_takes_the_archives_of_an_output_dir(tmp_path, local_channel):
    ws = shutil.copytree(PROJECTS / "workspace-recipes", tmp_path / "ws")
    out = tmp_path / "out"
    assert kiln("build", "--json", "--path", ws / "app", "-o", out).returncode == 0
    as_channel = kiln("channel", "install", "--prefix", tmp_path / "p1", "-c", out, "app")
    assert as_channel.returncode == 1 and "Traceback" not in as_channel.stderr
    assert f"help: install the files themselves (`kiln channel install ... {out}/*.conda`)" in as_channel.stderr
    proc = kiln("channel", "install", "--prefix", tmp_path / "p2", "-c", local_channel, *sorted(out.glob("*.conda")))
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([tmp_path / "p2" / "bin" / "app"], capture_output=True, text=True, check=True)
    assert run.stdout.startswith("app says: ")
