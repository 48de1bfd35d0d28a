"""License files end up in the archive's ``info/licenses/`` (issue 8, point 1).

py-rattler-build cannot copy an absolute ``about.license_file``, which is what
upstream's recipe names; the recipe handed to rattler-build names copies staged
beside it instead, while ``render`` and ``debug/recipe.yaml`` keep upstream's text.
Real builds through the spawned backend, real archives opened.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.backends.python.test_python_e2e import PythonBackendRun, drive  # noqa: F401 (fixture)
from tests.conftest import backend_exe
from tests.helpers import extract

pytestmark = pytest.mark.build


def _license_file(recipe: Path) -> list[str]:
    return yaml.safe_load(recipe.read_text())["about"]["license_file"]


def test_license_files_with_a_glob_are_in_info_licenses(drive, tmp_path: Path) -> None:
    project = drive("python-license-files")  # license-files = ["LICENSE", "licenses/*.txt"]
    archive = Path(project.build().output_file)
    files = extract(archive, tmp_path / "x")
    assert (files / "info" / "licenses" / "LICENSE").read_text() == (project.source / "LICENSE").read_text()
    third = files / "info" / "licenses" / "licenses" / "THIRD-PARTY.txt"
    assert third.read_text() == "Third-party notice of licensed-files\n"
    assert sorted(p.name for p in (files / "info" / "licenses").rglob("*") if p.is_file()) == [
        "LICENSE",
        "THIRD-PARTY.txt",
    ]

    # what people read is upstream's recipe; rattler-build got the staged names
    work = tmp_path / "work"
    upstream = [f"{project.source}/LICENSE", f"{project.source}/licenses/*.txt"]
    assert _license_file(work / "debug" / "recipe.yaml") == upstream
    assert _license_file(work / "recipe" / "recipe.yaml") == ["LICENSE", "licenses/THIRD-PARTY.txt"]
    model = tmp_path / "model.json"
    model.write_text('{"name": "licensed-files", "version": "0.1.0"}')
    rendered = subprocess.run(
        [backend_exe("pixi-build-python"), "render", str(project.source / "pyproject.toml"), "--project-model", model],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert yaml.safe_load(rendered)["about"]["license_file"] == upstream

    prefix = project.install("licensed-files")
    done = subprocess.run([prefix / "bin" / "python", "-c", "import licensed_files; print(licensed_files.__doc__)"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout == "A package that ships license files.\n"


def test_license_table_file_is_in_info_licenses(drive, tmp_path: Path) -> None:
    project = drive("python-license-table")  # license = {file = "LICENSE"}, built with pip
    archive = Path(project.build().output_file)
    files = extract(archive, tmp_path / "x")
    text = (files / "info" / "licenses" / "LICENSE").read_text()
    assert text == "BSD 3-Clause License\n\nCopyright (c) kiln test project license-table\n"


def test_a_missing_license_file_is_named_before_building(drive, tmp_path: Path) -> None:
    from kiln.errors import BackendError

    project = drive("python-license-table")
    (project.source / "LICENSE").unlink()
    with pytest.raises(BackendError) as info:
        project.build()
    assert f"the license file `{project.source}/LICENSE` does not exist" in str(info.value)
    assert not project.out.exists() or not any(p.is_file() for p in project.out.rglob("*"))
