"""Upstream's own pixi-build-cmake expectations, run against kiln's backend.

Every case under ``tests/data/upstream/recipes/current/cmake`` must reproduce
exactly; legacy cases are checked where the behaviour did not change between the
two upstream generations (the others are listed with the reason they differ).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from tests.backends.cmake.cmhelpers import generate, make_backend
from tests.backends.python.test_python_conformance import debug_list, snapshot_body

from kiln.backend import yaml
from kiln.backends.cmake import build_script

RECIPES = Path(__file__).parents[2] / "data" / "upstream" / "recipes"
CURRENT = RECIPES / "current" / "cmake"
LEGACY = RECIPES / "legacy" / "cmake"
REDACTED = "[ ... script ... ]"


def cases(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if (p / "case.yaml").is_file())


def open_case(case_dir: Path, tmp_path: Path):
    """(case, backend on the case's inputs, expected text, call arguments)."""
    case = pyyaml.safe_load((case_dir / "case.yaml").read_text())
    inputs = case.get("inputs") or {}
    model = json.loads((case_dir / inputs["project_model"]).read_text()) if "project_model" in inputs else None
    config = json.loads((case_dir / inputs["config"]).read_text()) if "config" in inputs else {}
    backend = make_backend(tmp_path / "project", model=model, config=config)
    return case, backend, snapshot_body(case_dir / case["expected"]), case.get("args", {})


def test_every_current_case_is_collected() -> None:
    assert len(cases(CURRENT)) == 8 and len(cases(LEGACY)) == 13


@pytest.mark.parametrize("case_dir", cases(CURRENT), ids=lambda p: p.name)
def test_current_case(case_dir: Path, tmp_path: Path) -> None:
    case, backend, expected, args = open_case(case_dir, tmp_path)
    if case["call"] == "render build script":
        windows = args["build_platform"] == "windows"
        script = build_script.render(args["source_dir"], args["extra_args"], windows=windows)
        assert script == expected.rstrip("\n")
        return
    if case["call"] == "extract_input_globs_from_build":
        # an empty work directory: the ninja query fails, the fallback set is used
        globs = backend.build_input_globs(backend.config_for("linux-64"), Path(""), bool(args["editable"]))
        assert globs == debug_list(expected)
        return
    gen = generate(backend, host_platform=args["host_platform"], variant_keys=args["variant_keys"])
    data = gen.recipe.to_data()
    kind = case["kind"]
    if kind == "script-env":
        actual: Any = dict(data["build"]["script"], content=REDACTED)
    elif kind == "build-section":
        content = data["build"]["script"]["content"]
        assert len(content) == 1 and "-DPython_EXECUTABLE" in content[0]
        actual = dict(data["build"], script=dict(data["build"]["script"], content=["[content]"]))
    else:
        data["build"]["script"] = REDACTED
        actual = data
    # Byte-identical to upstream's serde_yaml snapshot, not merely equal as data.
    assert yaml.dump(actual) == expected.rstrip("\n") + "\n"


# -- legacy generation ------------------------------------------------------------------

PROBE = re.compile(r"^(set )?PYTHON_ARG=\n(if exist .*\n|if \[ -x .*\n    PYTHON_ARG=.*\nfi\n)", re.MULTILINE)


def without_python(script: str) -> str:
    """The script with everything python-related taken out, and the install prefix unquoted:
    what did not change between the generations. Legacy passed ``-DPython_EXECUTABLE``
    after the extra args when python was a host dependency; current probes for it at
    build time, before the extra args, and quotes the prefix."""
    script = PROBE.sub("", script).replace('PREFIX="$PREFIX"', "PREFIX=$PREFIX")
    script = script.replace('PREFIX="%LIBRARY_PREFIX%"', "PREFIX=%LIBRARY_PREFIX%")
    separator = " ^\n        " if "%CMAKE_ARGS%" in script else " \\\n        "
    head, _, rest = script.partition("    cmake ")
    # the configure command spans the continuation lines; cut it at the first line without one
    lines = rest.split("\n")
    n = next(i for i, line in enumerate(lines) if not line.endswith((" \\", " ^")))
    args = "\n".join(lines[: n + 1]).split(separator)
    args = [a for a in args if "PYTHON" not in a]
    return head + "    cmake " + separator.join(args) + "\n" + "\n".join(lines[n + 1 :])


@pytest.mark.parametrize("case_dir", cases(LEGACY), ids=lambda p: p.name)
def test_legacy_case_where_unchanged(case_dir: Path, tmp_path: Path) -> None:
    case, backend, expected_text, args = open_case(case_dir, tmp_path)
    if case["call"] == "render build script":
        windows = args["build_platform"] == "windows"
        script = build_script.render(args["source_dir"], args["extra_args"], windows=windows)
        assert without_python(script) == without_python(expected_text.rstrip("\n"))
        assert ("-DPython_EXECUTABLE" in expected_text) == bool(args.get("has_host_python"))
        return
    if case["call"] == "extract_input_globs_from_build":
        globs = backend.build_input_globs(backend.config_for("linux-64"), Path(""), False)
        # legacy's fallback misspelt `**/CMakeLists.txt` as `**/CMakeFiles.txt`
        legacy = {g.replace("CMakeFiles.txt", "CMakeLists.txt") for g in debug_list(expected_text)}
        assert globs == sorted(legacy)
        return
    expected = pyyaml.safe_load(expected_text)
    data = generate(backend, host_platform=args.get("host_platform", "linux-64")).recipe.to_data()
    if case["kind"] in ("script-env", "build-section"):
        script = expected.get("script", expected)
        assert data["build"]["script"].get("env", {}) == script["env"]
        assert data["build"]["script"].get("secrets", []) == (script.get("secrets") or [])
        if case["kind"] == "build-section":
            # legacy: only with python in host; current: always, behind the probe
            assert "-DPython_EXECUTABLE" in data["build"]["script"]["content"][0]
        return
    assert data["package"] == expected["package"]
    if case_dir.name == "cxx-is-not-added-if-gcc-is-already-present":
        # legacy skipped compiler('cxx') when gxx was a build dependency; current always adds it
        assert expected["requirements"]["build"] == ["gxx", "cmake", "ninja"]
        assert data["requirements"]["build"] == ["gxx", "${{ compiler('cxx') }}", "cmake", "ninja"]
        return
    for bucket in ("build", "host", "run"):
        assert data["requirements"].get(bucket, []) == (expected["requirements"][bucket] or []), bucket
