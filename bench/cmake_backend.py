"""Benchmark pixi-build-cmake: conda/outputs latency, a full build against CMake alone, an incremental rebuild.

Three figures, all measured in this one run, through the real ``pixi-build-cmake``
executable over stdio, on a generated C project of ``--files`` (default 20) library
sources plus a program:

1. ``conda/outputs`` after ``initialize``: the first call (cold: it imports
   rattler-build) and the median of the following ones. Target: <= 200 ms.
2. A full ``conda/build_v1`` (fresh work directory) against a direct
   ``cmake -GNinja -S ... -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=...
   -DBUILD_SHARED_LIBS=ON && cmake --build . --target install`` of the same sources,
   with the compiler the channel's gcc shim runs (the host's ``cc``); medians over
   ``--rounds`` alternating runs, package cache warm. Target: ratio <= 1.3.
3. A rebuild after editing one source file, in the work directory of a full build,
   against that full build. Target: <= 0.2.

Usage: ``.venv/bin/python bench/cmake_backend.py [--channel DIR] [--rounds N] [--files N]``.
Without ``--channel`` a channel is made with ``kiln channel bootstrap`` in a temp dir.
Nothing here reaches a network: only the local channel is passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess

BIN = Path(sys.executable).parent
MODEL = {"name": "bench-cmake", "version": "1.0.0", "targets": {"defaultTarget": {}}}
#: Functions per generated source file: enough that compiling, not process start-up, dominates.
FUNCTIONS = 40


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def write_project(root: Path, files: int) -> None:
    (root / "src").mkdir(parents=True)
    names = []
    for i in range(files):
        body = "\n".join(
            f"double f{i}_{j}(double x) {{ double s = 0; for (int k = 0; k < {j + 3}; ++k) "
            f"s += (x * k + {j}) / (k + 1.5) - (k % 3 ? x : -x); return s; }}"
            for j in range(FUNCTIONS)
        )
        entry = f"double part{i}(double x) {{ return f{i}_0(x); }}\n"
        (root / "src" / f"part{i}.c").write_text(f"/* part {i} */\n{body}\n{entry}")
        names.append(f"src/part{i}.c")
    calls = " + ".join(f"part{i}(1.0)" for i in range(files))
    protos = "\n".join(f"double part{i}(double);" for i in range(files))
    main = f'int main(void) {{ printf("%f\\n", {calls}); return 0; }}\n'
    (root / "main.c").write_text(f"#include <stdio.h>\n{protos}\n{main}")
    (root / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(bench-cmake C)\n"
        f"add_library(parts {' '.join(names)})\nadd_executable(bench-cmake main.c)\n"
        "target_link_libraries(bench-cmake PRIVATE parts)\ninstall(TARGETS parts bench-cmake)\n"
    )


def direct_build(source: Path, scratch: Path) -> None:
    """CMake alone: configure with the backend's flags, build and install."""
    build, prefix = scratch / "direct-build", scratch / "direct-prefix"
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(prefix, ignore_errors=True)
    env = {**os.environ, "CC": shutil.which("cc") or "cc"}
    subprocess.run(
        ["cmake", "-GNinja", "-S", str(source), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
         f"-DCMAKE_INSTALL_PREFIX={prefix}", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DBUILD_SHARED_LIBS=ON"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    subprocess.run(["cmake", "--build", str(build), "--target", "install"], check=True, capture_output=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channel", type=Path, help="local channel to build from (default: bootstrap one)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per side (default 3)")
    parser.add_argument("--files", type=int, default=20, help="library source files (default 20)")
    parser.add_argument("--outputs-repeats", type=int, default=10, help="warm conda/outputs calls (default 10)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kiln-bench-cmake-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(scratch / "rattler-cache"))
    try:
        if args.channel:
            channel = args.channel.resolve()
        else:
            channel = scratch / "channel"
            subprocess.run([str(BIN / "kiln"), "channel", "bootstrap", str(channel), "--quiet"], check=True)
        source = scratch / "project"
        write_project(source, args.files)
        from kiln.conda.platforms import current_platform

        platform = current_platform()
        with BackendProcess([str(BIN / "pixi-build-cmake"), "-q"]) as backend:
            backend.negotiate_capabilities()
            init, _ = timed(lambda: backend.initialize(t.InitializeParams(
                manifest_path=str(source / "pixi.toml"), source_directory=str(source),
                project_model=msgspec.convert(MODEL, t.ProjectModel), configuration={"compilers": ["c"]},
            )))  # fmt: skip
            params = t.CondaOutputsParams(
                host_platform=platform, build_platform=platform, work_directory=str(scratch / "meta"),
                channels=[str(channel)], variant_files=[str(channel / "variants.yaml")],
            )  # fmt: skip
            first, result = timed(lambda: backend.conda_outputs(params))
            repeats = range(args.outputs_repeats)
            warm = statistics.median(timed(lambda: backend.conda_outputs(params))[0] for _ in repeats)
            meta = result.outputs[0].metadata
            print(f"initialize {init * 1000:.0f} ms; conda/outputs: first {first * 1000:.0f} ms, "
                  f"then median {warm * 1000:.0f} ms (target <= 200 ms)")  # fmt: skip

            def backend_build(work: Path) -> None:
                backend.conda_build_v1(t.CondaBuildV1Params(
                    output=t.CondaBuildV1Output(name=meta.name, subdir=meta.subdir, version=meta.version,
                                                build=meta.build, variant=meta.variant),
                    work_directory=str(work), channels=[str(channel)], output_directory=str(scratch / "out"),
                ))  # fmt: skip

            backend_build(scratch / "warm-up")  # fills the package cache
            direct_build(source, scratch)
            cold, direct, rebuild = [], [], []
            edited = source / "src" / "part0.c"
            for i in range(args.rounds):
                work = scratch / f"work-{i}"
                cold.append(timed(lambda: backend_build(work))[0])
                direct.append(timed(lambda: direct_build(source, scratch))[0])
                edited.write_text(edited.read_text() + f"/* edit {i} */\n")
                rebuild.append(timed(lambda: backend_build(work))[0])
        cold_m, direct_m, rebuild_m = (statistics.median(x) for x in (cold, direct, rebuild))
        fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
        print(f"conda/build_v1 full: median {cold_m:.2f} s ({fmt(cold)})")
        print(f"cmake + ninja direct: median {direct_m:.2f} s ({fmt(direct)})")
        print(f"ratio full build / direct: {cold_m / direct_m:.2f} (target <= 1.3)")
        print(f"conda/build_v1 after one edit: median {rebuild_m:.2f} s ({fmt(rebuild)})")
        print(f"ratio rebuild / full build: {rebuild_m / cold_m:.2f} (target <= 0.2)")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # rattler can crash at interpreter exit (DESIGN)
