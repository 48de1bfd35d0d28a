"""Upstream's own pixi-build-rust expectations, run against kiln's backend.

Every case under ``tests/data/upstream/recipes/current/rust`` must reproduce
exactly; legacy cases are checked where the behaviour did not change between the
two upstream generations (what changed is in ``legacy/assertions/differences.yaml``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from tests.backends.rust.rusthelpers import generate, make_backend
from tests.upstream_cases import snapshot_body as insta_body

from kiln.backend import yaml
from kiln.backends.rust.build_script import BuildScript

RECIPES = Path(__file__).parents[2] / "data" / "upstream" / "recipes"
CURRENT = RECIPES / "current" / "rust"
LEGACY = RECIPES / "legacy" / "rust"
REDACTED = "[ ... script ... ]"


def cases(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if (p / "case.yaml").is_file())


def expected_text(case_dir: Path, case: dict[str, Any]) -> str:
    path = case_dir / case["expected"]
    text = path.read_text()
    return insta_body(text) if case["expected_format"] == "insta" else text


def backend_for_case(case_dir: Path, case: dict[str, Any], tmp_path: Path):
    """The backend on a fresh directory holding the case's files (``<tmpdir>``) or an empty one (``.``)."""
    inputs = case.get("inputs", {})
    root = tmp_path / "project"
    root.mkdir()
    for rel, src in (inputs.get("files") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(case_dir / src, root / rel)
    manifest = case["args"]["manifest_path"]
    package_dir = root / manifest.removeprefix("<tmpdir>").lstrip("/") if manifest.startswith("<tmpdir>") else root
    model = json.loads((case_dir / inputs["project_model"]).read_text())
    config = json.loads((case_dir / inputs["config"]).read_text())
    return make_backend(package_dir, model=model, config=config, system_env=case["args"].get("system_env") or {},
                        manifest_path=package_dir)  # fmt: skip


def run_case(case_dir: Path, tmp_path: Path):
    case = pyyaml.safe_load((case_dir / "case.yaml").read_text())
    args = case["args"]
    if case["call"] == "render build script":
        script = BuildScript(source_dir=args["source_dir"], windows=not args["is_bash"],
                             has_sccache=args["has_sccache"], extra_args=args["extra_args"])  # fmt: skip
        return case, script.render(), expected_text(case_dir, case)
    backend = backend_for_case(case_dir, case, tmp_path)
    gen = generate(backend, host_platform=args["host_platform"], variant_keys=args["variant_keys"])
    return case, gen, expected_text(case_dir, case)


@pytest.mark.parametrize("case_dir", cases(CURRENT), ids=lambda p: p.name)
def test_current_case(case_dir: Path, tmp_path: Path) -> None:
    case, result, expected = run_case(case_dir, tmp_path)
    if case["kind"] == "build-script":
        assert result == expected
        return
    if case["kind"] == "metadata-input-globs":
        assert result.metadata_input_globs == pyyaml.safe_load(expected)
        about = result.recipe.about
        # the values upstream asserts besides the globs: two are inherited from [workspace.package]
        assert (result.recipe.name, result.recipe.version) == ("pixi-build-rust", "0.5.6")
        assert about.description == "A Rust build backend for Pixi"
        assert about.license == "BSD-3-Clause"
        assert about.repository == "https://github.com/prefix-dev/pixi"
        return
    data = result.recipe.to_data()
    if case["kind"] == "script-env":
        actual = dict(data["build"]["script"], content=REDACTED)
    elif "build.script.content" in case["redactions"][0]:
        data["build"]["script"]["content"] = REDACTED
        actual = data
    else:
        data["build"]["script"] = REDACTED
        actual = data
    # Byte-identical to upstream's serde_yaml snapshot, not merely equal as data.
    assert yaml.dump(actual) == expected.rstrip("\n") + "\n"


# -- legacy generation ------------------------------------------------------------------

#: Legacy cases whose expectation changed on purpose (legacy/assertions/differences.yaml:
#: default compilers were ["rust"], OPENSSL_DIR only with an openssl host dependency, plain
#: `cargo` without CARGO/RUSTC/RUSTDOC exports and an unquoted --path).
CHANGED = {
    "build-script-build-script-bash", "build-script-build-script-cmdexe", "build-script-openssl-bash",
    "build-script-openssl-cmdexe", "build-script-sccache-bash", "build-script-sccache-cmdexe",
    "rust-is-in-build-requirements", "rust-is-not-added-if-already-present",
}  # fmt: skip


@pytest.mark.parametrize("case_dir", [c for c in cases(LEGACY) if c.name not in CHANGED], ids=lambda p: p.name)
def test_legacy_case_where_unchanged(case_dir: Path, tmp_path: Path) -> None:
    case, gen, expected = run_case(case_dir, tmp_path)
    data = gen.recipe.to_data()
    if case["kind"] == "metadata-input-globs":
        # the same globs; legacy returned them as a sorted set
        assert sorted(gen.metadata_input_globs) == pyyaml.safe_load(expected)
        return
    want = pyyaml.safe_load(expected)
    if case["kind"] == "script-env":
        assert data["build"]["script"]["env"] == want["env"]
        assert data["build"]["script"].get("secrets", []) == want["secrets"]
        return
    # sccache-is-enabled: the same env and secrets, sccache after the compilers; the
    # current default compilers add `c` (see CHANGED)
    script = data["build"]["script"]
    assert script["env"] == want["build"]["script"]["env"]
    assert script["secrets"] == want["build"]["script"]["secrets"]
    assert data["requirements"]["build"] == [*want["requirements"]["build"][:1], "${{ compiler('c') }}",
                                             *want["requirements"]["build"][1:]]  # fmt: skip


def test_every_current_case_is_run() -> None:
    """A case added to the data directory is picked up, not silently skipped."""
    assert len(cases(CURRENT)) == 8
