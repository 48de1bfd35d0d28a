"""Benchmark pixi-build-ros and pixi-build-mojo: ``conda/outputs`` latency after ``initialize``.

For each backend, its real executable is spawned and driven over stdio on a small
project (ros: the ``demo_nodes_cpp`` package.xml of upstream's test fixtures;
mojo: a ``main.mojo``). Printed: spawn and ``initialize`` times, the first
``conda/outputs`` (cold: it imports rattler-build, reads the RoboStack table when present) and the
median of the following ones. Target: <= 200 ms after initialize.

Usage: ``.venv/bin/python bench/ros_mojo_backends.py [--repeats N]``. Nothing is
built and no channel is contacted: ``conda/outputs`` renders only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGE_XML = ROOT / "tests/data/upstream/recipes/current/ros/_fixtures/package_xmls/demo_nodes_cpp.xml"


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def prepare(backend: str, source: Path) -> tuple[dict, dict]:
    """(project model, config) of the benchmark project, written to ``source``."""
    source.mkdir(parents=True)
    if backend == "pixi-build-ros":
        shutil.copy(PACKAGE_XML, source / "package.xml")
        return {"targets": {"defaultTarget": {}}}, {"distro": "jazzy"}
    (source / "main.mojo").write_text("def main():\n    print('hello')\n")
    model = {
        "name": "hello-mojo",
        "version": "0.1.0",
        "targets": {"defaultTarget": {"buildDependencies": {"mojo-compiler": {"binary": {"version": "*"}}}}},
    }
    return model, {}


def bench(backend_name: str, scratch: Path, repeats: int) -> None:
    from kiln.conda.platforms import current_platform

    source = scratch / backend_name
    model, config = prepare(backend_name, source)
    platform = current_platform()
    spawn, backend = timed(lambda: BackendProcess([str(BIN / backend_name), "-q"]))
    with backend:
        backend.negotiate_capabilities()
        init, _ = timed(
            lambda: backend.initialize(
                t.InitializeParams(
                    manifest_path=str(source),
                    source_directory=str(source),
                    project_model=msgspec.convert(model, t.ProjectModel),
                    configuration=config,
                )
            )
        )
        params = t.CondaOutputsParams(
            host_platform=platform, build_platform=platform, work_directory=str(scratch / f"work-{backend_name}")
        )
        first, result = timed(lambda: backend.conda_outputs(params))
        rest = [timed(lambda: backend.conda_outputs(params))[0] for _ in range(repeats)]
    warm = statistics.median(rest)
    meta = result.outputs[0].metadata
    print(
        f"{backend_name}: spawn {spawn * 1000:.0f} ms, initialize {init * 1000:.0f} ms, "
        f"conda/outputs first {first * 1000:.0f} ms, then median {warm * 1000:.0f} ms over {repeats} "
        f"(target <= 200 ms) -> {meta.name} {meta.version} {meta.build} [{meta.subdir}]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10, help="warm conda/outputs calls per backend (default 10)")
    parser.add_argument("--only", choices=["pixi-build-ros", "pixi-build-mojo"], help="benchmark one backend")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kiln-bench-rosmojo-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(scratch / "rattler-cache"))
    try:
        for name in [args.only] if args.only else ["pixi-build-ros", "pixi-build-mojo"]:
            bench(name, scratch, args.repeats)
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # rattler can crash at interpreter exit (DESIGN)
