"""Issue 5 end to end, offline: one `kiln build` of a workspace where

    kiln-demo-app --run--> greeter --host--> kiln-demo-backend (in-tree PEP 517 backend)
         \\--run--> messages (recipe.yaml)

The library is built by the workspace's own build backend, taken from its host
environment; the app, installed into a fresh prefix, runs. The second run is all
cached and starts no backend; editing the innermost package rebuilds exactly it and
its build/host dependents (the app, which needs the library only at run time, is reused),
and --explain names the file. Driven through
PIXI_BUILD_BACKEND_OVERRIDE the backends generate byte-identical recipes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECTS, backend_exe, kiln_exe
from tests.helpers import extract, kiln_install

pytestmark = pytest.mark.build


@pytest.fixture
def ws(tmp_path: Path, local_channel: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-python", ws)
    manifest = ws / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("channels = []", f'channels = ["{local_channel}"]'))
    return ws


def kiln(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})  # fmt: skip


def build(ws: Path, out: Path, *extra, env=None) -> dict:
    proc = kiln("build", "--json", "--path", ws / "app", "-o", out, *extra, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def statuses(summary: dict) -> dict[str, str]:
    return {p["label"]: p["status"] for p in summary["packages"]}


def test_workspace_builds_recursively_caches_and_rebuilds_exactly_the_host_dependents(ws, tmp_path, local_channel):
    out = tmp_path / "out"
    first = build(ws, out)
    order = [p["label"] for p in first["packages"]]
    assert set(order) == {"kiln-demo-backend", "greeter", "messages", "kiln-demo-app"}
    assert order.index("kiln-demo-backend") < order.index("greeter") < order.index("kiln-demo-app")
    assert order.index("messages") < order.index("kiln-demo-app")
    assert set(statuses(first).values()) == {"built"} and first["backends_started"] == 4

    # the library was built by the in-tree backend from its host environment
    greeter = next(a for a in first["delivered"] if a["name"] == "greeter")
    files = extract(Path(greeter["path"]), tmp_path / "greeter")
    built_with = next(files.rglob("greeter/_built_with.py"))
    assert built_with.read_text() == 'BACKEND = "kiln-demo-backend 1.0.0"\n'

    # the app, installed into a fresh prefix from the archives in the output directory, runs
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(a["path"]).name for a in first["delivered"])
    prefix = kiln_install(tmp_path / "prefix", [str(p) for p in out.glob("*.conda")], [local_channel])
    run = subprocess.run([prefix / "bin" / "kiln-demo-app"], capture_output=True, text=True, check=True)
    assert run.stdout == "hello from a recipe package (greeter built by kiln-demo-backend 1.0.0)\n"

    second = build(ws, out)
    assert set(statuses(second).values()) == {"cached"}
    assert second["backends_started"] == 0

    backend_src = ws / "demo-backend" / "src" / "kiln_demo_backend" / "__init__.py"
    backend_src.write_text(backend_src.read_text() + "\n# an edit in the innermost package\n")
    proc = kiln("build", "--path", ws / "app", "-o", out, "--explain", "--json")
    assert proc.returncode == 0, proc.stderr
    third = json.loads(proc.stdout)
    assert statuses(third) == {
        "kiln-demo-backend": "built", "greeter": "built", "messages": "cached", "kiln-demo-app": "cached",
    }  # fmt: skip
    reasons = {p["label"]: " ".join(p["reasons"]) for p in third["packages"]}
    assert "input files changed: src/kiln_demo_backend/__init__.py" in reasons["kiln-demo-backend"]
    assert "dependency kiln-demo-backend/" in reasons["greeter"] and "was rebuilt" in reasons["greeter"]
    assert "reused, inputs unchanged; run dependency greeter was rebuilt but does not change this package" in (
        reasons["kiln-demo-app"]
    )
    assert "src/kiln_demo_backend/__init__.py" in proc.stderr  # --explain, for people
    # the reused app still installs and runs with the rebuilt library
    prefix = kiln_install(tmp_path / "prefix-2", [str(p) for p in out.glob("*.conda")], [local_channel])
    run = subprocess.run([prefix / "bin" / "kiln-demo-app"], capture_output=True, text=True, check=True)
    assert run.stdout == "hello from a recipe package (greeter built by kiln-demo-backend 1.0.0)\n"


def test_override_gives_byte_identical_recipes(ws):
    plain = kiln("build", "--json", "--render-only", "--path", ws / "app")
    assert plain.returncode == 0, plain.stderr
    overrides = ",".join(f"{n}={backend_exe(n)}" for n in ("pixi-build-python", "pixi-build-rattler-build"))
    proc = kiln("build", "--json", "--render-only", "--path", ws / "app", env={"PIXI_BUILD_BACKEND_OVERRIDE": overrides})
    assert proc.returncode == 0, proc.stderr
    plain_summary, overridden = json.loads(plain.stdout), json.loads(proc.stdout)
    assert overridden["backends_started"] == 4  # a different backend identity: nothing reused
    assert set(overridden["rendered"]) == {"kiln-demo-backend", "greeter", "messages", "kiln-demo-app"}
    for label, recipe in plain_summary["rendered"].items():
        assert recipe, label
        assert overridden["rendered"][label] == recipe, label
    # and the metadata work directories hold two separate, identical debug recipes
    for label in plain_summary["rendered"]:
        recipes = sorted((ws / ".pixi" / "meta-v0").glob(f"{label}-*/work/debug/recipe.yaml"))
        assert len(recipes) == 2 and recipes[0].read_bytes() == recipes[1].read_bytes(), label
