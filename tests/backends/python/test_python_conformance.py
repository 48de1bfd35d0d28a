"""Upstream's own pixi-build-python expectations, run against kiln's backend.

Every case under ``tests/data/upstream/recipes/current/python`` must reproduce
exactly; legacy cases are checked where the behaviour did not change between the
two upstream generations (the rest are listed with the reason they differ).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from tests.backends.python.pyhelpers import generate, load_json, make_backend
from tests.upstream_cases import snapshot_body as insta_body

from kiln.backend import yaml

RECIPES = Path(__file__).parents[2] / "data" / "upstream" / "recipes"
CURRENT = RECIPES / "current" / "python"
LEGACY = RECIPES / "legacy" / "python"
REDACTED = "[ ... script ... ]"


def snapshot_body(path: Path) -> str:
    """An expectation file's value: insta snapshots lose their header, others are as they are."""
    text = path.read_text()
    return insta_body(text) if path.suffix == ".snap" else text


def debug_list(text: str) -> list[str]:
    """The strings of a Rust ``Ok([...])`` / ``Ok({...})`` debug print, in order."""
    return re.findall(r'^\s+"(.*)",$', text, flags=re.MULTILINE)


def load_case(case_dir: Path) -> dict[str, Any]:
    return pyyaml.safe_load((case_dir / "case.yaml").read_text())


def backend_for_case(case_dir: Path, case: dict[str, Any], tmp_path: Path):
    inputs = case.get("inputs", {})
    root = tmp_path / "project"
    root.mkdir()
    for rel, src in (inputs.get("files") or {}).items():
        shutil.copy(case_dir / src, root / rel)
    model = load_json(case_dir / inputs["project_model"]) if "project_model" in inputs else None
    config = load_json(case_dir / inputs["config"]) if "config" in inputs else {}
    return make_backend(root, model=model, config=config)


def cases(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if (p / "case.yaml").is_file())


def open_case(case_dir: Path, tmp_path: Path):
    """(case, backend on the case's inputs, expected text, call arguments)."""
    case = load_case(case_dir)
    backend = backend_for_case(case_dir, case, tmp_path)
    return case, backend, snapshot_body(case_dir / case["expected"]), case.get("args", {})


def build_globs(backend, args: dict[str, Any], work_dir: Path) -> list[str]:
    return backend.build_input_globs(backend.config_for("linux-64"), work_dir, bool(args["editable"]))


@pytest.mark.parametrize("case_dir", cases(CURRENT), ids=lambda p: p.name)
def test_current_case(case_dir: Path, tmp_path: Path) -> None:
    case, backend, expected, args = open_case(case_dir, tmp_path)
    if case["call"] == "extract_input_globs_from_build":
        assert build_globs(backend, args, tmp_path) == debug_list(expected)
        return
    gen = generate(backend, host_platform=args["host_platform"], variant_keys=args["variant_keys"])
    data = gen.recipe.to_data()
    kind = case["kind"]
    if kind == "script-env":
        actual = dict(data["build"]["script"], content=REDACTED)
    elif kind == "requirements":
        actual = data["requirements"]
    else:
        data["build"]["script"] = REDACTED
        actual = data
    # Byte-identical to upstream's serde_yaml snapshot, not merely equal as data.
    assert yaml.dump(actual) == expected.rstrip("\n") + "\n"


# -- legacy generation ------------------------------------------------------------------

#: Legacy cases whose host requirements changed on purpose (legacy/assertions/differences.yaml):
#: the installer is uv unless configured (legacy: pip unless uv was a dependency), and
#: python is added even when declared. The value is the current host list.
LEGACY_CHANGED_HOST = {
    "pip-is-in-host-requirements": ["uv", "python"],
    "python-is-not-added-if-already-present": ["python", "uv", "python"],
}


@pytest.mark.parametrize("case_dir", cases(LEGACY), ids=lambda p: p.name)
def test_legacy_case_where_unchanged(case_dir: Path, tmp_path: Path) -> None:
    case, backend, expected_text, args = open_case(case_dir, tmp_path)
    if case["call"] == "extract_input_globs_from_build":
        # Same globs; legacy returned a sorted set and listed `**/*.pyx` unconditionally,
        # which the current generation adds only when cython is in the environment.
        globs = build_globs(backend, args, tmp_path)
        assert len(globs) == len(set(globs))
        assert set(globs) == set(debug_list(expected_text)) - {"**/*.pyx"}
        return
    expected = pyyaml.safe_load(expected_text)
    data = generate(backend, host_platform=args["host_platform"]).recipe.to_data()
    if case["kind"] == "script-env":
        assert data["build"]["script"]["env"] == expected["env"]
        assert data["build"]["script"].get("secrets", []) == expected["secrets"]
        return
    if case_dir.name in LEGACY_CHANGED_HOST:
        # Everything but the host requirements is as it was.
        assert data["requirements"]["host"] == LEGACY_CHANGED_HOST[case_dir.name]
        assert data["package"] == expected["package"]
        assert data["requirements"]["run"] == expected["requirements"]["run"]
        assert "build" not in data["requirements"] and expected["requirements"]["build"] == []
        assert data["build"]["noarch"] == expected["build"]["noarch"]
        assert data["about"] == {} and not any(expected["about"].values())
        return
    # recipe-from-pyproject-metadata: the same precedence (model name wins, version,
    # summary, description and license from pyproject.toml) and the same run
    # requirements; URLs are normalised now, and the installer changed (see above).
    assert data["package"] == expected["package"]
    assert data["requirements"]["run"] == expected["requirements"]["run"]
    for key in ("license", "summary", "description"):
        assert data["about"][key] == expected["about"][key]
    for key in ("homepage", "documentation", "repository"):
        assert data["about"][key].rstrip("/") == expected["about"][key]
    assert data["build"]["noarch"] == expected["build"]["noarch"]
