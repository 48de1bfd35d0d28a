"""`kiln build` on a recipe.yaml package, through the real pixi-build-rattler-build."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import extract, read_index


def kiln(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_builds_a_recipe_package_into_the_output_dir(tmp_path):
    project = tmp_path / "recipe-hello"
    subprocess.run(["cp", "-r", str(PROJECTS / "recipe-hello"), str(project)], check=True)
    out = tmp_path / "out"
    proc = kiln("build", "--path", str(project), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    (archive,) = out.iterdir()  # flat, as `pixi build -o` writes it: no subdirs, no repodata.json
    assert archive.name.startswith("recipe-hello-0.1.0-") and archive.name.endswith(".conda")
    assert proc.stdout == ""  # listed once, in the table on stderr
    assert str(archive) in proc.stderr
    index = read_index(archive)
    assert (index["name"], index["version"], index["subdir"]) == ("recipe-hello", "0.1.0", "linux-64")
    files = extract(archive, tmp_path / "x")
    run = subprocess.run([files / "bin" / "recipe-hello"], capture_output=True, text=True, check=True)
    assert run.stdout == "hello from recipe-hello\n"
    # pixi's layout under the workspace's .pixi
    assert list((project / ".pixi" / "meta-v0").glob("*/work/debug/conda_outputs_response.json"))
    assert list((project / ".pixi" / "bld" / "recipe-hello").glob("*/debug/conda_build_v1_params.json"))


def test_missing_path_is_a_clean_error(tmp_path):
    proc = kiln("build", "--path", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {tmp_path / 'nope'} does not exist"


def test_failed_build_leaves_nothing_in_the_output_dir(tmp_path):
    project = tmp_path / "recipe-bad-script"
    subprocess.run(["cp", "-r", str(PROJECTS / "recipe-bad-script"), str(project)], check=True)
    out = tmp_path / "out"
    proc = kiln("build", "--path", str(project), "-o", str(out))
    assert proc.returncode == 1
    assert "marker-7f3a" in proc.stderr and "Script failed with status 3" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or list(out.rglob("*.conda")) == []


def test_variant_flag_needs_key_and_value(tmp_path):
    proc = kiln("build", "--path", str(PROJECTS / "recipe-hello"), "--variant", "python", "-o", str(tmp_path))
    assert proc.returncode == 2 and "expected KEY=VALUE" in proc.stderr


def test_bad_yaml_names_file_and_line_and_builds_nothing(tmp_path):
    project = tmp_path / "recipe-bad-yaml"
    subprocess.run(["cp", "-r", str(PROJECTS / "recipe-bad-yaml"), str(project)], check=True)
    out = tmp_path / "out"
    proc = kiln("build", "--path", str(project), "-o", str(out), "--no-progress")
    assert proc.returncode == 1
    recipe = project / "recipe.yaml"
    # line 7 is the misindented `- echo two`
    assert f"{recipe}:7:4: expected <block end>, but found '<block sequence start>'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert not list((project / ".pixi").glob("artifacts-v0/*/*/*.conda"))


def test_absolute_license_file_in_a_recipe_is_a_clear_error(tmp_path):
    """py-rattler-build fails on it only after the build, with "Could not open or create ..."."""
    project = tmp_path / "recipe-hello"
    subprocess.run(["cp", "-r", str(PROJECTS / "recipe-hello"), str(project)], check=True)
    (project / "LICENSE").write_text("license text\n")
    recipe = project / "recipe.yaml"
    recipe.write_text(recipe.read_text() + f"  license_file: {project / 'LICENSE'}\n")  # in `about:`
    out = tmp_path / "out"
    proc = kiln("build", "--path", str(project), "-o", str(out))
    assert proc.returncode == 1
    assert f"rattler-build cannot copy the absolute license file {project / 'LICENSE'} of recipe-hello" in proc.stderr
    assert "write `about.license_file` relative to the recipe's directory" in proc.stderr
    assert "Traceback" not in proc.stderr and not list(out.rglob("*.conda"))

    recipe.write_text(recipe.read_text().replace(str(project / "LICENSE"), "LICENSE"))
    proc = kiln("build", "--path", str(project), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    (archive,) = out.glob("recipe-hello-0.1.0-*.conda")
    assert (extract(archive, tmp_path / "x") / "info" / "licenses" / "LICENSE").read_text() == "license text\n"
