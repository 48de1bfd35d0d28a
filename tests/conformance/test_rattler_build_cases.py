"""Upstream conformance: pixi-build-rattler-build (current/rattler-build + its assertions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiln.backend.globs import relative_glob
from kiln.backends.rattler_build.backend import RattlerBuildBackend, RattlerBuildConfig, create, find_recipe
from kiln.errors import ConfigurationError, KilnError
from kiln.protocol import types as t
from tests.upstream_cases import assertions, cases, strip_empty

CASES = cases("current", "rattler-build")


def _backend(manifest: Path, model=None, configuration=None, target_configuration=None) -> RattlerBuildBackend:
    root = manifest if manifest.is_dir() else manifest.parent
    return create(
        t.InitializeParams(
            manifest_path=str(manifest),
            source_directory=str(root),
            workspace_directory=str(root),
            project_model=model,
            configuration=configuration,
            target_configuration=target_configuration,
        )
    )


def _outputs(backend, tmp_path, *, files=None, configuration=None, platform="linux-64"):
    return backend.conda_outputs(
        t.CondaOutputsParams(
            host_platform=platform,
            build_platform=platform,
            work_directory=str(tmp_path / "work"),
            variant_files=files,
            variant_configuration=configuration,
        )
    )


def test_every_current_case_is_here():
    assert len(CASES) == 5


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_conda_outputs_case(case, tmp_path):
    manifest = Path(case.meta["args"]["manifest_path"].replace("<case>", str(case.directory)))
    result = _outputs(_backend(manifest), tmp_path, platform=case.meta["args"]["host_platform"])
    assert strip_empty(json.loads(t.encode(result))) == case.expected()


# -- assertions/rattler-build.yaml ------------------------------------------------

ASSERTIONS = {a["id"]: a for a in assertions("current", "rattler-build")}

FOOBAR = """\
package:
  name: foobar
  version: 0.1.0
build:
  number: 0
requirements:
  host:
    - python
    - numpy
"""


@pytest.fixture
def foobar(tmp_path) -> Path:
    d = tmp_path / "foobar"
    d.mkdir()
    (d / "recipe.yaml").write_text(FOOBAR)
    return d / "recipe.yaml"


def test_variant_file_param(foobar, tmp_path):
    files = tmp_path / "global-variants.yaml"
    files.write_text('python: ["3.9"]\n')
    (out,) = _outputs(_backend(foobar), tmp_path, files=[str(files)]).outputs
    assert out.metadata.variant["python"] == "3.9"


def test_variant_configuration_param(foobar, tmp_path):
    (out,) = _outputs(_backend(foobar), tmp_path, configuration={"python": ["3.11"]}).outputs
    assert out.metadata.variant["python"] == "3.11"
    assert out.metadata.variant["target_platform"] == "linux-64"


def test_configuration_beats_files(foobar, tmp_path):
    files = tmp_path / "v.yaml"
    files.write_text('python: ["3.8"]\nnumpy: ["1.22"]\n')
    (out,) = _outputs(_backend(foobar), tmp_path, files=[str(files)], configuration={"python": ["3.10"]}).outputs
    assert (out.metadata.variant["python"], out.metadata.variant["numpy"]) == ("3.10", "1.22")


def test_files_beat_auto_discovered(foobar, tmp_path):
    (foobar.parent / "variants.yaml").write_text('python: ["3.8"]\nnumpy: ["1.22"]\n')
    files = tmp_path / "v.yaml"
    files.write_text('python: ["3.10"]\n')
    (out,) = _outputs(_backend(foobar), tmp_path, files=[str(files)]).outputs
    assert (out.metadata.variant["python"], out.metadata.variant["numpy"]) == ("3.10", "1.22")
    host = {d.name: d.binary.version for d in out.host_dependencies.depends}
    assert host == {"python": "3.10.*", "numpy": "1.22.*"}


def test_run_exports_rejected(foobar):
    model = t.convert(
        ASSERTIONS["rattler-build/run-exports-rejected"]["model"], t.ProjectModel
    )
    with pytest.raises(KilnError, match="run-exports"):
        _backend(foobar, model=model)


def test_binary_dependencies_rejected_source_dependencies_used(foobar, tmp_path):
    binary = t.convert({"targets": {"defaultTarget": {"hostDependencies": {"numpy": {"binary": {"version": "*"}}}}}}, t.ProjectModel)
    with pytest.raises(KilnError, match="Binary dependency 'numpy' is not allowed"):
        _backend(foobar, model=binary)
    pin = t.convert({"targets": {"defaultTarget": {"runDependencies": {"numpy": {"pinCompatible": {}}}}}}, t.ProjectModel)
    with pytest.raises(KilnError, match="pin"):
        _backend(foobar, model=pin)
    source = t.convert(
        {"targets": {"defaultTarget": {"hostDependencies": {"numpy": {"source": {"path": {"path": "../numpy"}}}}}}},
        t.ProjectModel,
    )
    (out,) = _outputs(_backend(foobar, model=source), tmp_path).outputs
    numpy = next(d for d in out.host_dependencies.depends if d.name == "numpy")
    assert numpy.source.location.path == "../numpy"


def test_recipe_discovery(tmp_path):
    d = tmp_path / "pkg"
    d.mkdir()
    (d / "pixi.toml").write_text("")
    for candidate in ("recipe.yaml", "recipe.yml", "recipe/recipe.yaml", "recipe/recipe.yml"):
        shutil.rmtree(d / "recipe", ignore_errors=True)
        for f in d.glob("recipe.y*ml"):
            f.unlink()
        target = d / candidate
        target.parent.mkdir(exist_ok=True)
        target.write_text(FOOBAR)
        assert find_recipe(d / "pixi.toml", d, None) == str(target)
        assert find_recipe(target, d, None) == str(target)  # the manifest is the recipe itself
    (d / "custom.yaml").write_text(FOOBAR)
    assert find_recipe(d / "pixi.toml", d, "custom.yaml") == str((d / "custom.yaml").resolve())
    with pytest.raises(ConfigurationError, match="does not exist"):
        find_recipe(d / "pixi.toml", d, "nope.yaml")


@pytest.mark.parametrize("case", ASSERTIONS["rattler-build/relative-glob"]["expect"][:4], ids=lambda c: c["input"])
def test_relative_glob(case):
    assert relative_glob(case["base"], case["input"]) == case["glob"]


def test_relative_glob_directories_get_double_star(tmp_path):
    (tmp_path / "sub").mkdir()
    assert relative_glob(tmp_path, tmp_path) == "**"
    assert relative_glob(tmp_path, tmp_path / "sub") == "sub/**"


def test_metadata_input_globs(tmp_path):
    root = tmp_path / "foo"
    (root / "bar").mkdir(parents=True)
    (root / "bar" / "recipe.yaml").write_text(FOOBAR)
    (root / "custom").mkdir()
    (root / "custom" / "my_recipe.yaml").write_text(FOOBAR)
    (root / "recipe.yml").write_text(FOOBAR)
    assert _backend(root / "bar" / "recipe.yaml").metadata_input_globs() == ["variants.yaml", "recipe.yaml"]
    assert _backend(root / "recipe.yml").metadata_input_globs() == ["variants.yaml", "recipe.yml"]
    # recipe below the manifest: candidates next to the recipe and in the source dir
    backend = _backend(root, configuration={"recipe": "custom/my_recipe.yaml"})
    assert backend.metadata_input_globs() == ["custom/variants.yaml", "variants.yaml", "custom/my_recipe.yaml"]


def test_build_input_globs(tmp_path):
    root = tmp_path / "root"
    (root / "pkg" / "dir").mkdir(parents=True)
    (root / "pkg" / "file.txt").write_text("x")
    (root / "recipe.yaml").write_text(FOOBAR)
    backend = _backend(root / "recipe.yaml")
    config = RattlerBuildConfig()
    assert backend.build_input_globs({}, config) == ["**"]
    sources = {"source": [{"path": "pkg/file.txt"}, {"path": "pkg/dir"}, {"url": "https://x/y.tar.gz"}]}
    assert backend.build_input_globs(sources, config) == ["**", "pkg/file.txt", "pkg/dir/**"]
    extra = RattlerBuildConfig(extra_input_globs=["custom/*.txt", "extra/**/*.py"])
    assert backend.build_input_globs({}, extra) == ["**", "custom/*.txt", "extra/**/*.py"]
    custom = root / "custom"
    custom.mkdir()
    (custom / "my_recipe.yaml").write_text(FOOBAR)
    backend = _backend(root, configuration={"recipe": "custom/my_recipe.yaml"})
    assert backend.build_input_globs({}, config) == ["custom/**"]
    outside = tmp_path / "pkgsrc"
    outside.mkdir()
    src = tmp_path / "source"
    src.mkdir()
    (src / "recipe.yaml").write_text(FOOBAR)
    backend = _backend(src / "recipe.yaml")
    assert backend.build_input_globs({"source": [{"path": str(outside)}]}, config) == ["**", "../pkgsrc/**"]


def test_config_merge_rules(foobar):
    with pytest.raises(ConfigurationError, match="experimental"):
        _backend(foobar, target_configuration={"linux-64": {"experimental": True}})
    with pytest.raises(ConfigurationError, match="recipe"):
        _backend(foobar, target_configuration={"unix": {"recipe": "other.yaml"}})
    base = RattlerBuildConfig(extra_input_globs=["a"])
    assert base.merge(RattlerBuildConfig(extra_input_globs=["b"])).extra_input_globs == ["b"]
    assert base.merge(RattlerBuildConfig()).extra_input_globs == ["a"]


def test_unknown_config_key_suggests_the_nearest(foobar):
    with pytest.raises(ConfigurationError) as info:
        _backend(foobar, configuration={"extra-input-glob": ["x"]})
    assert "extra-input-glob" in str(info.value) and "did you mean `extra-input-globs`" in str(info.value)


def test_build_string_prefix_and_number_from_the_model(foobar, tmp_path):
    model = t.ProjectModel(build_string_prefix="mypfx", build_number=42)
    (plain,) = _outputs(_backend(foobar), tmp_path).outputs
    (out,) = _outputs(_backend(foobar, model=model), tmp_path).outputs
    assert out.metadata.build == f"mypfx_{plain.metadata.build[:-2]}_42"
    assert out.metadata.build_number == 42
