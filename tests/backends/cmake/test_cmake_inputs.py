"""Build input globs from ninja's graph (spec ``backends.md`` §3.4): the parsers on
upstream's own examples, and the whole query on a real CMake/Ninja build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.backends.cmake import inputs
from kiln.backends.cmake.inputs import Layout, canonicalize

FALLBACK = ["**/*.{c,cc,cxx,cpp,h,hpp,hxx}", "**/*.{cmake,cmake.in}", "**/CMakeLists.txt"]


def test_inputs_keep_source_files_and_drop_outputs_and_externals() -> None:
    stdout = (
        ".\nCMakeFiles\\sdl_example.dir\\src\\main.cc.obj\n"
        "F:\\projects\\proj\\.pixi\\build\\work\\foo\\host\\Library\\lib\\SDL2.lib\n"
        "F:\\projects\\proj\\src\\main.cc\nbin\\sdl_example.exe\n"
    )
    layout = Layout("F:/projects/proj", "F:/projects/proj/.pixi/build/work/foo/work/build")
    assert sorted(inputs.parse_inputs(stdout, layout)) == ["src/main.cc"]


def test_deps_keep_project_headers_and_drop_system_and_pixi_ones() -> None:
    stdout = (
        "CMakeFiles/probe.dir/src/main.cc.obj: #deps 5, deps mtime 1234 (VALID)\n"
        "    /src/proj/src/main.cc\n    /src/proj/include/greet.hpp\n"
        "    /src/proj/.pixi/envs/default/include/iostream\n    /opt/conda/include/c++/iostream\n"
        "    /usr/include/stddef.h\n"
        "CMakeFiles/probe.dir/src/util.cc.obj: #deps 2, deps mtime 1234 (VALID)\n"
        "    /src/proj/src/util.cc\n    /src/proj/include/util.hpp\n"
    )
    assert sorted(inputs.parse_deps(stdout, Layout("/src/proj", "/src/proj/build"))) == [
        "include/greet.hpp", "include/util.hpp", "src/main.cc", "src/util.cc",
    ]  # fmt: skip
    relative = (
        "CMakeFiles/sdl_example.dir/src/main.cc.obj: #deps 2, deps mtime 1234 (VALID)\n"
        "    ../../../../../../src/main.cc\n    ../../host/Library/include/SDL2/SDL.h\n"
    )
    layout = Layout("F:/projects/proj", "F:/projects/proj/.pixi/build/work/foo/work/build")
    assert sorted(inputs.parse_deps(relative, layout)) == ["src/main.cc"]


def test_targets_keep_absolute_phony_project_files_only() -> None:
    stdout = (
        "all: phony\nprobe: phony\nprobe.exe: CXX_EXECUTABLE_LINKER__probe_\n"
        "CMakeFiles/probe.dir/src/main.cc.obj: CXX_COMPILER__probe_unscanned_\nbuild.ninja: RERUN_CMAKE\n"
        "/src/proj/CMakeLists.txt: phony\n/src/proj/cmake/Helpers.cmake: phony\n"
        "/src/proj/.pixi/envs/default/share/cmake-4.3/Modules/Foo.cmake: phony\n"
        "/opt/cmake/share/cmake-4.3/Modules/CMakeCXXInformation.cmake: phony\nclean: CLEAN\n"
    )
    assert sorted(inputs.parse_targets(stdout, Layout("/src/proj", "/src/proj/build"))) == [
        "CMakeLists.txt", "cmake/Helpers.cmake",
    ]  # fmt: skip


def test_verify_globs_become_source_relative_patterns() -> None:
    text = """# CMAKE generated file: DO NOT EDIT!
file(GLOB NEW_GLOB LIST_DIRECTORIES true "/src/proj/src/*.cc")
set(OLD_GLOB
  "/src/proj/src/a.cc"
  )
file(GLOB NEW_GLOB LIST_DIRECTORIES true "/src/proj/include/*.hpp")
file(GLOB_RECURSE NEW_GLOB LIST_DIRECTORIES false "/src/proj/include/*.h")
file(GLOB_RECURSE NEW_GLOB LIST_DIRECTORIES false "/src/proj/*.h")
file(GLOB_RECURSE NEW_GLOB LIST_DIRECTORIES false "/src/proj/lib/**/*.hpp")
file(GLOB NEW_GLOB LIST_DIRECTORIES true "/opt/external/*.cc")
file(GLOB NEW_GLOB LIST_DIRECTORIES true "/src/proj/.pixi/envs/default/include/*.h")
file(TOUCH_NOCREATE "/src/proj/build/CMakeFiles/cmake.verify_globs")
"""
    assert sorted(inputs.parse_verify_globs(text, Layout("/src/proj", ""))) == [
        "**/*.h", "include/**/*.h", "include/*.hpp", "lib/**/*.hpp", "src/*.cc",
    ]  # fmt: skip


def test_relativize_and_canonicalize() -> None:
    layout = Layout("C:/work/probe", "C:/work/probe/build")
    assert layout.relativize("C:/work/probe/src/main.cc") == "src/main.cc"
    assert layout.relativize(r"C:\work\probe\src\main.cc") == "src/main.cc"
    assert layout.relativize("C:/packages/conda/include/iostream") is None
    assert layout.relativize("C:/work/probe/.pixi/envs/default/include/foo.h") is None
    unix = Layout("/src/proj", "/src/proj/build")
    assert unix.relativize("/src/proj") is None and unix.relativize("/src/proj/") is None
    assert unix.relativize("/src/proj/docs/.pixi/x") == "docs/.pixi/x"
    # a sibling whose name starts with the source directory's is not inside it
    assert unix.relativize("/src/proj-other/a.c") is None
    assert canonicalize("foo/../bar", "/build") == "/build/bar"
    assert canonicalize("../include/x.h", "/build/sub") == "/build/include/x.h"
    assert canonicalize("./x.h", "/build") == "/build/x.h"
    assert canonicalize(r"F:\abs\path", "/ignored") == "F:/abs/path"


def test_any_failure_falls_back_to_broad_globs(tmp_path: Path) -> None:
    assert inputs.build_input_globs(None, ["z/*", "a/*"]) == sorted([*FALLBACK, "z/*", "a/*"])
    assert inputs.build_input_globs(tmp_path / "missing", []) == FALLBACK
    broken = tmp_path / "build"
    broken.mkdir()
    home = "CMAKE_HOME_DIRECTORY:INTERNAL=/src\n"
    (broken / "CMakeCache.txt").write_text(home + "CMAKE_MAKE_PROGRAM:FILEPATH=/nope/ninja\n")
    assert inputs.build_input_globs(broken, []) == FALLBACK
    (broken / "CMakeCache.txt").write_text(home + f"CMAKE_MAKE_PROGRAM:FILEPATH={sys.executable}\n")
    assert inputs.build_input_globs(broken, []) == FALLBACK  # "ninja" exits non-zero


@pytest.mark.skipif(not all(shutil.which(x) for x in ("cmake", "ninja", "cc")), reason="no cmake/ninja/cc")
def test_a_real_build_graph(tmp_path: Path) -> None:
    src = tmp_path / "proj"
    (src / "src" / "extra").mkdir(parents=True)
    (src / "include").mkdir()
    (src / "cmake").mkdir()
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(probe C)\ninclude(cmake/Flags.cmake)\n"
        "file(GLOB_RECURSE SOURCES CONFIGURE_DEPENDS src/*.c)\n"
        "add_executable(probe ${SOURCES})\ntarget_include_directories(probe PRIVATE include)\n"
    )
    (src / "cmake" / "Flags.cmake").write_text("set(CMAKE_C_STANDARD 99)\n")
    (src / "include" / "probe.h").write_text("int answer(void);\n")
    main = '#include <stdio.h>\n#include "probe.h"\nint main(void) { return answer() - 42; }\n'
    (src / "src" / "main.c").write_text(main)
    (src / "src" / "extra" / "answer.c").write_text('#include "probe.h"\nint answer(void) { return 42; }\n')
    (src / "unused.h").write_text("")
    build = tmp_path / "work" / "build"
    subprocess.run(["cmake", "-GNinja", "-S", src, "-B", build], check=True, capture_output=True)
    subprocess.run(["cmake", "--build", build], check=True, capture_output=True)
    assert inputs.build_input_globs(build, ["extra/*"]) == [
        "CMakeLists.txt", "cmake/Flags.cmake", "extra/*", "include/probe.h", "src/**/*.c",
        "src/extra/answer.c", "src/main.c",
    ]  # fmt: skip
