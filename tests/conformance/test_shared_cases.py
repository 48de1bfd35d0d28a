"""Upstream conformance: the shared backend machinery (current/shared + assertions/shared.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
import yaml

from kiln.backend.compilers import compiler_requirement, default_compiler, default_variants
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.specs import SpecConversionError, binary_item
from kiln.conda.platforms import current_platform
from kiln.protocol import types as t
from tests.helpers import read_index
from tests.upstream_cases import assertions, cases, snapshot_body

CASES = {c.id: c for c in cases("current", "shared")}
ASSERTIONS = {a["id"]: a for a in assertions("current", "shared")}


@pytest.mark.parametrize("language", ["c", "cxx", "fortran", "python", "rust"])
def test_compiler_template(language):
    case = CASES[f"shared/compiler-template-{language}"]
    assert compiler_requirement(case.meta["args"]["language"]) == yaml.safe_load(snapshot_body(case.expected_text))


class StubConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True):
    def merge(self, target):
        return self


class StubBackend(GeneratingBackend):
    """Upstream's test generator: the recipe from the model alone."""

    config_type = StubConfig

    def generate_recipe(self, config, *, host_platform, build_platform, variant_keys, editable, channels):
        return GeneratedRecipe.from_model(self.model)


def test_conda_build_v1_minimal(tmp_path):
    case = CASES["shared/conda-build-v1-minimal"]
    # the test-only model uses snake_case keys, which the camelCase wire model ignores:
    # only name and version survive, exactly as upstream
    raw_model = case.json_input("files/minimal_project_model.json")
    model = msgspec.convert(raw_model, t.ProjectModel)
    assert model.targets.default_target is None and (model.name, model.version) == ("minimal-package", "1.0.0")
    config = case.json_input("config.json")
    assert config == {"debug-dir": "some_debug_dir"}  # deprecated: accepted and ignored
    manifest = tmp_path / "pkg" / "pixi.toml"
    manifest.parent.mkdir()
    backend = StubBackend(t.InitializeParams(manifest_path=str(manifest), project_model=model, configuration=config))
    # upstream builds against conda-forge; nothing here needs a package, so an
    # empty local channel stands in for it (no network in tests)
    channel = tmp_path / "channel"
    (channel / "noarch").mkdir(parents=True)
    work = tmp_path / "work"
    result = backend.conda_build_v1(
        t.CondaBuildV1Params(
            output=t.CondaBuildV1Output(name="minimal-package", subdir=current_platform()),
            work_directory=str(work),
            channels=[str(channel)],
        )
    )
    expected = yaml.safe_load(snapshot_body(case.expected_text))
    got = msgspec.to_builtins(result)
    for key in ("output_file", "build", "subdir"):
        got[key] = expected[key] = "[redacted]"
    assert got == expected
    assert (work / "debug" / "recipe.yaml").exists()
    index = read_index(Path(result.output_file))
    assert (index["name"], index["version"], index["build_string"]) == ("minimal-package", "1.0.0", result.build)


# -- assertions/shared.yaml ---------------------------------------------------------


def _recipe(model_data) -> dict:
    if "targets" not in model_data and "name" not in model_data:
        model_data = {"targets": model_data}
    model = msgspec.convert({"name": "x", "version": "1", **model_data}, t.ProjectModel)
    return GeneratedRecipe.from_model(model).recipe


def _lookup(data, dotted):
    for part in dotted.split("."):
        data = data.get(part, {}) if isinstance(data, dict) else {}
    return data if data != {} else []


@pytest.mark.parametrize(
    "aid",
    ["shared/binary-spec-version", "shared/binary-spec-star-is-bare-name", "shared/binary-spec-star-with-build",
     "shared/binary-spec-no-version-with-build"],
)  # fmt: skip
def test_binary_spec_rendering(aid):
    a = ASSERTIONS[aid]
    spec = msgspec.convert(a["input"]["binary"], t.BinaryPackageSpec)
    assert binary_item(a["input"]["name"], spec) == a["expect"]["match_spec"]


REQUIREMENT_CASES = [
    "shared/pin-compatible-run-export",
    "shared/pin-subpackage-exact-run",
    "shared/pin-build-matcher-escaped",
    "shared/pin-in-strong-constraints",
    "shared/extras-default-target",
    "shared/build-flags",
    "shared/conditional-expression-passthrough",
    "shared/conditional-run-exports",
    "shared/run-constraints",
]


@pytest.mark.parametrize("aid", REQUIREMENT_CASES)
def test_requirement_assertions(aid):
    a = ASSERTIONS[aid]
    recipe = _recipe(a["input"])
    data = recipe.to_data()
    for key, expected in a["expect"].items():
        if key == "repodata_revision":
            assert recipe.uses_v3_features() == (expected == "v3")
        else:
            assert _lookup(data, key) == expected, key


def test_extras_conditional_target():
    a = ASSERTIONS["shared/extras-conditional-target"]
    recipe = _recipe(a["input"])
    assert recipe.to_data()["requirements"]["extras"]["test"][0] == a["expect"]["first item of requirements.extras.test"]
    assert recipe.uses_v3_features()


def test_no_v3_features():
    assert not _recipe(ASSERTIONS["shared/no-v3-features"]["input"]).uses_v3_features()


@pytest.mark.parametrize("aid", ["shared/pin-exact-plus-build-is-error", "shared/pin-in-build-dependencies-is-error"])
def test_pin_errors(aid):
    a = ASSERTIONS[aid]
    with pytest.raises(SpecConversionError, match=a["expect"]["error_contains"]):
        _recipe(a["input"])


def test_invalid_expression_is_an_error_not_a_crash():
    with pytest.raises(SpecConversionError, match="invalid selector expression"):
        _recipe(ASSERTIONS["shared/invalid-expression"]["input"])


def test_default_compiler_names():
    expect = ASSERTIONS["shared/default-compiler-names"]["expect"]
    platforms = {"linux": "linux-64", "osx": "osx-arm64", "win": "win-64", "emscripten-wasm32": "emscripten-wasm32"}
    for lang in ("c", "cxx"):
        for fam, platform in platforms.items():
            assert default_compiler(platform, lang) == expect[lang][fam]
    assert default_compiler("linux-64", "fortran") == expect["fortran"]
    assert default_compiler("osx-64", "cuda") == "cuda-nvcc"
    assert default_compiler("linux-64", "rust") == "rust"


def test_default_compiler_variants():
    expect = ASSERTIONS["shared/default-compiler-variants"]["expect"]
    for platform, variants in expect.items():
        assert default_variants(platform) == variants


def test_project_model_json_written_by_upstream_test_shape_is_ignored_not_fatal():
    # `project_model_example.json` mixes wire and snake_case keys; decoding keeps what it knows
    raw = json.loads((Path(__file__).parents[1] / "data/upstream/protocol/backends-2025-12/project_model_example.json").read_text())
    model = msgspec.convert(raw, t.ProjectModel)
    assert model.license_file is None
