"""One generated ``recipe.yaml`` per option and rule of spec ``backends.md`` §2, against reviewed files.

Each case below names what it shows; its expected recipe lives in
``expected/<case>.yaml`` with the project directory written as ``<root>``.
The files were written from the spec and reviewed; to regenerate them after a
deliberate change, run with ``KILN_UPDATE_EXPECTED=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.backends.python.pyhelpers import generate, make_backend

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("KILN_UPDATE_EXPECTED") == "1"

HATCH_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "Hello_Hatch"
version = "0.2.0"
description = "Says hello"
readme = "README.md"
requires-python = ">= 3.9, <4"
license = "MIT OR Apache-2.0"
dependencies = ["requests>=2.28", "colorama; sys_platform == 'win32'"]

[project.scripts]
hello-hatch = "hello_hatch:main"
hello-admin = "hello_hatch.admin : run"

[project.urls]
Homepage = "https://Example.com"
Source = "https://github.com/example/hello-hatch"
Docs = "https://docs.example.com/hello"
"""

MINIMAL_PYPROJECT = '[project]\nname = "demo"\nversion = "1.0"\n'

IGNORE = {"ignore-pyproject-manifest": True}


def dep(version: str = "*", **extra: Any) -> dict[str, Any]:
    return {"binary": {"version": version, **extra}}


MODEL_BOLTONS = {
    "name": "foobar",
    "version": "0.1.0",
    "targets": {"defaultTarget": {"runDependencies": {"boltons": dep()}}},
}

#: case name -> (what it shows, make_backend/generate arguments)
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "pyproject-metadata": (
        "name (lower-cased), version, summary = description, SPDX license, normalised URLs (Source, Docs "
        "fallbacks), requires-python on python in host and run, entry points (spaces trimmed)",
        dict(model={"targets": {"defaultTarget": {}}}, pyproject=HATCH_PYPROJECT),
    ),
    "model-wins-over-pyproject": (
        "model name/version/description/license/homepage win; summary still comes from pyproject",
        dict(
            model={
                "name": "Other",
                "version": "9.9",
                "description": "from the model",
                "license": "BSD-3-Clause",
                "homepage": "https://model.example.org",
                "licenseFile": "COPYING",
            },
            pyproject=HATCH_PYPROJECT,
        ),
    ),
    "dynamic-version-from-model": (
        "dynamic = ['version'] in pyproject.toml: the version must come from the model",
        dict(
            model={"name": "dyn", "version": "2.1.0"},
            pyproject='[project]\nname = "dyn"\ndynamic = ["version"]\n',
        ),
    ),
    "ignore-pyproject-manifest": (
        "nothing read from pyproject.toml except entry points; host uv+python, run model deps+python",
        dict(model=MODEL_BOLTONS, config=IGNORE, pyproject=HATCH_PYPROJECT),
    ),
    "python-added-even-if-declared": (
        "python and the installer are appended after the model's own items, duplicates kept",
        dict(
            model={
                "name": "foobar",
                "version": "0.1.0",
                "targets": {
                    "defaultTarget": {
                        "hostDependencies": {"python": dep(">=3.10"), "uv": dep()},
                        "runDependencies": {"python": dep(">=3.10")},
                    }
                },
            },
            pyproject=MINIMAL_PYPROJECT + 'requires-python = "==3.11.*"\n',
        ),
    ),
    "installer-pip": (
        "installer = pip: pip in host, the pip command, no UV_CACHE_DIR even with a cache dir",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, installer="pip"), cache="cache"),
    ),
    "env-and-uv-cache": (
        "UV_CACHE_DIR from pixi's cache dir first, then config env in order (a config value overrides)",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, env={"B": "2", "A": "${{ PREFIX }}/a"}), cache="cache"),
    ),
    "env-overrides-uv-cache": (
        "config env UV_CACHE_DIR replaces the default value, keeping the first position",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, env={"X": "1", "UV_CACHE_DIR": "/mine"}), cache="cache"),
    ),
    "extra-args-editable": (
        "extra-args after --no-index, then --editable for an editable build",
        dict(
            model=MODEL_BOLTONS,
            config=dict(IGNORE, **{"extra-args": ["-Ccmake.define.X=1", "--verbose"]}),
            editable=True,
        ),
    ),
    "windows-script": (
        "cmd.exe flavour when the backend runs on Windows: %PYTHON%, ^ continuations, errorlevel check",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, **{"extra-args": ["--foo"]}), build_platform="win-64"),
    ),
    "windows-script-pip-editable": (
        "cmd.exe flavour with pip and --editable",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, installer="pip"), build_platform="win-64", editable=True),
    ),
    "compilers-c-cxx": (
        "configured compilers: platform-specific package, compiler templates in build, no stdlib without c_stdlib",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, compilers=["c", "cxx"])),
    ),
    "compilers-with-c-stdlib": (
        "stdlib('c') after the compilers when c_stdlib is a variant",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, compilers=["cxx"]), variant_keys=["c_stdlib", "python"]),
    ),
    "noarch-true-with-compilers": (
        "noarch = true wins over compilers",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, compilers=["c"], noarch=True)),
    ),
    "noarch-false": (
        "noarch = false without compilers: a platform-specific pure-Python package",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, noarch=False)),
    ),
    "maturin-implies-rust": (
        "maturin in build-system.requires adds the rust compiler (after configured ones) and drops noarch",
        dict(
            model={"targets": {"defaultTarget": {}}},
            pyproject='[build-system]\nrequires = ["maturin>=1.5,<2"]\nbuild-backend = "maturin"\n\n'
            + MINIMAL_PYPROJECT,
            config={"compilers": ["c"]},
        ),
    ),
    "abi3": (
        "abi3: python-abi3 pinned to the requires-python minor, python run exports ignored, version independent",
        dict(
            model={"targets": {"defaultTarget": {}}},
            pyproject=MINIMAL_PYPROJECT + 'requires-python = ">=3.10.2"\n',
            config={"abi3": True, "compilers": ["c"]},
        ),
    ),
    "skip-pyc-true": (
        "skip-pyc-compilation = true means every .py file",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, **{"skip-pyc-compilation": True})),
    ),
    "skip-pyc-globs": (
        "skip-pyc-compilation as a list of globs",
        dict(model=MODEL_BOLTONS, config=dict(IGNORE, **{"skip-pyc-compilation": ["tests/**", "*/templates/*.py"]})),
    ),
    "target-config-merge": (
        "first matching target config only: env merged, extra-args and compilers replaced (so not noarch)",
        dict(
            model=MODEL_BOLTONS,
            config=dict(IGNORE, env={"A": "base", "B": "base"}, compilers=["c"], **{"extra-args": ["--base"]}),
            target_config={
                "win": {"env": {"A": "win"}},
                "linux": {"env": {"B": "linux", "C": "linux"}, "compilers": ["cxx"], "extra-args": ["--linux"]},
                "linux-64": {"env": {"D": "never: not the first match"}},
            },
        ),
    ),
    "target-config-empty-lists-keep-base": (
        "an empty target extra-args keeps the base list; an empty target compilers list clears it",
        dict(
            model=MODEL_BOLTONS,
            config=dict(IGNORE, compilers=["c"], **{"extra-args": ["--base"]}),
            target_config={"linux-64": {"extra-args": [], "compilers": []}},
        ),
    ),
    "conditional-deps-and-secrets": (
        "model conditionals wrapped one item at a time, pins in run, secrets sorted into the script",
        dict(
            model={
                "name": "foobar",
                "version": "0.1.0",
                "secrets": ["TOKEN_B", "TOKEN_A"],
                "targets": {
                    "defaultTarget": {
                        "hostDependencies": {"numpy": dep(">=1.26")},
                        "runDependencies": {"numpy": {"pinCompatible": {"upperBound": {"expression": "x.x"}}}},
                    },
                    "conditional": {"win": {"runDependencies": {"pywin32": dep(), "colorama": dep("0.4.*")}}},
                },
            },
            config=IGNORE,
        ),
    ),
    "license-files-absolute": (
        "license file and license-files made absolute against the project directory",
        dict(
            model={"targets": {"defaultTarget": {}}},
            pyproject=MINIMAL_PYPROJECT + 'license = {file = "LICENSE"}\nlicense-files = ["NOTICE.txt"]\n',
        ),
    ),
    "pypi-mapping": (
        "opt-in mapping: user map first (`false` drops, names normalised), then the cached service answer of "
        "the first channel; noarch drops marked requirements; build-system.requires go to host",
        dict(
            model={"targets": {"defaultTarget": {}}},
            pyproject=MINIMAL_PYPROJECT
            + 'dependencies = ["Torch===2.0.0", "My_Internal>=1", "requests >=2.28, <3", "rich", '
            '"colorama; os_name == \'nt\'"]\n[build-system]\nrequires = ["hatchling>=1.20"]\n',
            config={"ignore-pypi-mapping": False, "pypi-conda-map": {"torch": "pytorch", "my-internal": False}},
            channels=["https://prefix.dev/conda-forge"],
            cache="cache",
            mapping_cache={"conda-forge": {"requests": "requests", "rich": "rich", "hatchling": "hatchling"}},
        ),
    ),
    "pypi-map-without-mapping": (
        "a pypi-conda-map while ignore-pypi-mapping is left at true: nothing is mapped (only a warning)",
        dict(
            model={"targets": {"defaultTarget": {}}},
            pyproject=MINIMAL_PYPROJECT + 'dependencies = ["torch"]\n',
            config={"pypi-conda-map": {"torch": "pytorch"}},
        ),
    ),
}


def seed_mapping_cache(cache: Path, answers: dict[str, dict[str, str]]) -> None:
    """Pre-seed ``<cache>/pypi-conda-mapping/<channel>/<name>.json`` like the service's answers."""
    for channel, names in answers.items():
        directory = cache / "pypi-conda-mapping" / channel
        directory.mkdir(parents=True, exist_ok=True)
        for pypi, conda in names.items():
            lookup = {"format_version": "1", "channel": channel, "pypi_name": pypi, "conda_versions": {"1.0": conda}}
            (directory / f"{pypi}.json").write_text(json.dumps(lookup))


def render_case(name: str, tmp_path: Path) -> str:
    args = dict(CASES[name][1])
    gen_args = {k: args.pop(k) for k in ("editable", "variant_keys", "channels", "host_platform") if k in args}
    if "cache" in args:
        args["cache_dir"] = tmp_path / args.pop("cache")
    if "mapping_cache" in args:
        seed_mapping_cache(args["cache_dir"], args.pop("mapping_cache"))
    root = tmp_path / "project"
    backend = make_backend(root, **args)
    text = generate(backend, **gen_args).recipe.to_yaml()
    return text.replace(str(tmp_path / "cache"), "<cache>").replace(str(root), "<root>")


@pytest.mark.parametrize("name", sorted(CASES))
def test_recipe(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UV_CACHE_DIR", raising=False)
    monkeypatch.delenv("BUILD_EDITABLE_PYTHON", raising=False)
    text = render_case(name, tmp_path)
    path = EXPECTED / f"{name}.yaml"
    if UPDATE:
        path.write_text(text)
    assert path.is_file(), f"no expected recipe for {name}: write {path}"
    assert text == path.read_text(), CASES[name][0]


def test_no_stale_expected_files() -> None:
    assert {p.stem for p in EXPECTED.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize(
    "name", ["pyproject-metadata", "compilers-with-c-stdlib", "conditional-deps-and-secrets", "abi3"]
)
def test_rattler_build_reads_the_recipe(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What kiln writes is a recipe rattler-build itself parses (no render: variants may be missing)."""
    from rattler_build import Stage0Recipe

    monkeypatch.delenv("UV_CACHE_DIR", raising=False)
    recipe_dir = tmp_path / "scratch"
    recipe_dir.mkdir()
    Stage0Recipe.from_yaml(render_case(name, tmp_path), recipe_dir=recipe_dir)
