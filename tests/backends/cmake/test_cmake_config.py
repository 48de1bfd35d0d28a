"""pixi-build-cmake's configuration: every §3.1 option, its default, per-target merging, and
the errors a mistake gets -- naming the key and, through ``kiln build``, its pixi.toml line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.backends.cmake.cmhelpers import make_backend, recipe_data
from tests.conftest import kiln_exe

from kiln.backends.cmake.config import CMakeConfig
from kiln.errors import KilnError


def test_defaults() -> None:
    config = CMakeConfig()
    assert (config.extra_args, config.env, config.extra_input_globs, config.compilers) == ([], {}, [], None)
    assert config.effective_compilers == ["cxx"]


def test_every_option_reaches_the_recipe(tmp_path: Path) -> None:
    backend = make_backend(
        tmp_path / "p",
        config={"extra-args": ["-DFOO=ON"], "env": {"CFLAGS": "-O1"}, "extra-input-globs": ["data/*"],
                "compilers": ["c", "fortran"]},
    )  # fmt: skip
    data = recipe_data(backend)
    assert data["requirements"]["build"] == ["${{ compiler('c') }}", "${{ compiler('fortran') }}", "cmake", "ninja"]
    script = data["build"]["script"]
    assert script["env"] == {"CFLAGS": "-O1"}
    tail = '${PYTHON_ARG:+"$PYTHON_ARG"} \\\n        -DFOO=ON\nfi\n\ncmake --build . --target install'
    assert script["content"][0].endswith(tail)
    assert f'-S "{tmp_path / "p"}"' in script["content"][0]
    globs = backend.build_input_globs(backend.config_for("linux-64"), tmp_path / "no-build-yet", False)
    assert globs == sorted(["**/*.{c,cc,cxx,cpp,h,hpp,hxx}", "**/*.{cmake,cmake.in}", "**/CMakeLists.txt", "data/*"])
    assert "noarch" not in data["build"] and "host" not in data["requirements"]


def test_the_first_matching_target_config_is_merged(tmp_path: Path) -> None:
    backend = make_backend(
        tmp_path / "p",
        config={"extra-args": ["-DBASE=1"], "env": {"A": "base", "B": "base"}, "compilers": ["c"]},
        target_config={
            "win": {"compilers": ["cxx"]},
            "linux": {"extra-args": ["-DLINUX=1"], "env": {"B": "linux"}, "compilers": []},
            "linux-64": {"extra-args": ["-DNEVER=1"]},
        },
    )
    linux = backend.config_for("linux-64")
    assert linux.extra_args == ["-DLINUX=1"] and linux.env == {"A": "base", "B": "linux"}
    assert linux.effective_compilers == []
    assert backend.config_for("win-64").effective_compilers == ["cxx"]
    assert backend.config_for("osx-arm64").extra_args == ["-DBASE=1"]
    # an empty target list cannot clear the base
    empty = make_backend(tmp_path / "q", config={"extra-args": ["-DX"]}, target_config={"linux": {"extra-args": []}})
    assert empty.config_for("linux-64").extra_args == ["-DX"]


def test_debug_dir_is_accepted_and_ignored(tmp_path: Path) -> None:
    backend = make_backend(tmp_path / "p", config={"debug-dir": "/tmp/x"})
    assert backend.config_for("linux-64") == CMakeConfig()


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"extra-arg": ["x"]}, ["unknown field `extra-arg`", "did you mean `extra-args`?"]),
        ({"compilers": "cxx"}, ["Expected `array | null`, got `str`", "$.compilers"]),
        ({"env": {"A": 1}}, ["Expected `str`, got `int`", "$.env"]),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, config, words) -> None:
    with pytest.raises(KilnError) as info:
        make_backend(tmp_path / "p", config=config)
    text = str(info.value) + (info.value.help or "")
    for word in words:
        assert word in text


PIXI_TOML = """\
[workspace]
name = "bad"
channels = []
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "bad"
version = "0.1.0"

[package.build.backend]
name = "pixi-build-cmake"
version = "*"

[package.build.config]
compilers = ["c"]
{line}
"""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('extra-argz = ["-DX"]', "`package.build.config.extra-argz`: failed to parse configuration: "),
        ('extra-args = "-DX"', "`package.build.config.extra-args`: failed to parse configuration: "),
    ],
)
def test_kiln_build_points_at_the_pixi_toml_line(tmp_path: Path, line: str, expected: str) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "pixi.toml").write_text(PIXI_TOML.format(line=line))
    (root / "CMakeLists.txt").write_text("project(bad C)\n")
    proc = subprocess.run([kiln_exe(), "build", "--path", str(root), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode != 0
    assert f"{root / 'pixi.toml'}:17: {expected}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
