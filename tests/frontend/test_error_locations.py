"""Errors found after parsing name the manifest line: backend configuration and source dependencies.

The backend rejects ``[package.build.config]`` in its own process; a source
dependency fails when it is fetched. Either way the user reads
``pixi.toml:LINE: ...`` with the key, what was expected and a fix, from the real
``kiln`` executable, and never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tarfile
from pathlib import Path

from tests.conftest import PROJECTS, kiln_exe

WORKSPACE = """\
[workspace]
name = "w"
channels = []
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = "0.1.0"

[package.build.backend]
name = "pixi-build-python"
version = "*"
"""


def python_package(tmp_path: Path, tail: str) -> Path:
    root = tmp_path / "demo"
    (root / "src" / "demo").mkdir(parents=True)
    (root / "src" / "demo" / "__init__.py").write_text("X = 1\n")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    (root / "pixi.toml").write_text(WORKSPACE + tail)
    return root


def kiln_build(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([kiln_exe(), "build", "--no-progress", "--path", str(path), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    return proc


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    lines = proc.stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("error: ")):]


def line_of(manifest: Path, text: str) -> int:
    return next(i for i, line in enumerate(manifest.read_text().splitlines(), 1) if text in line)


def test_a_wrong_type_in_the_backend_configuration_points_at_its_line(tmp_path):
    root = python_package(tmp_path, '\n[package.build.config]\nnoarch = "yes"\n')
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", 'noarch = "yes"')
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: `package.build.config.noarch`: failed to parse configuration: "
        "Expected `bool | null`, got `str` - at `$.noarch`",
        "  help: give `package.build.config.noarch` a boolean (`true` or `false`), or remove it to get the default",
    ]


def test_an_unknown_option_points_at_its_line_and_suggests_the_option(tmp_path):
    root = python_package(tmp_path, "\n[package.build.config]\ncompilers = []\nnoarh = true\n")
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", "noarh = true")
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: `package.build.config.noarh`: failed to parse configuration: "
        "Object contains unknown field `noarh`",
        "  help: did you mean `noarch`?",
    ]


def test_a_target_configuration_error_points_into_the_target_table(tmp_path):
    root = python_package(tmp_path, '\n[package.build.target.linux-64.config]\ncompilers = "c"\n')
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", 'compilers = "c"')
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: `package.build.target.linux-64.config.compilers`: failed to parse "
        "target configuration `linux-64`: Expected `array | null`, got `str` - at `$.compilers`",
        "  help: give `package.build.target.linux-64.config.compilers` an array, or remove it to get the default",
    ]


def recipe_app(tmp_path: Path, dependency: str) -> Path:
    """A recipe package whose pixi.toml names ``kiln-hello`` as a source dependency."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "recipe.yaml").write_text(
        'package:\n  name: app\n  version: "1.0.0"\nrequirements:\n  run:\n    - kiln-hello\n'
        "build:\n  noarch: generic\n  script: mkdir -p $PREFIX/share\n"
    )
    (root / "pixi.toml").write_text(
        WORKSPACE.replace('name = "demo"', 'name = "app"').replace("pixi-build-python", "pixi-build-rattler-build")
        + f"\n[package.run-dependencies]\nkiln-hello = {dependency}\n"
    )
    return root


def test_a_missing_source_path_points_at_the_dependency(tmp_path):
    root = recipe_app(tmp_path, '{ path = "../missing-lib" }')
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", "missing-lib")
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: source dependency path `../missing-lib` does not exist "
        f"(resolved to {tmp_path / 'missing-lib'}) (key `package.run-dependencies.kiln-hello.path`)",
        f"  help: a relative `path` starts at {root}; point it at the directory holding the package's pixi.toml, "
        "pyproject.toml or recipe.yaml",
    ]


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_a_bad_git_branch_points_at_the_branch_key(tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["cp", "-r", str(PROJECTS.parent.parent / "examples" / "hello-recipe"), str(repo)], check=True)
    _git("init", "-q", cwd=repo)
    _git("add", ".", cwd=repo)
    _git("commit", "-qm", "x", cwd=repo)
    root = recipe_app(tmp_path, f'{{ git = "{repo.as_uri()}", branch = "no-such-branch" }}')
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", "no-such-branch")
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: git source {repo.as_uri()}: no such branch, tag or revision `no-such-branch` "
        "(key `package.run-dependencies.kiln-hello.branch`)",
        f"  help: `git ls-remote {repo.as_uri()}` lists the branches and tags there",
    ]


def test_a_sha256_mismatch_points_at_the_sha256_and_says_what_was_downloaded(tmp_path):
    archive = tmp_path / "hello.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(PROJECTS.parent.parent / "examples" / "hello-recipe", arcname="hello")
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    root = recipe_app(tmp_path, f'{{ url = "{archive.as_uri()}",\n    sha256 = "{"0" * 64}" }}')
    proc = kiln_build(root, tmp_path)
    n = line_of(root / "pixi.toml", "sha256 =")
    assert error_lines(proc) == [
        f"error: {root / 'pixi.toml'}:{n}: {archive.as_uri()}: sha256 mismatch: expected {'0' * 64}, got {actual} "
        "(key `package.run-dependencies.kiln-hello.sha256`)",
        f'  help: if the archive changed on purpose, set `sha256 = "{actual}"`; else check the `url`',
    ]
