"""Upstream's own pixi-build-mojo expectations (tests/data/upstream/recipes/{current,legacy}/mojo), run on kiln."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml as pyyaml
from tests.backends.generating import case_json, cases, copy_files, generate, load_case, make_backend
from tests.upstream_cases import snapshot_body

from kiln.backend import yaml
from kiln.backends.mojo import build_script
from kiln.backends.mojo.backend import MojoBackend
from kiln.backends.mojo.config import Artifacts, MojoPkg

RECIPES = Path(__file__).parents[2] / "data" / "upstream" / "recipes"
CURRENT = RECIPES / "current" / "mojo"
LEGACY = RECIPES / "legacy" / "mojo"
REDACTED = "[ ... script ... ]"


def debug_list(text: str) -> list[str]:
    return re.findall(r'^\s+"(.*)",$', text, flags=re.MULTILINE)


def backend_for(case_dir: Path, case: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "project"
    copy_files(case_dir, case, root)
    inputs = case.get("inputs") or {}
    model = case_json(case_dir, inputs.get("project_model"), {})
    config = case_json(case_dir, inputs.get("config"), {}) or {}
    manifest = (case.get("args") or {}).get("manifest_path", ".")
    if manifest == ".":
        # upstream passed the test crate's directory; nothing in it is read
        monkeypatch.chdir(root)
    return root, make_backend(MojoBackend, Path(manifest.replace("<tmpdir>", str(root))), model=model, config=config)


@pytest.mark.parametrize("case_dir", cases(CURRENT), ids=lambda p: p.name)
def test_current_case(case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(case_dir)
    expected = (case_dir / case["expected"]).read_text()
    if case["call"] == "render build script":
        pkg = case["args"]["pkg"]
        script = build_script.render(Artifacts(None, MojoPkg(pkg["name"], pkg["path"], pkg["extra_args"])))
        assert script + "\n" == expected
        return
    root, backend = backend_for(case_dir, case, tmp_path, monkeypatch)
    if case["call"] == "extract_input_globs_from_build":
        assert backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False) == debug_list(expected)
        return
    data = generate(backend).recipe.to_data()
    if case["kind"] == "script-env":
        actual = dict(data["build"]["script"], content=REDACTED)
    else:
        data["build"]["script"] = REDACTED
        actual = data
    # Byte-identical to upstream's serde_yaml snapshot, not merely equal as data.
    assert yaml.dump(actual) == snapshot_body(expected).rstrip("\n") + "\n"


@pytest.mark.parametrize("case_dir", cases(LEGACY), ids=lambda p: p.name)
def test_legacy_case_where_unchanged(case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same requirements, package, env and bin commands; paths are absolute and quoted now,
    and the pkg command probes for `precompile` (legacy/assertions/differences.yaml)."""
    case = load_case(case_dir)
    expected_text = snapshot_body((case_dir / case["expected"]).read_text())
    root, backend = backend_for(case_dir, case, tmp_path, monkeypatch)
    if case["call"] == "extract_input_globs_from_build":
        legacy = set(debug_list(expected_text))
        globs = backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False)
        assert legacy - {"**/*.{mojo,🔥}"} == set(globs) - {"**/*.mojo"}
        assert "**/*.{mojo,🔥}" in legacy and "**/*.mojo" in globs
        return
    expected = pyyaml.safe_load(expected_text)
    data = generate(backend).recipe.to_data()
    script = data["build"]["script"]
    if case["kind"] == "script-env":
        assert script["env"] == expected["env"]
        return
    assert data["package"] == expected["package"]
    for key in ("build", "host", "run", "run_constraints"):
        assert data["requirements"].get(key, []) == expected["requirements"][key]
    if not isinstance(expected["build"]["script"], dict):
        return  # redacted upstream
    assert script.get("env", {}) == expected["build"]["script"]["env"]
    legacy_lines = expected["build"]["script"]["content"].split("\n")
    ours = script["content"][0].split("\n")
    for line in legacy_lines:
        if line.startswith("mojo build "):
            # legacy: `mojo build <args> ./main.mojo -o ...`; now the path is absolute and quoted
            head, path, tail = re.fullmatch(r"(mojo build .*?)(\S+)( -o .*)", line).groups()
            assert f'{head}"{root / path if not path.startswith(".") else str(root) + "/" + path}"{tail}' in ours
    assert ours[0] == legacy_lines[0] == "mojo --version"
