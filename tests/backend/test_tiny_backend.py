"""The ~30-line backend of ``tiny_backend.py`` serves upstream's ``shared`` conformance cases.

What the SDK promises a new backend, shown on one that has only config, generator,
script template and globs: a real ``conda/build_v1`` into a ``.conda`` whose files the
script wrote, the compiler templates, the ``env`` option, platform-dependent scripts
and the shared input globs.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
import yaml

from kiln.backend.globs import GENERATED_EXCLUDES
from kiln.conda.platforms import current_platform
from kiln.protocol import types as t
from tests.backend.tiny_backend import TinyBackend
from tests.helpers import extract, read_index
from tests.upstream_cases import cases, snapshot_body

CASES = {c.id: c for c in cases("current", "shared")}
SOURCE = Path(__file__)


def test_the_backend_is_small() -> None:
    code = [line for line in (SOURCE.parent / "tiny_backend.py").read_text().splitlines() if line.strip()]
    assert len(code) <= 35, f"tiny_backend.py grew to {len(code)} non-blank lines"


def _backend(tmp_path: Path, model: t.ProjectModel, config: dict | None = None) -> TinyBackend:
    manifest = tmp_path / "pkg" / "pixi.toml"
    manifest.parent.mkdir(exist_ok=True)
    return TinyBackend(t.InitializeParams(manifest_path=str(manifest), project_model=model, configuration=config))


def test_conda_build_v1_minimal(tmp_path: Path) -> None:
    case = CASES["shared/conda-build-v1-minimal"]
    model = msgspec.convert(case.json_input("files/minimal_project_model.json"), t.ProjectModel)
    backend = _backend(tmp_path, model, case.json_input("config.json"))  # `debug-dir`: deprecated, ignored
    channel = tmp_path / "channel"  # an empty local channel stands in for conda-forge (offline)
    (channel / "noarch").mkdir(parents=True)
    result = backend.conda_build_v1(
        t.CondaBuildV1Params(
            output=t.CondaBuildV1Output(name="minimal-package", subdir=current_platform()),
            work_directory=str(tmp_path / "work"),
            channels=[str(channel)],
        )
    )
    expected = yaml.safe_load(snapshot_body(case.expected_text))
    got = msgspec.to_builtins(result)
    for key in ("output_file", "build", "subdir"):
        got[key] = expected[key] = "[redacted]"
    assert got == expected  # input_globs == []: no compilers, no extra globs
    archive = Path(result.output_file)
    assert read_index(archive)["name"] == "minimal-package"
    files = extract(archive, tmp_path / "unpacked")
    assert (files / "share" / "minimal-package" / "VERSION").read_text().strip() == "1.0.0"


@pytest.mark.parametrize("language", ["c", "cxx", "fortran", "python", "rust"])
def test_compiler_template(language: str, tmp_path: Path) -> None:
    case = CASES[f"shared/compiler-template-{language}"]
    backend = _backend(tmp_path, t.ProjectModel(name="x", version="1"), {"compilers": [case.meta["args"]["language"]]})
    recipe = yaml.safe_load(backend.render_recipe("linux-64", "linux-64"))
    assert recipe["requirements"]["build"] == [yaml.safe_load(snapshot_body(case.expected_text))]


def test_env_option_and_script_follow_the_build_platform(tmp_path: Path) -> None:
    backend = _backend(tmp_path, t.ProjectModel(name="x", version="1"), {"env": {"FOO": "bar"}})
    unix = yaml.safe_load(backend.render_recipe("win-64", "linux-64"))["build"]["script"]
    win = yaml.safe_load(backend.render_recipe("linux-64", "win-64"))["build"]["script"]
    assert unix["env"] == win["env"] == {"FOO": "bar"}
    assert "$PREFIX/share/x" in unix["content"][0] and "%PREFIX%\\share\\x" in win["content"][0]


def test_build_input_globs_are_the_shared_lists(tmp_path: Path) -> None:
    backend = _backend(tmp_path, t.ProjectModel(name="x", version="1"),
                       {"compilers": ["c"], "extra-input-globs": ["data/**"]})  # fmt: skip
    globs = backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False)
    assert globs == ["**/*.{c,h}", "data/**", *GENERATED_EXCLUDES]
