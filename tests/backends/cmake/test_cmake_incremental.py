"""Incremental CMake builds through ``kiln build``: the script's ``build`` folder survives
in the package's ``conda/build_v1`` work directory, so an edit recompiles one file;
``--clean`` starts over; a failed configure leaves nothing the next build trusts; a
failing compile leads with the compiler's own error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.backends.cmake.test_cmake_e2e import build, copy_workspace
from tests.helpers import extract

pytestmark = pytest.mark.build

COMPILE = re.compile(r"\[\d+/\d+\] Building C object CMakeFiles/greetc\.dir/(\S+)\.o")


def compiled(stderr: str) -> list[str]:
    return sorted(COMPILE.findall(stderr))


def test_an_edit_recompiles_one_file_and_clean_recompiles_all(local_channel: Path, tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws", local_channel)
    lib, out = ws / "greetc", tmp_path / "out"
    first = build(lib, out, local_channel, "-v")
    assert first.returncode == 0, first.stderr
    everything = ["src/greet.c", "src/punctuation.c", "src/version.c"]
    assert compiled(first.stderr) == everything
    work_dirs = sorted((ws / ".pixi" / "bld" / "greetc").iterdir())
    assert len(work_dirs) == 1 and (work_dirs[0] / "work" / "build" / "build.ninja").is_file()

    source = lib / "src" / "punctuation.c"
    source.write_text(source.read_text().replace('"!"', '"?"'))
    second = build(lib, out, local_channel, "-v")
    assert second.returncode == 0, second.stderr
    assert compiled(second.stderr) == ["src/punctuation.c"]
    assert "'[' '!' -f build.ninja ']'" in second.stderr and "-- Configuring done" not in second.stderr
    assert sorted((ws / ".pixi" / "bld" / "greetc").iterdir()) == work_dirs

    clean = build(lib, out, local_channel, "-v", "--clean")
    assert clean.returncode == 0, clean.stderr
    assert compiled(clean.stderr) == everything
    assert "-- Configuring done" in clean.stderr

    # the prefixes are new in every build: a file the build no longer installs is not packaged
    cmakelists = lib / "CMakeLists.txt"
    cmakelists.write_text(cmakelists.read_text().replace("install(FILES include/greetc.h", "#"))
    fourth = build(lib, out, local_channel, "-v")
    assert fourth.returncode == 0, fourth.stderr
    assert compiled(fourth.stderr) == [] and "-- Configuring done" in fourth.stderr  # ninja re-ran cmake
    (archive,) = out.glob("greetc-*.conda")
    root = extract(archive, tmp_path / "x")
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert "lib/libgreetc.so.1.2.0" in files and "include/greetc.h" not in files


def test_an_interrupted_configure_is_started_over(local_channel: Path, tmp_path: Path) -> None:
    """A build folder without build.ninja (the configure never finished) is not trusted."""
    ws = copy_workspace(tmp_path / "ws", local_channel)
    lib, out = ws / "greetc", tmp_path / "out"
    first = build(lib, out, local_channel)
    assert first.returncode == 0, first.stderr
    (work_dir,) = (ws / ".pixi" / "bld" / "greetc").iterdir()
    build_dir = work_dir / "work" / "build"
    (build_dir / "build.ninja").unlink()
    cache = build_dir / "CMakeCache.txt"
    # a cached value the configure command line does not set again
    text = cache.read_text()
    assert "\nCMAKE_C_FLAGS:STRING=" in text
    cache.write_text(text.replace("\nCMAKE_C_FLAGS:STRING=", "\nCMAKE_C_FLAGS:STRING=-DGREETC_STALE_CACHE "))
    source = lib / "src" / "version.c"
    source.write_text(source.read_text() + "\n")
    again = build(lib, out, local_channel, "-v")
    assert again.returncode == 0, again.stderr
    assert "GREETC_STALE_CACHE" not in cache.read_text() and "GREETC_STALE_CACHE" not in again.stderr
    assert len(compiled(again.stderr)) == 3


def test_a_failed_configure_is_forgotten(local_channel: Path, tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws", local_channel)
    lib, out = ws / "greetc", tmp_path / "out"
    cmakelists = lib / "CMakeLists.txt"
    good = cmakelists.read_text()
    cmakelists.write_text(good.replace("add_library(greetc", "add_library(greetc src/missing.c"))
    failed = build(lib, out, local_channel)
    assert failed.returncode != 0
    assert "CMake Error at" in failed.stderr and "src/missing.c" in failed.stderr
    # the error comes before rattler-build's summary of the failure
    assert failed.stderr.index("CMake Error at") < failed.stderr.index("failed to build greetc")
    (work_dir,) = (ws / ".pixi" / "bld" / "greetc").iterdir()
    assert not (work_dir / "work" / "build").exists()
    assert not list(out.glob("*.conda")) if out.exists() else True

    cmakelists.write_text(good)
    again = build(lib, out, local_channel, "-v")
    assert again.returncode == 0, again.stderr
    assert "-- Configuring done" in again.stderr and compiled(again.stderr) == [
        "src/greet.c", "src/punctuation.c", "src/version.c",
    ]  # fmt: skip


def test_a_failing_compile_leads_with_the_compiler_error(local_channel: Path, tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws", local_channel)
    lib, out = ws / "greetc", tmp_path / "out"
    broken = '#include "greetc.h"\n\nconst char *greetc_version(void) { return 1.2.0; }\n'
    (lib / "src" / "version.c").write_text(broken)
    failed = build(lib, out, local_channel)
    assert failed.returncode != 0
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    first_error = next(i for i, line in enumerate(lines) if "error" in line.lower())
    assert re.search(r"src/version\.c:3:\d+: error: ", lines[first_error]), failed.stderr
    assert "failed to build greetc" in failed.stderr
    assert failed.stderr.index("src/version.c:3") < failed.stderr.index("failed to build greetc")


def test_a_missing_cmakelists_says_so(local_channel: Path, tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws", local_channel)
    (ws / "greetc" / "CMakeLists.txt").unlink()
    failed = build(ws / "greetc", tmp_path / "out", local_channel)
    assert failed.returncode != 0
    assert f"{ws / 'greetc' / 'CMakeLists.txt'} does not exist" in failed.stderr
    assert "Traceback" not in failed.stderr
