"""``current/assertions/cmake.yaml``: the exact values upstream's unit tests assert.

Each entry of the file is one test here, looked up by its ``id``; a new entry
without a check fails :func:`test_every_assertion_is_checked`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from tests.backends.cmake.cmhelpers import make_backend, recipe_data

from kiln.backends.cmake import build_script
from kiln.backends.cmake.config import CMakeConfig
from kiln.protocol import types as t

ASSERTIONS = Path(__file__).parents[2] / "data" / "upstream" / "recipes" / "current" / "assertions" / "cmake.yaml"
ENTRIES: dict[str, dict[str, Any]] = {e["id"]: e for e in pyyaml.safe_load(ASSERTIONS.read_text())}
CHECKS: dict[str, Callable[[dict[str, Any], Path], None]] = {}


def check(entry_id: str):
    def register(fn):
        CHECKS[entry_id] = fn
        return fn

    return register


def backend_for(entry: dict[str, Any], root: Path):
    return make_backend(root, model=entry.get("model"), config=entry.get("config", {}))


def templates(items: list[Any], word: str) -> list[str]:
    return [i for i in items if isinstance(i, str) and i.startswith("${{ " + word)]


@check("cmake/default-compilers")
def check_default_compilers(entry, root):
    build = recipe_data(backend_for(entry, root))["requirements"]["build"]
    assert templates(build, "compiler") == entry["expect"]["compiler templates"]
    assert build == entry["expect"]["requirements.build"]


@check("cmake/explicit-compilers")
def check_explicit_compilers(entry, root):
    build = recipe_data(backend_for(entry, root))["requirements"]["build"]
    assert templates(build, "compiler") == entry["expect"]["compiler templates"]
    assert build[-2:] == ["cmake", "ninja"]


@check("cmake/stdlib-when-variant-present")
def check_stdlib(entry, root):
    backend = backend_for(entry, root)
    build = recipe_data(backend, variant_keys=entry["variant_keys"])["requirements"]["build"]
    assert templates(build, "stdlib") == entry["expect"]["stdlib templates"]
    assert build == ["${{ compiler('cxx') }}", "${{ stdlib('c') }}", "cmake", "ninja"]
    # no c_stdlib variant, no stdlib
    assert templates(recipe_data(backend)["requirements"]["build"], "stdlib") == []


@check("cmake/compiler-added-even-if-gxx-declared")
def check_compiler_even_if_declared(entry, root):
    build = recipe_data(backend_for(entry, root))["requirements"]["build"]
    assert build == ["gxx", entry["expect"]["requirements.build contains"], "cmake", "ninja"]


def _outputs(entry, root: Path, host_platform: str, **params) -> t.CondaOutputsResult:
    backend = backend_for(entry, root / "project")
    return backend.conda_outputs(
        t.CondaOutputsParams(
            host_platform=host_platform, build_platform=host_platform, work_directory=str(root / "work"), **params
        )
    )


@check("cmake/windows-default-cxx-compiler-variant")
def check_windows_variant(entry, root):
    variant = _outputs(entry, root, "win-64").outputs[0].metadata.variant
    assert variant["cxx_compiler"] == entry["expect"]["outputs[0].metadata.variant.cxx_compiler"]


@check("cmake/default-cuda-compiler-variant")
def check_cuda_variant(entry, root):
    for i, platform in enumerate(entry["conda_outputs"]["host_platform"]):
        variant = _outputs(entry, root / str(i), platform).outputs[0].metadata.variant
        assert variant["cuda_compiler"] == entry["expect"]["outputs[0].metadata.variant.cuda_compiler"]


@check("cmake/variant-configuration")
def check_variant_configuration(entry, root):
    cfg = entry["conda_outputs"]
    result = _outputs(entry, root, cfg["host_platform"], variant_configuration=cfg["variant_configuration"])
    variant = result.outputs[0].metadata.variant
    assert variant["boltons"] == entry["expect"]["variant.boltons"]
    assert variant["target_platform"] == "linux-64"
    assert result.outputs[0].metadata.subdir == "linux-64" and result.input_globs == []


@check("cmake/variant-file")
def check_variant_file(entry, root):
    root.mkdir(parents=True, exist_ok=True)
    variants = root / "variants.yaml"
    variants.write_text('boltons:\n  - "==2.0.0"\n')
    same = ENTRIES[entry["same inputs as"]]
    result = _outputs(same, root, "linux-64", variant_files=[str(variants)])
    assert result.outputs[0].metadata.variant["boltons"] == entry["expect"]["variant.boltons"]


@check("cmake/install-prefix-quoted")
def check_install_prefix_quoted(entry, root):
    assert entry["expect"]["unix script contains"] in build_script.render("/src", [], windows=False)
    assert entry["expect"]["windows script contains"] in build_script.render("/src", [], windows=True)


@check("cmake/config-merge")
def check_config_merge(entry, root):
    base = CMakeConfig(extra_args=["-DA=1"], env={"A": "1", "B": "1"}, extra_input_globs=["a/*"], compilers=["c"])
    assert base.merge(CMakeConfig()) == base  # an empty target changes nothing
    merged = base.merge(CMakeConfig(extra_args=["-DB=2"], env={"B": "2", "C": "3"}, extra_input_globs=["b/*"],
                                    compilers=["cxx", "cuda"]))  # fmt: skip
    assert merged.extra_args == ["-DB=2"]  # target replaces when non-empty
    assert merged.env == {"A": "1", "B": "2", "C": "3"} and list(merged.env) == ["A", "B", "C"]
    assert merged.extra_input_globs == ["b/*"]
    assert merged.compilers == ["cxx", "cuda"]
    assert base.merge(CMakeConfig(compilers=[])).effective_compilers == []  # set, so replaced
    assert CMakeConfig().effective_compilers == ["cxx"]


@pytest.mark.parametrize("entry_id", sorted(ENTRIES))
def test_assertion(entry_id: str, tmp_path: Path) -> None:
    CHECKS[entry_id](ENTRIES[entry_id], tmp_path)


def test_every_assertion_is_checked() -> None:
    assert set(CHECKS) == set(ENTRIES)
