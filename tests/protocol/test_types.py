"""Wire types: every genuine v7 payload decodes, and what we encode is what pixi sends."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
import yaml

from kiln.protocol import types as t
from tests.upstream_cases import strip_empty

PROTOCOL = Path(__file__).parents[1] / "data" / "upstream" / "protocol"
V7_FILES = sorted(p for d in ("pixi-2026-08", "pixi-2026-08-more") for p in (PROTOCOL / d).iterdir())


def _roundtrip(raw, type_):
    value = t.convert(raw, type_)
    return value, json.loads(t.encode(value))


@pytest.mark.parametrize("path", [p for p in V7_FILES if p.name.startswith("project_model__")], ids=lambda p: p.name)
def test_project_model_fixture_roundtrips_exactly(path: Path):
    raw = json.loads(path.read_text())
    _, back = _roundtrip(raw, t.ProjectModel)
    assert back == raw  # same keys, same nulls, same order of maps


@pytest.mark.parametrize("path", [p for p in V7_FILES if p.name.startswith("conda_outputs_result__")], ids=lambda p: p.name)
def test_conda_outputs_fixture_roundtrips(path: Path):
    # the snapshots had null/[]/{} stripped upstream; what we encode is complete,
    # and equal to the snapshot once stripped the same way
    raw = json.loads(path.read_text())
    value, back = _roundtrip(raw, t.CondaOutputsResult)
    assert strip_empty(back) == raw
    for output in back["outputs"]:
        assert set(output["runExports"]) == {"weak", "strong", "noarch", "weakConstrains", "strongConstrains"}
        assert set(output["ignoreRunExports"]) == {"byName", "fromPackage"}
        assert "depends" in output["runDependencies"] and "constraints" in output["runDependencies"]
    assert value.input_globs == raw["inputGlobs"]


@pytest.mark.parametrize("path", [p for p in V7_FILES if p.name.startswith("discovery__")], ids=lambda p: p.name)
def test_discovery_snapshot_project_model_is_wire_format(path: Path):
    snap = yaml.safe_load(path.read_text())
    model = snap["init-params"]["project-model"]
    if model is None:
        return  # recipe.yaml discovery: initialize.projectModel is null
    value, back = _roundtrip(model, t.ProjectModel)
    assert back == model


def test_pin_subpackage_output_carries_a_v7_source_spec():
    raw = json.loads((PROTOCOL / "pixi-2026-08-more" / "conda_outputs_result__pin-subpackage.json").read_text())
    result = t.convert(raw, t.CondaOutputsResult)
    dep = result.outputs[1].run_dependencies.depends[0]
    assert dep.name == "my-package"
    assert isinstance(dep.source.location, t.PathLocation) and dep.source.location.path == "."
    assert (dep.source.version, dep.source.build) == ("==0.1.0", "h4616a5c_0")


def test_bare_named_spec_means_any_version():
    spec = t.convert({"name": "python"}, t.NamedSpec)
    assert spec.spec.kind == "binary" and spec.spec.binary.version is None


def test_binary_spec_is_written_with_every_key():
    encoded = json.loads(t.encode(t.PackageSpec(binary=t.BinaryPackageSpec(version="*"))))
    assert encoded == {
        "binary": {
            "version": "*", "build": None, "buildNumber": None, "fileName": None, "extras": None, "flags": None,
            "channel": None, "subdir": None, "md5": None, "sha256": None, "url": None, "license": None,
            "condition": None,
        }
    }  # fmt: skip


def test_source_spec_omits_extras_flags_condition_when_absent():
    spec = t.SourcePackageSpec(path=t.PathLocation(path="packages/cpp_math"))
    assert json.loads(t.encode(spec)) == {
        "path": {"path": "packages/cpp_math"},
        "version": None,
        "build": None,
        "buildNumber": None,
        "subdir": None,
        "license": None,
    }


def test_git_reference_forms():
    for rev in ({"branch": "main"}, {"tag": "v1"}, {"rev": "abc"}, "defaultBranch"):
        loc = t.convert({"git": "https://example.com/r.git", "rev": rev, "subdirectory": None}, t.GitLocation)
        assert json.loads(t.encode(loc))["rev"] == rev
    with pytest.raises(msgspec.ValidationError):
        t.convert({"git": "x", "rev": {"branch": "a", "tag": "b"}}, t.GitLocation)


def test_package_spec_needs_exactly_one_kind():
    with pytest.raises(msgspec.ValidationError):
        t.convert({}, t.PackageSpec)
    with pytest.raises(msgspec.ValidationError):
        t.convert({"binary": {}, "pinCompatible": {}}, t.PackageSpec)


def test_pin_specs_and_bounds():
    spec = t.convert({"pinSubpackage": {"upperBound": {"expression": "x.x"}}}, t.PackageSpec)
    assert spec.kind == "pin_subpackage" and spec.pin_subpackage.upper_bound.expression == "x.x"
    assert json.loads(t.encode(spec)) == {"pinSubpackage": {"upperBound": {"expression": "x.x"}}}
    with pytest.raises(msgspec.ValidationError):
        t.convert({"pinCompatible": {"lowerBound": {"expression": "1.x"}}}, t.PackageSpec)


def test_condition_is_externally_tagged_and_recursive():
    raw = {"And": [{"MatchSpec": {"name": "python", "version": ">=3.10"}}, {"Or": [{"MatchSpec": {"name": "a"}}, {"MatchSpec": {"name": "b"}}]}]}
    cond = t.convert(raw, t.MatchSpecCondition)
    assert json.loads(t.encode(cond)) == raw
    assert cond.to_expression() == "python >=3.10 and (a or b)"


def test_run_exports_spellings_differ_between_model_and_outputs():
    model_exports = json.loads(t.encode(t.RunExports(weak_constraints={}, strong_constraints={})))
    assert set(model_exports) == {"weakConstraints", "strongConstraints"}
    output_exports = json.loads(t.encode(t.CondaOutputRunExports()))
    assert {"weakConstrains", "strongConstrains"} <= set(output_exports)


def test_build_v1_result_is_snake_case():
    result = t.CondaBuildV1Result(output_file="/x.conda", input_globs=["a"], name="n", version="1", build="b", subdir="noarch")
    assert json.loads(t.encode(result)) == {
        "output_file": "/x.conda", "input_globs": ["a"], "name": "n", "version": "1", "build": "b", "subdir": "noarch",
    }  # fmt: skip


def test_initialize_params_camel_case_and_unknown_keys_ignored():
    raw = {
        "manifestPath": "/ws/pkg/pixi.toml",
        "sourceDirectory": "/ws/pkg",
        "workspaceDirectory": "/ws",
        "cacheDirectory": "/cache",
        "workspaceScratchDirectory": "/ws/.pixi/scratch-v0",
        "projectModel": {"name": "pkg", "version": "0.1.0", "targets": {"defaultTarget": {}}},
        "configuration": {"extra-args": ["-x"]},
        "targetConfiguration": {"linux-64": {"env": {"A": "1"}}},
        "someFutureKey": True,
    }
    params = t.convert(raw, t.InitializeParams)
    assert params.checkout_root is t.UNSET
    assert params.configuration == {"extra-args": ["-x"]}  # kebab-case kept
    assert "checkoutRoot" not in json.loads(t.encode(params))


def test_build_v1_params_decode_records_and_run_export_sources():
    raw = {
        "output": {"name": "pkg", "version": "0.1.0", "build": "h1_0", "subdir": "linux-64", "variant": {"target_platform": "linux-64", "flag": True, "n": 3}},
        "workDirectory": "/w",
        "channels": ["https://prefix.dev/conda-forge"],
        "buildPrefix": {"prefix": "/w/bld", "platform": "linux-64", "packages": [{"name": "gcc", "version": "12", "build": "0", "fn": "gcc.conda", "url": "file:///c/gcc.conda", "channel": None}]},
        "hostPrefix": None,
        "runDependencies": [
            {"spec": {"name": "python", "version": ">=3.8"}, "source": None},
            {"spec": {"name": "libzlib"}, "source": {"type": "runExport", "from": "host", "runExport": "zlib"}},
            {"spec": {"name": "weird"}, "source": {"type": "somethingNew"}},
        ],
        "runConstraints": [],
        "runExports": {"weak": [], "strong": [], "noarch": [], "weakConstrains": [], "strongConstrains": []},
        "extraDependencies": {},
        "outputDirectory": None,
        "editable": False,
        "packageFormat": {"archiveType": "conda", "compressionLevel": 5},
    }  # fmt: skip
    params = t.convert(raw, t.CondaBuildV1Params)
    assert params.output.variant == {"target_platform": "linux-64", "flag": True, "n": 3}
    assert params.build_prefix.packages[0]["fn"] == "gcc.conda"
    sources = [d.run_export_source for d in params.run_dependencies]
    assert sources[0] is None and sources[2] is None
    assert (sources[1].from_, sources[1].run_export) == ("host", "zlib")
    assert params.run_dependencies[0].spec.to_string() == "python >=3.8"
    assert params.package_format.compression_level == 5


@pytest.mark.parametrize("value,expected", [(False, None), (None, None), ("", None), (True, "generic"), ("python", "python"), ("generic", "generic")])
def test_noarch_spellings(value, expected):
    assert t.normalize_noarch(value) == expected


def test_wrong_types_are_validation_errors():
    with pytest.raises(msgspec.ValidationError, match="manifestPath"):
        t.convert({"manifestPath": 3}, t.InitializeParams)
    with pytest.raises(msgspec.ValidationError):
        t.convert({"hostPlatform": "linux-64"}, t.CondaOutputsParams)
