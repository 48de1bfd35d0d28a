"""Upstream's own pixi-build-ros expectations (tests/data/upstream/recipes/{current,legacy}/ros), run on kiln."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml as pyyaml
from tests.backends.generating import case_json, cases, copy_files, generate, load_case, make_backend
from tests.backends.ros.needs_table import NEEDS_TABLE
from tests.upstream_cases import snapshot_body

from kiln.backend import yaml
from kiln.backends.ros import package_map, package_xml
from kiln.backends.ros.backend import RosBackend

RECIPES = Path(__file__).parents[2] / "data" / "upstream" / "recipes"
CURRENT = RECIPES / "current" / "ros"
LEGACY = RECIPES / "legacy" / "ros"
#: Cases whose expected recipe holds conda packages that only upstream's RoboStack table maps
#: (e.g. qt_gui_cpp's qt-main, REQUIRE_OPENGL's extras); the same names in current and legacy.
TABLE_CASES = {
    "generate-recipe-with-explicit-package-xml-path",
    "generate-recipe-with-mutex-version",
    "generate-recipe-with-versions",
    "generate-recipe-with-versions-in-model-and-package",
}


def marked(base: Path) -> list:
    return [pytest.param(p, id=p.name, marks=[NEEDS_TABLE] if p.name in TABLE_CASES else []) for p in cases(base)]


def run_case(case_dir: Path, tmp_path: Path):
    """(case, generated recipe data) for a generate_recipe case."""
    case = load_case(case_dir)
    root = tmp_path / "project"
    copy_files(case_dir, case, root)
    inputs = case["inputs"]
    fixtures = str(case_dir.parent / "_fixtures")
    model = case_json(case_dir, inputs.get("project_model"), {})
    config = case_json(case_dir, inputs.get("config"), {"<fixtures>": fixtures}) or {}
    # legacy accepted a bare path string as a mapping source; current takes `{path = ...}`
    mappings = config.get("extra-package-mappings", [])
    config["extra-package-mappings"] = [{"path": m} if isinstance(m, str) else m for m in mappings]
    manifest = case["args"]["manifest_path"].replace("<tmpdir>", str(root))
    backend = make_backend(RosBackend, Path(manifest), model=model, config=config)
    return case, generate(backend, host_platform=case["args"]["host_platform"]).recipe.to_data()


def filtered(data: dict, distro: str) -> dict[str, list[str]]:
    wanted = {f"ros-{distro}-{n}" for n in ("ament-cmake", "catkin", "rclcpp", "roscpp")}
    req = data["requirements"]
    return {k: sorted(i for i in req.get(k, []) if i in wanted) for k in ("build", "run")}


def mapped_lists(case_dir: Path, case: dict) -> tuple[list[str], list[str]]:
    pkg = package_xml.load(case_dir / case["inputs"]["files"]["package.xml"])
    pkg = pkg.evaluate_conditions(case["args"]["env"])
    return package_map.package_requirements(pkg, "jazzy", 2, "linux-64", package_map.load_package_map([]))


@pytest.mark.parametrize("case_dir", marked(CURRENT))
def test_current_case(case_dir: Path, tmp_path: Path) -> None:
    case = load_case(case_dir)
    kind = case["kind"]
    expected_text = (case_dir / case["expected"]).read_text()
    if kind == "requirements-partial":
        build, run = mapped_lists(case_dir, case)
        documents = list(pyyaml.safe_load_all(expected_text))
        assert build == documents[0]
        if len(documents) > 1:
            assert run == documents[1]
        return
    case, data = run_case(case_dir, tmp_path)
    if kind == "requirements-filtered":
        distro = pyyaml.safe_load((case_dir / case["inputs"]["config"]).read_text())["distro"]
        assert filtered(data, distro) == pyyaml.safe_load(expected_text)
    elif kind == "requirements":
        assert data["requirements"] == pyyaml.safe_load(expected_text)
        assert (data["package"]["name"], data["package"]["version"]) == ("ros-jazzy-demo-nodes-cpp", "0.37.1")
    else:
        data["build"]["script"] = "[script]"
        # Byte-identical to upstream's serde_yaml snapshot, not merely equal as data.
        assert yaml.dump(data) == snapshot_body(expected_text).rstrip("\n") + "\n"


# -- legacy generation ------------------------------------------------------------------

#: What changed on purpose (INDEX.md "Upstream quirks", legacy/assertions/differences.yaml):
#: the legacy merge mutated shared lists, so the model-and-package case accumulated bounds.
LEGACY_QUIRKS = {"asio >=9.0,<10.0.0,<10.0.0,<10.0.0": "asio >=9.0,<10.0.0"}
#: REQUIRE_OPENGL's extras: legacy replaced the marker in the shared table, so only the
#: first list mapped (build) got them; current adds them to every list.
GL_EXTRAS = {"libgl-devel", "libopengl-devel", "xorg-libx11", "xorg-libxext"}


def ambr_value(text: str):
    """The value of a syrupy entry: YAML between ''' markers, or a dict(...) repr."""
    body = "\n".join(line[2:] for line in text.split("\n")[2:] if line != "# ---")
    if "'''" in body:
        return pyyaml.safe_load(body.split("'''")[1])
    return eval(body, {"dict": dict, "list": list})  # syrupy's repr of plain dicts and lists


@pytest.mark.parametrize("case_dir", marked(LEGACY))
def test_legacy_case_where_unchanged(case_dir: Path, tmp_path: Path) -> None:
    """The same requirements (as sets: legacy re-appended merged items at the end and moved
    REQUIRE_OPENGL's extras), package, summary and description; the script env."""
    case, data = run_case(case_dir, tmp_path)
    expected = ambr_value((case_dir / case["expected"]).read_text())
    if case["kind"] == "requirements-filtered":
        wanted = {"build": expected["filtered_build"], "run": expected["filtered_run"]}
        assert filtered(data, expected["distro"]) == wanted
        assert data["build"]["script"]["env"] == expected["env"]
        return
    assert data["package"] == expected["package"]
    for key in ("build", "host", "run"):
        legacy = [LEGACY_QUIRKS.get(i, i) for i in expected["requirements"][key]]
        ours = data["requirements"].get(key, [])
        if key != "build" and GL_EXTRAS & set(legacy) != GL_EXTRAS & set(ours):
            assert GL_EXTRAS <= set(ours) and not GL_EXTRAS & set(legacy)
            ours = [i for i in ours if i not in GL_EXTRAS]
        assert sorted(ours) == sorted(legacy), key
    for key in ("summary", "description", "homepage", "repository"):
        assert data["about"].get(key) == expected["about"][key]
    # legacy kept an invalid SPDX text verbatim; current drops it
    assert "license" not in data["about"] or data["about"]["license"] == expected["about"]["license"]
