"""pixi-build-rust end to end, offline, through ``kiln build``: a cargo workspace member.

``tests/projects/rust-workspace/app`` inherits version, license and description from
its workspace, has two binaries of which ``binaries = ["ws-hello"]`` installs one, and
uses the sibling library crate ``greet`` as a cargo path dependency (no registry: the
build runs with ``CARGO_NET_OFFLINE``). The archive is built once per session from the
session channel, opened, installed into a fresh prefix and its program run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import extract, kiln_install, read_index

pytestmark = pytest.mark.build


def kiln_build(path: Path, out: Path, channel: Path, *extra: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [kiln_exe(), "build", "--no-progress", "--path", str(path), "-o", str(out),
         "--channel", str(channel), "-m", str(channel / "variants.yaml"), *extra],
        capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="session")
def built(local_channel: Path, tmp_path_factory: pytest.TempPathFactory):
    """(workspace copy, output dir, archive) of one build of the workspace member."""
    root = tmp_path_factory.mktemp("rust-ws")
    ws = shutil.copytree(PROJECTS / "rust-workspace", root / "ws")
    out = root / "out"
    proc = kiln_build(ws / "app", out, local_channel)
    assert proc.returncode == 0, proc.stderr
    archives = sorted(out.glob("*.conda"))
    assert len(archives) == 1, archives
    return ws, out, archives[0]


def test_the_member_gets_its_inherited_metadata(built, tmp_path):
    _, _, archive = built
    index = read_index(archive)
    assert (index["name"], index["version"], index["license"]) == ("ws-app", "0.3.1", "MIT")
    about = json.loads(next(extract(archive, tmp_path / "x").rglob("info/about.json")).read_text())
    assert about["description"] == "Greets from a cargo workspace"


def test_only_the_chosen_binary_is_packaged_and_it_runs_from_a_fresh_prefix(built, tmp_path, local_channel):
    _, _, archive = built
    files = extract(archive, tmp_path / "x")
    assert sorted(p.name for p in (files / "bin").iterdir()) == ["ws-hello"]
    assert not (files / ".crates.toml").exists() and not (files / ".crates2.json").exists()  # --no-track
    prefix = kiln_install(tmp_path / "prefix", [str(archive)], [local_channel])
    assert not (prefix / "bin" / "ws-other").exists()
    run = subprocess.run([prefix / "bin" / "ws-hello"], capture_output=True, text=True, check=True)
    assert run.stdout == "hello, ws-hello, from greet\n"


def test_the_build_leaves_no_cargo_target_in_the_sources(built):
    ws, _, _ = built
    assert not (ws / "target").exists() and not (ws / "app" / "target").exists()


def compiled(proc: subprocess.CompletedProcess) -> list[str]:
    """The crates cargo compiled, from the streamed build log (``-v``)."""
    assert proc.returncode == 0, proc.stderr
    return sorted(line.split("Compiling ", 1)[1].split()[0] for line in proc.stderr.splitlines() if " Compiling " in line)


def test_a_rebuild_after_an_edit_compiles_only_that_crate_and_clean_compiles_all(tmp_path, local_channel):
    ws = shutil.copytree(PROJECTS / "rust-workspace", tmp_path / "ws")
    out = tmp_path / "out"
    assert compiled(kiln_build(ws / "app", out, local_channel, "-v")) == ["greet", "ws-app"]
    main = ws / "app" / "src" / "main.rs"
    main.write_text(main.read_text().replace("ws-hello", "ws-hello again"))
    assert compiled(kiln_build(ws / "app", out, local_channel, "-v")) == ["ws-app"]
    # cargo's target directory lives in the stable conda/build_v1 work directory
    (work,) = (ws / "app" / ".pixi" / "bld" / "ws-app").iterdir()
    assert (work / "cargo-target" / "release").is_dir()
    # the debug recipe is upstream's; only the one handed to rattler-build links `target`
    assert "cargo-target" not in (work / "debug" / "recipe.yaml").read_text()
    assert f'ln -sfn \\"{work / "cargo-target"}' in (work / "recipe" / "recipe.yaml").read_text()
    # an edit in the sibling library crate (outside the package directory) is seen too
    lib = ws / "greet" / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("from greet", "from greet!"))
    proc = kiln_build(ws / "app", out, local_channel, "-v", "--explain")
    assert compiled(proc) == ["greet", "ws-app"]
    assert "input files changed: ../greet/src/lib.rs" in proc.stdout + proc.stderr
    assert compiled(kiln_build(ws / "app", out, local_channel, "-v", "--clean")) == ["greet", "ws-app"]
    prefix = kiln_install(tmp_path / "prefix", [str(p) for p in out.glob("*.conda")], [local_channel])
    run = subprocess.run([prefix / "bin" / "ws-hello"], capture_output=True, text=True, check=True)
    assert run.stdout == "hello, ws-hello again, from greet!\n"
