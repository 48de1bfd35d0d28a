"""Reading good manifests: workspaces, inheritance, the build section, pyproject.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiln.errors import ManifestError
from kiln.frontend.manifest.package import load_package_manifest, load_workspace
from kiln.protocol import types as t
from kiln.protocol.types import encode
from tests.conftest import PROJECTS

MANIFESTS = PROJECTS / "manifests"


def model_json(package) -> dict:
    return json.loads(encode(package.project_model))


def write(directory: Path, text: str, name: str = "pixi.toml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory / name


WORKSPACE = """\
[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]
"""
PACKAGE = '[package]\nname = "x"\n[package.build]\nbackend = { name = "b" }\n'


def package_with(directory: Path, tables: str):
    """Load a one-package workspace whose [package] is named `x`, built by backend `b`, plus ``tables``."""
    write(directory, WORKSPACE + PACKAGE + tables)
    package = load_package_manifest(directory)
    assert package is not None
    return package


def test_full_package_build_section() -> None:
    package = load_package_manifest(MANIFESTS / "full-package" / "pixi.toml")
    assert package is not None
    # backend from the pool entry, layered with `workspace = true`
    assert package.backend_name == "pixi-build-python"
    assert package.backend.version == "0.4.*"
    assert package.backend.spec.channel == "https://prefix.dev/pixi-build-backends"
    assert package.backend.channels == []
    # config as JSON with keys unchanged (and sorted, like pixi), target config keyed by selector
    assert package.configuration == {"extra-args": ["-v"], "noarch": False}
    assert list(package.configuration) == ["extra-args", "noarch"]
    assert package.target_configuration == {"macos": {"extra-args": ["-DOSX"]}, "linux-64": {"extra-args": ["-DLINUX"]}}
    assert package.source_dir == MANIFESTS / "full-package" / "src"
    assert package.build_source is None
    assert [(bucket, name) for bucket, name, _ in package.source_dependencies()] == [
        ("host", "shared"),
        ("run", "sibling"),
        ("run", "vendored"),
    ]


def test_full_package_workspace() -> None:
    workspace = load_workspace(MANIFESTS / "full-package")
    # priority 10 sorts first; names resolve against the default channel alias
    assert workspace.channels == ["https://prefix.dev/pixi-build-backends", "https://conda.anaconda.org/conda-forge"]
    assert workspace.platforms == ["linux-64", "osx-arm64"]  # the rich `gpu` entry is linux-64 too
    assert workspace.preview == ["pixi-build"]
    assert workspace.variants_for("linux-64") == {"c_compiler_version": ["13"], "python": ["3.11.*", "3.12.*"]}
    assert workspace.variants_for("osx-arm64") == {"python": ["3.11.*", "3.12.*"]}
    assert workspace.name == "full-workspace"


def test_member_package_inherits_from_enclosing_workspace() -> None:
    package = load_package_manifest(MANIFESTS / "workspace-members" / "packages" / "app")
    assert package is not None
    root = MANIFESTS / "workspace-members"
    assert package.workspace.root == root
    assert package.workspace.manifest_path == root / "pixi.toml"
    model = model_json(package)
    assert (model["version"], model["license"]) == ("1.2.3", "BSD-3-Clause")
    assert model["licenseFile"] == "../../LICENSE"  # the workspace's file, relative to the package
    host = model["targets"]["defaultTarget"]["hostDependencies"]
    # pool paths are relative to the workspace; members see them from their own directory
    assert host["shared"]["source"]["path"] == {"path": "../../libs/shared"}
    assert host["zlib"]["binary"]["channel"] == "https://conda.anaconda.org/conda-forge"
    assert (host["libpng"]["binary"]["version"], host["libpng"]["binary"]["build"]) == ("1.6.*", "h*")
    assert package.backend.version == "0.3.*"


def test_load_workspace_from_a_directory_inside_it() -> None:
    workspace = load_workspace(MANIFESTS / "workspace-members" / "libs" / "shared")
    assert workspace.name == "monorepo"
    assert workspace.license_file == MANIFESTS / "workspace-members" / "LICENSE"
    assert set(workspace.dependencies) == {"pixi-build-cmake", "shared", "zlib", "libpng"}


def test_pyproject_package_takes_project_metadata() -> None:
    package = load_package_manifest(MANIFESTS / "pyproject-package")
    assert package is not None
    model = model_json(package)
    assert model["name"] == "pyproject-package"
    assert model["version"] == "1.0.0rc1"
    assert model["description"] == "From the [project] table"
    assert model["authors"] == ["Ada <ada@example.org>", "Bob"]
    assert package.workspace.name == "pyproject-package"
    assert package.manifest_path.name == "pyproject.toml"


def test_pyproject_without_tool_pixi_is_no_package(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "plain"\n', "pyproject.toml")
    assert load_package_manifest(tmp_path) is None


def test_workspace_without_package_is_none(tmp_path: Path) -> None:
    write(tmp_path, WORKSPACE)
    assert load_package_manifest(tmp_path / "pixi.toml") is None
    assert load_workspace(tmp_path).platforms == ["linux-64"]


def test_legacy_project_table() -> None:
    package = load_package_manifest(MANIFESTS / "legacy-project-table")
    assert package is not None
    assert package.workspace.preview == ["*"]  # `preview = true`
    assert package.backend.version is None  # no version: any
    assert package.workspace.name == "legacy"


def test_discovery_inherit_nested() -> None:
    """pixi's discovery case `inherit/nested`: name and version from the workspace above."""
    package = load_package_manifest(MANIFESTS / "discovery-inherit" / "nested")
    assert package is not None
    assert (package.name, package.version) == ("simple", "0.1.0")
    assert package.backend_name == "pixi_build_backend"
    assert package.workspace.channels == ["https://prefix.dev/pixi-build-backends"]


def test_multiline_inline_tables_are_toml_1_1(tmp_path: Path) -> None:
    """pixi reads TOML 1.1: inline tables may span lines and end with a comma."""
    write(
        tmp_path,
        WORKSPACE + '[package]\nname = "x"\n\n[package.build]\nbackend = {\n  name = "pixi-build-python",\n'
        '  version = "*",\n}\n\n[package.run-dependencies]\nrich = {\n  versio = "1",\n}\n',
    )
    with pytest.raises(ManifestError) as raised:
        load_package_manifest(tmp_path)
    assert raised.value.line == 16
    assert raised.value.key == "package.run-dependencies.rich.versio"


def test_build_source_git(tmp_path: Path) -> None:
    write(
        tmp_path,
        WORKSPACE + '[package]\nname = "x"\n[package.build]\nbackend = { name = "pixi-build-cmake" }\n'
        'source = { git = "https://github.com/example/x.git", rev = "abc123", subdirectory = "src" }\n',
    )
    package = load_package_manifest(tmp_path)
    assert package is not None
    assert package.source_dir == tmp_path
    assert package.build_source == t.SourcePackageSpec(
        git=t.GitLocation(git="https://github.com/example/x.git", rev=t.GitReferenceObject(rev="abc123"), subdirectory="src")
    )


def test_license_file_ignored_for_a_remote_build_source(tmp_path: Path) -> None:
    """As pixi: with a git/url source the file lives in the checkout, so the model carries none."""
    write(
        tmp_path,
        WORKSPACE + '[package]\nname = "x"\nlicense-file = "LICENSE"\n[package.build]\n'
        'backend = { name = "pixi-build-cmake" }\nsource = { url = "https://example.org/x-1.0.tar.gz" }\n',
    )
    package = load_package_manifest(tmp_path)
    assert package is not None
    assert package.project_model.license_file is None
    assert package.build_source is not None and package.build_source.url.url == "https://example.org/x-1.0.tar.gz"


def test_backend_channels_and_additional_dependencies(tmp_path: Path) -> None:
    write(
        tmp_path,
        WORKSPACE + '[package]\nname = "x"\n[package.build.backend]\nname = "Pixi-Build-Python"\nversion = "0.4"\n'
        'channels = ["https://prefix.dev/pixi-build-backends/", "conda-forge", "./local-channel"]\n'
        '[package.build.backend.additional-dependencies]\nuv = "0.9.*"\n',
    )
    package = load_package_manifest(tmp_path)
    assert package is not None
    assert package.backend_name == "pixi-build-python"  # normalized
    assert package.backend.version == "==0.4"  # rattler's spelling of a bare version
    assert package.backend.channels == [
        "https://prefix.dev/pixi-build-backends",
        "https://conda.anaconda.org/conda-forge",
        str(tmp_path / "local-channel"),
    ]
    assert package.backend.additional_dependencies == {"uv": t.PackageSpec(binary=t.BinaryPackageSpec(version="0.9.*"))}


def test_channel_alias_is_configurable(tmp_path: Path) -> None:
    """pixi's own tests use the alias http://prefix.dev; the default is conda.anaconda.org."""
    write(tmp_path, WORKSPACE + PACKAGE + '[package.host-dependencies]\nzlib = { version = "*", channel = "conda-forge" }\n')
    package = load_package_manifest(tmp_path, channel_alias="http://prefix.dev")
    assert package is not None
    assert package.project_model.targets.default_target.host_dependencies["zlib"].binary.channel == (
        "http://prefix.dev/conda-forge"
    )
    assert package.workspace.channels == ["http://prefix.dev/conda-forge"]


def test_build_variant_files_are_absolute(tmp_path: Path) -> None:
    (tmp_path / "variants.yaml").write_text("python: ['3.12']\n")
    write(tmp_path, WORKSPACE + 'build-variants-files = ["variants.yaml"]\n')
    assert load_workspace(tmp_path).build_variants_files == [tmp_path / "variants.yaml"]


@pytest.mark.parametrize(
    ("table", "expression"),
    [("linux", "linux"), ("unix", "unix"), ("win", "win"), ("osx", "osx"), ("macos", "osx"),
     ("linux-aarch64", "host_platform == 'linux-aarch64'")],
)  # fmt: skip
def test_legacy_target_lowering(tmp_path: Path, table: str, expression: str) -> None:
    package = package_with(tmp_path, f'[package.target.{table}.run-dependencies]\nfoo = "*"\n')
    assert list(package.project_model.targets.conditional) == [expression]


def test_conditional_order_follows_pixi(tmp_path: Path) -> None:
    """pixi collects `if()` tables run, run-constraints, host, build, then extras, then legacy targets."""
    package = package_with(
        tmp_path,
        '[package.target.win.run-dependencies]\nw = "*"\n'
        '[package.build-dependencies."if(b)"]\nb = "*"\n'
        '[package.host-dependencies."if(h)"]\nh = "*"\n'
        '[package.run-dependencies."if(r)"]\nr = "*"\n'
        '[package.run-dependencies."if(b)"]\nrb = "*"\n',
    )
    conditional = package.project_model.targets.conditional
    assert list(conditional) == ["r", "b", "h", "win"]
    assert list(conditional["b"].run_dependencies) == ["rb"]
    assert list(conditional["b"].build_dependencies) == ["b"]


def test_when_conditions(tmp_path: Path) -> None:
    package = package_with(
        tmp_path,
        '[package.run-dependencies]\na = { version = "*", when = "python >=3.10" }\n'
        'b = { version = "*", when = { all = ["python", "numpy 2.*", { package = "scipy", build = "py*" }] } }\n',
    )
    run = json.loads(encode(package.project_model.targets.default_target.run_dependencies))
    assert run["a"]["binary"]["condition"] == {"MatchSpec": {"name": "python", "version": ">=3.10"}}
    assert run["b"]["binary"]["condition"] == {
        "And": [
            {"And": [{"MatchSpec": {"name": "python"}}, {"MatchSpec": {"name": "numpy", "version": "2.*"}}]},
            {"MatchSpec": {"name": "scipy", "build": "py*"}},
        ]
    }


def test_pin_bounds(tmp_path: Path) -> None:
    package = package_with(
        tmp_path, '[package.run-exports.strong]\nx = { pin-subpackage = { lower-bound = "1.2", upper-bound = "x.x.x" } }\n'
    )
    strong = json.loads(encode(package.project_model.targets.default_target.run_exports))["strong"]
    assert strong == {"x": {"pinSubpackage": {"lowerBound": {"version": "1.2"}, "upperBound": {"expression": "x.x.x"}}}}


def test_non_toml_files_are_no_package_manifest(tmp_path: Path) -> None:
    (tmp_path / "recipe.yaml").write_text("package:\n  name: x\n", encoding="utf-8")
    assert load_package_manifest(tmp_path / "recipe.yaml") is None
