"""Whole generated recipes, written down from spec ``backends.md`` §1.4-§1.8 and §3.2-§3.3:
the model's requirements first (conditionals one item each, source dependencies as
``source://`` specs), then compilers, stdlib, cmake and ninja; secrets sorted; the
script flavour of the machine running the backend."""

from __future__ import annotations

from pathlib import Path

from tests.backends.cmake.cmhelpers import generate, make_backend, recipe_data

EXPECTED = Path(__file__).parent / "expected"

MODEL = {
    "name": "Demo", "version": "1.0", "license": "MIT", "homepage": "https://example.com",
    "secrets": ["TOKEN_B", "TOKEN_A"],
    "targets": {
        "defaultTarget": {
            "buildDependencies": {"pkg-config": {"binary": {"version": "*"}}},
            "hostDependencies": {"zlib": {"binary": {"version": ">=1.2"}}},
            "runDependencies": {"libfoo": {"source": {"path": {"path": "../foo"}}}},
        },
        "conditional": {"win": {"hostDependencies": {"winlib": {"binary": {"version": "*"}}}}},
    },
}  # fmt: skip


def test_a_full_recipe_on_windows(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    backend = make_backend(root, model=MODEL, config={"env": {"X": "1"}, "extra-args": ["-DA=1"]})
    text = generate(backend, build_platform="win-64", variant_keys=["c_stdlib"]).recipe.to_yaml()
    assert text == (EXPECTED / "recipe-windows-full.yaml").read_text().replace("{root}", str(root))


def test_the_same_recipe_on_unix_differs_only_in_the_script(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    backend = make_backend(root, model=MODEL, config={"env": {"X": "1"}, "extra-args": ["-DA=1"]})
    unix, win = recipe_data(backend, variant_keys=["c_stdlib"]), recipe_data(backend, build_platform="win-64",
                                                                              variant_keys=["c_stdlib"])  # fmt: skip
    assert unix["build"]["script"]["content"][0].startswith("ninja --version\ncmake --version\n\nPYTHON_ARG=\n")
    unix["build"]["script"]["content"] = win["build"]["script"]["content"]
    assert unix == win
    # the host platform does not choose the flavour: the machine running the backend does
    assert recipe_data(backend, host_platform="win-64")["build"]["script"] == recipe_data(backend)["build"]["script"]
