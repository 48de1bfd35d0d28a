"""A workspace of recipe packages: app -(run)-> lib -(host)-> greeting, and a cycle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import extract, read_index


def kiln(*args) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=300)


def build_json(*args) -> dict:
    proc = kiln("build", "--json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def statuses(summary: dict) -> dict[str, str]:
    return {p["label"]: p["status"] for p in summary["packages"]}


def test_recursive_build_uses_the_host_package_then_caches_then_rebuilds_build_host_dependents(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    out = tmp_path / "out"

    first = build_json("--path", ws / "app", "-o", out)
    assert statuses(first) == {"greeting": "built", "lib": "built", "app": "built"}
    assert [p["label"] for p in first["packages"]] == ["greeting", "lib", "app"]  # dependency order
    assert first["backends_started"] == 3
    delivered = {a["name"]: Path(a["path"]) for a in first["delivered"]}
    assert set(delivered) == {"app", "lib"}  # the root and what it needs at run time
    assert read_index(delivered["app"])["depends"] == ["lib"]
    app_bytes = delivered["app"].read_bytes()

    # lib copied a file out of its host environment: greeting really was there
    files = extract(delivered["lib"], tmp_path / "lib-files")
    assert (files / "share/lib/from-greeting.txt").read_text() == "hello from the innermost package\n"
    prefix = tmp_path / "prefix"
    extract(delivered["app"], prefix)
    extract(delivered["lib"], prefix)
    run = subprocess.run([prefix / "bin" / "app"], capture_output=True, text=True, check=True)
    assert run.stdout == "app says: hello from the innermost package\n"

    second = build_json("--path", ws / "app", "-o", out)
    assert statuses(second) == {"greeting": "cached", "lib": "cached", "app": "cached"}
    assert second["backends_started"] == 0

    # greeting changes: lib has it in its host environment and is rebuilt; app needs lib only
    # at run time, and its archive records just `lib`, so it is reused (pixi's rule)
    (ws / "greeting" / "text.txt").write_text("changed innermost\n")
    proc = kiln("build", "--path", ws / "app", "-o", out, "--explain", "--json")
    assert proc.returncode == 0, proc.stderr
    third = json.loads(proc.stdout)
    assert statuses(third) == {"greeting": "built", "lib": "built", "app": "cached"}
    reasons = {p["label"]: p["reasons"] for p in third["packages"]}
    assert reasons["greeting"] == ["greeting 1.0.0 (h4616a5c_0): rebuilt, input files changed: text.txt"]
    assert reasons["lib"] == ["lib 2.0.0 (h4616a5c_0): rebuilt, dependency greeting/h4616a5c_0/noarch was rebuilt"]
    assert reasons["app"] == [
        "app 3.0.0 (h4616a5c_0): reused, inputs unchanged; "
        "run dependency lib was rebuilt but does not change this package"
    ]
    files = extract(out / delivered["lib"].name, tmp_path / "lib-files-2")
    assert (files / "share/lib/from-greeting.txt").read_text() == "changed innermost\n"
    # the reused app is the same archive, and with the rebuilt lib it runs the new text
    assert (out / delivered["app"].name).read_bytes() == app_bytes
    prefix = tmp_path / "prefix-2"
    extract(out / delivered["app"].name, prefix)
    extract(out / delivered["lib"].name, prefix)
    run = subprocess.run([prefix / "bin" / "app"], capture_output=True, text=True, check=True)
    assert run.stdout == "app says: changed innermost\n"

    # lib's own recipe changes: lib is rebuilt, app again reused, greeting untouched
    recipe = ws / "lib" / "recipe.yaml"
    recipe.write_text(recipe.read_text() + "# an edit of lib alone\n")
    fourth = build_json("--path", ws / "app", "-o", out)
    assert statuses(fourth) == {"greeting": "cached", "lib": "built", "app": "cached"}


def test_an_exact_pin_on_a_sibling_rebuilds_the_dependent_when_the_pin_changes(tmp_path):
    """b needs `${{ pin_subpackage('liba', exact=True) }}` at run time: its archive records
    liba's version and build string, so when those change b is rebuilt and records the new pin."""
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-pins", ws)
    out = tmp_path / "out"
    first = build_json("--path", ws / "pinned", "-o", out)
    assert [p["label"] for p in first["packages"]] == ["pinned"]  # the sibling is the same package, built once
    assert sorted(a["name"] for a in first["delivered"]) == ["b", "liba"]
    b = next(Path(a["path"]) for a in first["delivered"] if a["name"] == "b")
    liba = next(a for a in first["delivered"] if a["name"] == "liba")
    assert read_index(b)["depends"] == [f"liba ==1.0.0 {liba['build']}"]

    recipe = ws / "pinned" / "recipe.yaml"
    recipe.write_text(recipe.read_text().replace('LIBA_VERSION: "1.0.0"', 'LIBA_VERSION: "1.1.0"'))
    proc = kiln("build", "--json", "--explain", "--path", ws / "pinned", "-o", out)
    assert proc.returncode == 0, proc.stderr
    second = json.loads(proc.stdout)
    reasons = second["packages"][0]["reasons"]
    assert len(reasons) == 2 and all(": rebuilt, " in r for r in reasons), reasons
    b_reason = next(r for r in reasons if r.startswith("b "))
    assert f"the run requirement on liba changed (liba ==1.0.0 {liba['build']} -> liba ==1.1.0 " in b_reason
    b2 = next(Path(a["path"]) for a in second["delivered"] if a["name"] == "b")
    liba2 = next(a for a in second["delivered"] if a["name"] == "liba")
    assert liba2["version"] == "1.1.0"
    assert read_index(b2)["depends"] == [f"liba ==1.1.0 {liba2['build']}"]


def test_building_a_middle_package_builds_only_what_it_needs(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    summary = build_json("--path", ws / "lib", "-o", tmp_path / "out")
    assert statuses(summary) == {"greeting": "built", "lib": "built"}
    assert [a["name"] for a in summary["delivered"]] == ["lib"]  # greeting is only a host dependency


def test_render_only_on_a_workspace_builds_nothing(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    proc = kiln("build", "--path", ws / "app", "--render-only", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    for name in ("greeting", "lib", "app"):
        assert f"# --- {name}: generated recipe ---" in proc.stdout
    assert not (ws / ".pixi" / "artifacts-v0").exists()


def test_cycle_is_named(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-cycle", ws)
    proc = kiln("build", "--path", ws / "a", "-o", tmp_path / "out", "--no-progress")
    assert proc.returncode == 1
    assert "error: dependency cycle between source packages: pkg-a -> pkg-b -> pkg-c -> pkg-a" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_dependency(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    shutil.rmtree(ws / "greeting")
    proc = kiln("build", "--path", ws / "lib", "-o", tmp_path / "out", "--no-progress")
    assert proc.returncode == 1
    assert "source dependency path `../greeting` does not exist" in proc.stderr


def test_publish_adds_an_installable_channel(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    channel = tmp_path / "channel"
    proc = kiln("publish", "--path", ws / "app", "--to", channel, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    repodata = json.loads((channel / "noarch" / "repodata.json").read_text())
    assert sorted(p["name"] for p in repodata["packages.conda"].values()) == ["app", "lib"]
    assert proc.stdout == ""  # the archives are listed once: the table on stderr
    assert f"{channel}/noarch/app-3.0.0-h4616a5c_0.conda" in proc.stderr
    assert not os.path.exists(channel / "noarch" / "greeting-1.0.0-h4616a5c_0.conda")


def _git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_git_and_url_source_dependencies(tmp_path):
    import hashlib
    import tarfile

    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    # greeting moves into a git repository (a subdirectory of it) ...
    repo = tmp_path / "repo"
    shutil.copytree(ws / "greeting", repo / "packages" / "greeting")
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "greeting", cwd=repo)
    shutil.rmtree(ws / "greeting")
    lib_manifest = ws / "lib" / "pixi.toml"
    lib_manifest.write_text(lib_manifest.read_text().replace(
        'greeting = { path = "../greeting" }',
        f'greeting = {{ git = "{repo.as_uri()}", branch = "main", subdirectory = "packages/greeting" }}',
    ))  # fmt: skip
    # ... and lib is published as an archive that app takes by URL
    archive = tmp_path / "lib-src.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(ws / "lib", arcname="lib-2.0.0")
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    app_manifest = ws / "app" / "pixi.toml"
    app_manifest.write_text(app_manifest.read_text().replace(
        'lib = { path = "../lib" }', f'lib = {{ url = "{archive.as_uri()}", sha256 = "{sha}" }}'
    ))  # fmt: skip
    summary = build_json("--path", ws / "app", "-o", tmp_path / "out")
    assert statuses(summary) == {"greeting": "built", "lib": "built", "app": "built"}
    sources = {p["label"]: p["source"] for p in summary["packages"]}
    assert sources["greeting"].startswith(f"git:{repo.as_uri()}@") and sources["greeting"].endswith("#packages/greeting")
    assert sources["lib"] == f"url:{archive.as_uri()}#sha256={sha}"
    lib = next(Path(a["path"]) for a in summary["delivered"] if a["name"] == "lib")
    files = extract(lib, tmp_path / "lib-files")
    assert (files / "share/lib/from-greeting.txt").read_text() == "hello from the innermost package\n"
    # pinned sources: the second run reuses everything without looking at files
    again = build_json("--path", ws / "app", "-o", tmp_path / "out")
    assert set(statuses(again).values()) == {"cached"} and again["backends_started"] == 0
    # the pin is part of the identity: a changed sha256 is checked although the archive is cached
    wrong = hashlib.sha256(b"another archive").hexdigest()
    app_manifest.write_text(app_manifest.read_text().replace(sha, wrong))
    proc = kiln("build", "--path", ws / "app", "-o", tmp_path / "out", "--no-progress")
    assert proc.returncode == 1
    assert f"{archive.as_uri()}: sha256 mismatch: expected {wrong}, got {sha}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_failed_build_caches_nothing_and_the_fix_builds(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    recipe = ws / "lib" / "recipe.yaml"
    good = recipe.read_text()
    recipe.write_text(good.replace("    - mkdir -p $PREFIX/share/lib\n", "    - exit 7\n"))
    proc = kiln("build", "--path", ws / "app", "-o", tmp_path / "out", "--no-progress")
    assert proc.returncode == 1 and "Script failed with status 7" in proc.stderr
    assert not list((ws / ".pixi" / "artifacts-v0").glob("lib/*/*.conda"))
    recipe.write_text(good)
    summary = build_json("--path", ws / "app", "-o", tmp_path / "out")
    assert statuses(summary) == {"greeting": "cached", "lib": "built", "app": "built"}
