"""pixi-build-cmake end to end, offline, through ``kiln build`` from the session's local channel.

``tests/projects/workspace-cmake``: a C library and a C++ library, each with a program
that finds it with ``find_package(... CONFIG)`` through a ``{ path = ... }`` host
dependency, built first. The programs, installed into a fresh prefix with ``kiln
install``, run; their libraries resolve inside the prefix through a relative
``$ORIGIN`` rpath, and the CMake config files in the archive name no build path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import extract, kiln_install

pytestmark = pytest.mark.build


def copy_workspace(dest: Path, channel: Path) -> Path:
    ws = shutil.copytree(PROJECTS / "workspace-cmake", dest)
    manifest = ws / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("channels = []", f'channels = ["{channel}"]'))
    return ws


def kiln(*args) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=600, env=os.environ)


def build(package: Path, out: Path, channel: Path, *extra) -> subprocess.CompletedProcess:
    return kiln("build", "--path", package, "-o", out, "-m", channel / "variants.yaml", "--no-progress", *extra)


@pytest.fixture(scope="module")
def built(local_channel: Path, tmp_path_factory: pytest.TempPathFactory):
    """Both programs (and so both libraries) built once, installed into one fresh prefix."""
    tmp = tmp_path_factory.mktemp("cmake-e2e")
    ws = copy_workspace(tmp / "ws", local_channel)
    out = tmp / "out"
    summaries = {}
    for app in ("hello-c", "hello-cpp"):
        proc = build(ws / app, out, local_channel, "--json")
        assert proc.returncode == 0, proc.stderr
        summaries[app] = json.loads(proc.stdout)
    prefix = kiln_install(tmp / "prefix", [str(p) for p in sorted(out.glob("*.conda"))], [local_channel])
    return ws, out, prefix, summaries


def test_libraries_are_built_first_and_the_programs_run_from_the_prefix(built) -> None:
    ws, out, prefix, summaries = built
    for app, lib in (("hello-c", "greetc"), ("hello-cpp", "greetcpp")):
        order = [p["label"] for p in summaries[app]["packages"]]
        assert order == [lib, app]
    assert sorted(p.name.split("-h")[0] for p in out.glob("*.conda")) == [
        "greetc-1.2.0", "greetcpp-2.0.0", "hello-c-0.1.0", "hello-cpp-0.1.0",
    ]  # fmt: skip
    c = subprocess.run([prefix / "bin" / "hello-c"], capture_output=True, text=True, check=True)
    assert c.stdout == "hello, world! (greetc 1.2.0)\n"
    cpp = subprocess.run([prefix / "bin" / "hello-cpp"], capture_output=True, text=True, check=True)
    assert cpp.stdout == "hello, world (greetcpp 2.0.0)\n"


@pytest.mark.parametrize(("program", "library"), [("hello-c", "libgreetc.so.1"), ("hello-cpp", "libgreetcpp.so")])
def test_the_rpath_is_relative_and_the_library_resolves_inside_the_prefix(built, program, library) -> None:
    ws, out, prefix, _ = built
    exe = prefix / "bin" / program
    dynamic = subprocess.run(["readelf", "-d", exe], capture_output=True, text=True, check=True).stdout
    paths = [line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "PATH)" in line]
    assert paths == ["$ORIGIN/../lib"], dynamic
    assert str(ws) not in dynamic
    ldd = subprocess.run(["ldd", exe], capture_output=True, text=True, check=True).stdout
    line = next(x for x in ldd.splitlines() if library in x)
    resolved = Path(line.split("=>", 1)[1].split("(", 1)[0].strip())
    assert resolved.resolve().is_relative_to(prefix.resolve()), ldd


def test_the_cmake_config_files_in_the_archive_point_inside_the_prefix(built, tmp_path) -> None:
    ws, out, prefix, _ = built
    archive = next(out.glob("greetc-*.conda"))
    files = extract(archive, tmp_path / "greetc")
    config_dir = files / "lib" / "cmake" / "greetc"
    names = sorted(p.name for p in config_dir.iterdir())
    assert names == [
        "greetcConfig.cmake", "greetcConfigVersion.cmake", "greetcTargets-release.cmake", "greetcTargets.cmake",
    ]  # fmt: skip
    for path in config_dir.iterdir():
        text = path.read_text()
        assert str(ws) not in text and "/work/build" not in text and "rattler-build" not in text, path.name
    release = (config_dir / "greetcTargets-release.cmake").read_text()
    assert '"${_IMPORT_PREFIX}/lib/libgreetc.so.1.2.0"' in release
    # installed, the import prefix the targets file computes is the prefix itself
    assert (prefix / "lib" / "libgreetc.so.1.2.0").is_file() and (prefix / "include" / "greetc.h").is_file()
    assert (prefix / "lib" / "cmake" / "greetc" / "greetcTargets.cmake").is_file()


def test_input_globs_are_the_files_ninja_read(built) -> None:
    """The archive's recorded build inputs: what ninja's graph names, not the fallback globs."""
    ws, *_ = built
    sidecars = {p.parent.parent.name: json.loads(p.read_text()) for p in (ws / ".pixi").rglob("sidecar.json")}
    assert sidecars["greetc"]["result"]["input_globs"] == [
        "CMakeLists.txt", "cmake/greetcConfig.cmake.in", "include/greetc.h",
        "src/greet.c", "src/punctuation.c", "src/version.c",
    ]  # fmt: skip
    assert sidecars["hello-cpp"]["result"]["input_globs"] == ["CMakeLists.txt", "main.cpp"]


def test_the_python_probe_points_cmake_at_the_host_python(local_channel: Path, tmp_path: Path) -> None:
    project = shutil.copytree(PROJECTS / "cmake-python-probe", tmp_path / "probe")
    manifest = project / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("channels = []", f'channels = ["{local_channel}"]'))
    proc = build(project, tmp_path / "out", local_channel, "-v")
    assert proc.returncode == 0, proc.stderr
    assert "+ PYTHON_ARG=-DPython_EXECUTABLE=$PREFIX/bin/python" in proc.stderr
    (archive,) = (tmp_path / "out").glob("*.conda")
    recorded = (extract(archive, tmp_path / "x") / "share" / "cmake-python-probe" / "python.txt").read_text()
    # the host prefix's interpreter (rattler-build's placeholder for it), not the machine's
    assert recorded.endswith("/bin/python\n") and "host_env_placehold" in recorded


def test_conda_outputs_over_stdio(tmp_path: Path, local_channel: Path) -> None:
    """The console script serves the protocol: initialize, then conda/outputs."""
    import msgspec

    from kiln.protocol import types as t
    from kiln.protocol.client import BackendProcess
    from tests.conftest import backend_exe

    source = shutil.copytree(PROJECTS / "workspace-cmake" / "greetc", tmp_path / "greetc")
    model = {"name": "greetc", "version": "1.2.0", "targets": {"defaultTarget": {}}}
    with BackendProcess([backend_exe("pixi-build-cmake")]) as backend:
        backend.negotiate_capabilities()
        backend.initialize(t.InitializeParams(
            manifest_path=str(source / "pixi.toml"), source_directory=str(source),
            project_model=msgspec.convert(model, t.ProjectModel), configuration={"compilers": ["c"]},
        ))  # fmt: skip
        result = backend.conda_outputs(t.CondaOutputsParams(
            host_platform="linux-64", build_platform="linux-64", work_directory=str(tmp_path / "work"),
            channels=[str(local_channel)], variant_files=[str(local_channel / "variants.yaml")],
        ))  # fmt: skip
    (output,) = result.outputs
    assert (output.metadata.name, output.metadata.version, output.metadata.subdir) == ("greetc", "1.2.0", "linux-64")
    assert output.metadata.variant["c_compiler"] == "gcc" and output.metadata.variant["c_stdlib"] == "sysroot"
    assert result.input_globs == []
    recipe = (tmp_path / "work" / "debug" / "recipe.yaml").read_text()
    assert "- \"${{ compiler('c') }}\"\n    - \"${{ stdlib('c') }}\"\n    - cmake\n    - ninja\n" in recipe
