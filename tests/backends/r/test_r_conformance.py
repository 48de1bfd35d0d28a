"""Upstream's own pixi-build-r expectations (``tests/data/upstream/recipes/current/r``), run against kiln.

Recipes must be byte-identical to upstream's serde_yaml snapshots (script content
redacted as upstream's test redacts it); build scripts must match exactly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml as pyyaml
from tests.backends.r.rhelpers import generate, make_backend
from tests.upstream_cases import snapshot_body

from kiln.backend import yaml
from kiln.backends.r import build_script

CURRENT = Path(__file__).parents[2] / "data" / "upstream" / "recipes" / "current" / "r"
CASES = sorted(p for p in CURRENT.iterdir() if (p / "case.yaml").is_file())


def test_every_case_is_collected() -> None:
    assert len(CASES) == 11


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: p.name)
def test_current_case(case_dir: Path, tmp_path: Path) -> None:
    case = pyyaml.safe_load((case_dir / "case.yaml").read_text())
    expected = snapshot_body((case_dir / case["expected"]).read_text())
    args = case.get("args", {})
    if case["call"] == "render build script":
        script = build_script.render(
            args["source_dir"], list(args["extra_args"]), windows=args["build_platform"] == "windows"
        )
        assert script == expected.rstrip("\n")
        return
    assert case["call"] == "generate_recipe"
    inputs = case["inputs"]
    root = tmp_path / "pkg"
    root.mkdir()
    for rel, src in inputs.get("files", {}).items():
        shutil.copy(case_dir / src, root / rel)
    for rel in inputs.get("empty_dirs", []):
        (root / rel).mkdir()
    model = json.loads((case_dir / inputs["project_model"]).read_text())
    config = json.loads((case_dir / inputs["config"]).read_text())
    backend = make_backend(root, model=model, config=config)
    gen = generate(backend, host_platform=args["host_platform"], variant_keys=args["variant_keys"])
    data = gen.recipe.to_data()
    assert data["build"]["script"]["content"]  # what the redaction replaces exists
    data["build"]["script"]["content"] = "[build_script]"
    assert yaml.dump(data) == expected.rstrip("\n") + "\n"
    assert gen.metadata_input_globs == ["DESCRIPTION"]
