"""``current/assertions/python.yaml``: the exact values upstream's unit tests assert.

Each entry of the file is one test here, looked up by its ``id``; a new entry
without a check fails :func:`test_every_assertion_is_checked`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from tests.backends.python.pyhelpers import generate, make_backend, recipe_data

from kiln.backends.python.backend import abi3_python_version
from kiln.backends.python.pypi_mapping import (
    PypiRequirement,
    conda_name_from_lookup,
    detect_compilers,
    map_requirements,
)
from kiln.conda.urls import channel_name
from kiln.errors import KilnError

ASSERTIONS = Path(__file__).parents[2] / "data" / "upstream" / "recipes" / "current" / "assertions" / "python.yaml"
ENTRIES: dict[str, dict[str, Any]] = {e["id"]: e for e in pyyaml.safe_load(ASSERTIONS.read_text())}
CHECKS: dict[str, Callable[[dict[str, Any], Path], None]] = {}


def check(entry_id: str):
    def register(fn):
        CHECKS[entry_id] = fn
        return fn

    return register


def backend_for(entry: dict[str, Any], root: Path, **kwargs):
    return make_backend(
        root,
        model=entry.get("model"),
        config=entry.get("config", {}),
        files=entry.get("files"),
        **kwargs,
    )


def host_items(data: dict[str, Any]) -> list[Any]:
    return data["requirements"].get("host", [])


@check("python/ignore-pypi-mapping-true")
def check_ignore_pypi_mapping_true(entry, root):
    data = recipe_data(backend_for(entry, root), channels=entry["channels"])
    for key, value in entry["expect"].items():
        bucket = key.split(".")[1]
        assert data["requirements"].get(bucket, []) == value


@check("python/abi3-with-requires-python")
def check_abi3_with_requires_python(entry, root):
    data = recipe_data(backend_for(entry, root))
    expect = entry["expect"]
    assert expect["host contains"] in host_items(data)
    assert not any(expect["host contains nothing with"] in str(i) for i in host_items(data))
    assert data["build"]["python"]["version_independent"] is expect["build.python.version_independent"]
    assert (
        expect["requirements.ignore_run_exports.from_package contains"]
        in (data["requirements"]["ignore_run_exports"]["from_package"])
    )


@check("python/abi3-without-pyproject")
def check_abi3_without_pyproject(entry, root):
    data = recipe_data(backend_for(entry, root))
    assert entry["expect"]["host contains"] in host_items(data)
    assert "python" in data["requirements"]["ignore_run_exports"]["from_package"]


@check("python/abi3-explicit-host-dep-not-duplicated")
def check_abi3_explicit_host_dep_not_duplicated(entry, root):
    data = recipe_data(backend_for(entry, root))
    count = sum(1 for i in host_items(data) if isinstance(i, str) and i.startswith("python-abi3"))
    assert count == entry["expect"]["number of host entries starting with python-abi3"]


@check("python/abi3-plus-noarch-is-error")
def check_abi3_plus_noarch_is_error(entry, root):
    with pytest.raises(KilnError, match="abi3 = true is incompatible with noarch"):
        generate(backend_for(entry, root))


@check("python/python-abi3-spec-from-requires-python")
def check_python_abi3_spec_from_requires_python(entry, root):
    for requires_python, expected in entry["expect"].items():
        value = None if requires_python == "(absent)" else requires_python
        assert abi3_python_version(value) == expected


@check("python/requires-python-propagates")
def check_requires_python_propagates(entry, root):
    data = recipe_data(backend_for(entry, root))
    assert any(i.startswith(entry["expect"]["a host item starts with"]) for i in host_items(data))
    assert any(i.startswith(entry["expect"]["a run item starts with"]) for i in data["requirements"]["run"])


@check("python/noarch-decision")
def check_noarch_decision(entry, root):
    for i, item in enumerate(entry["expect"]):
        data = recipe_data(make_backend(root / str(i), config=item["config"]))
        expected = item["build.noarch"]
        assert data["build"].get("noarch", "absent") == expected


@check("python/compilers")
def check_compilers(entry, root):
    for i, item in enumerate(entry["expect"]):
        config = dict(item["config"], **{"ignore-pyproject-manifest": True})
        data = recipe_data(make_backend(root / str(i), config=config))
        templates = [x for x in data["requirements"].get("build", []) if "compiler(" in x]
        assert templates == item["compiler templates"]


@check("python/compiler-autodetect-from-build-system")
def check_compiler_autodetect_from_build_system(entry, root):
    inputs = {
        "maturin>=1.0": ["maturin>=1.0"],
        "setuptools-rust>=1.0": ["setuptools-rust>=1.0"],
        "maturin and setuptools-rust together": ["maturin", "setuptools_rust"],
        "setuptools": ["setuptools"],
    }
    for key, expected in entry["expect"].items():
        assert detect_compilers(inputs[key]) == expected


@check("python/uv-cache-dir")
def check_uv_cache_dir(entry, root):
    mp = pytest.MonkeyPatch()
    try:
        for i, item in enumerate(entry["expect"]):
            mp.delenv("UV_CACHE_DIR", raising=False)
            if item.get("process UV_CACHE_DIR") is not None:
                mp.setenv("UV_CACHE_DIR", item["process UV_CACHE_DIR"])
            config: dict[str, Any] = {"ignore-pyproject-manifest": True}
            if "installer" in item:
                config["installer"] = item["installer"]
            if "config env" in item:
                config["env"] = item["config env"]
            cache = item.get("cache_dir", "/pixi/cache")
            backend = make_backend(root / str(i), config=config, cache_dir=Path(cache) if cache else None)
            env = recipe_data(backend)["build"]["script"].get("env", {})
            expected = item["script env UV_CACHE_DIR"]
            assert env.get("UV_CACHE_DIR", "absent") == expected
    finally:
        mp.undo()


def _conda_outputs(entry, root, **params):
    from kiln.protocol import types as t

    backend = backend_for(ENTRIES["python/variant-configuration-applied"], root)
    return backend.conda_outputs(
        t.CondaOutputsParams(
            host_platform=params.pop("host_platform"),
            build_platform="linux-64",
            work_directory=str(root / "work"),
            **params,
        )
    )


@check("python/variant-configuration-applied")
def check_variant_configuration_applied(entry, root):
    cfg = entry["conda_outputs"]
    result = _conda_outputs(
        entry, root, host_platform=cfg["host_platform"], variant_configuration=cfg["variant_configuration"]
    )
    variant = result.outputs[0].metadata.variant
    assert variant["boltons"] == entry["expect"]["outputs[0].metadata.variant.boltons"]
    assert variant.get("target_platform", "noarch") == "noarch"


@check("python/variant-file-applied")
def check_variant_file_applied(entry, root):
    root.mkdir(parents=True, exist_ok=True)
    variants = root / "variants.yaml"
    variants.write_text('boltons:\n  - "==2.0.0"\n')
    result = _conda_outputs(entry, root / "project", host_platform="linux-64", variant_files=[str(variants)])
    assert result.outputs[0].metadata.variant["boltons"] == entry["expect"]["outputs[0].metadata.variant.boltons"]


@check("python/cython-globs")
def check_cython_globs(entry, root):
    backend = make_backend(root, config={"ignore-pyproject-manifest": True})
    config = backend.config_for("linux-64")
    assert (
        backend.input_globs_from_packages(config, {"cython", "python"})
        == (entry["expect"]["cython among resolved build/host packages"])
    )
    assert backend.input_globs_from_packages(config, {"python", "numpy"}) == entry["expect"]["otherwise"]


PYPROJECT_HEAD = '[project]\nname = "test-package"\nversion = "1.0.0"\n'


@check("python/pyproject-metadata")
def check_pyproject_metadata(entry, root):
    from kiln.backends.python.metadata import PyprojectMetadataProvider

    def provider(i: int, text: str | None) -> PyprojectMetadataProvider:
        directory = root / str(i)
        directory.mkdir(parents=True)
        if text is not None:
            (directory / "pyproject.toml").write_text(text)
        return PyprojectMetadataProvider(directory, ignore=False)

    expect = entry["expect"]
    p = provider(0, PYPROJECT_HEAD + 'license = {file = "LICENSE.txt"}\n')
    assert p.license() is expect[0]["license"]
    assert p.license_files() == [str(root / "0" / "LICENSE.txt")]
    p = provider(1, PYPROJECT_HEAD + 'license-files = ["LICENSE.txt", "COPYING.txt"]\n')
    assert p.license_files() == [str(root / "1" / f) for f in ("LICENSE.txt", "COPYING.txt")]
    p = provider(2, PYPROJECT_HEAD + 'license = {file = "LICENSE"}\nlicense-files = ["NOTICE.txt", "AUTHORS.txt"]\n')
    assert p.license_files() == [str(root / "2" / f) for f in ("LICENSE", "NOTICE.txt", "AUTHORS.txt")]
    p = provider(3, PYPROJECT_HEAD + 'license = {text = "MIT"}\n')
    assert p.license() == expect[3]["license"]
    p = provider(4, PYPROJECT_HEAD + 'license = {text = "BLABLA"}\n')
    assert p.license() is expect[4]["license"]
    p = provider(5, PYPROJECT_HEAD + '[project.urls]\n"Source Code" = "https://src"\nDocs = "https://docs"\n')
    assert (p.repository(), p.documentation()) == ("https://src", "https://docs")
    p = provider(6, '[build-system]\nrequires = ["setuptools", "wheel"]\n')
    assert (p.name(), p.version(), p.description()) == (None, None, None)
    with pytest.raises(KilnError, match=expect[7]["error contains"].replace("`", ".")):
        provider(7, None).name()
    with pytest.raises(KilnError, match="not a valid PEP 440 version"):
        provider(8, '[project]\nname = "test-package"\nversion = "not.a.valid.version.at.all"\n').version()
    p = provider(9, PYPROJECT_HEAD + 'description = "Test description"\n')
    assert p.summary() == p.description() == "Test description"


@check("python/pypi-mapping-rules")
def check_pypi_mapping_rules(entry, root):
    expect = entry["expect"]
    for text, expected in expect["pep440 operator rewrite"].items():
        assert PypiRequirement.parse(f"pkg{text}").conda_version() == expected
    lookup = {"conda_versions": {"2.31.0": "requests-old", "2.32.0": "requests"}}
    assert conda_name_from_lookup(lookup) == "requests"
    for url, name in expect["channel name from url"].items():
        assert channel_name(url) == name
    markers = expect["markers"]
    req = PypiRequirement.parse(markers[0]["req"])
    assert not req.applies_to("linux-64")
    req = PypiRequirement.parse(markers[1]["req"])
    assert not req.applies_to("linux-64") and not req.applies_to("win-64")
    assert not PypiRequirement.parse("colorama; sys_platform == 'win32'").applies_to("noarch")
    assert PypiRequirement.parse("requests").applies_to("noarch")
    values = markers[4]
    platforms = {"linux-*": "linux-64", "win-*": "win-64", "osx-*": "osx-64"}
    for field in ("sys_platform", "platform_system", "os_name"):
        for value, where in values[field].items():
            for pattern in where.split(", "):
                platform = platforms.get(pattern, pattern)
                assert PypiRequirement.parse(f"x; {field} == '{value}'").applies_to(platform), (field, value)
    for value, where in values["platform_machine"].items():
        for platform in where.split(", "):
            assert PypiRequirement.parse(f"x; platform_machine == '{value}'").applies_to(platform)
    user = expect["user map"]
    offline: dict[str, Any] = dict(channels=[], cache_dir=None, platform="linux-64")
    assert map_requirements([user[0]["req"]], user_map=user[0]["map"], **offline) == [user[0]["result"]]
    assert map_requirements(["my-internal-pkg"], user_map=user[1]["map"], **offline) == []
    with pytest.raises(KilnError, match="`true` is not supported"):
        make_backend(root, config={"pypi-conda-map": user[-1]["map"]})


@pytest.mark.parametrize("entry_id", sorted(ENTRIES))
def test_assertion(entry_id: str, tmp_path: Path) -> None:
    CHECKS[entry_id](ENTRIES[entry_id], tmp_path)


def test_every_assertion_is_checked() -> None:
    assert set(CHECKS) == set(ENTRIES)
