"""Benchmark pixi-build-r: conda/outputs latency, and a full build against ``R CMD INSTALL`` alone.

Two figures, both measured in this one run on the pure-R test package
(``tests/data/r/hellor``):

1. ``conda/outputs`` after ``initialize`` through the real ``pixi-build-r``
   executable over stdio -- the first call and the median of the following ones.
   Target: <= 200 ms.
2. A full ``conda/build_v1`` (recipe, environments, ``R CMD INSTALL``, packaging)
   against ``R CMD INSTALL --library=DIR`` of the same package with the machine's R,
   medians over ``--rounds`` alternating runs (the package cache warm). Target: ratio <= 1.5.

Usage: ``.venv/bin/python bench/r_backend.py [--channel DIR] [--rounds N]``. Without
``--channel`` a channel is made with ``kiln channel bootstrap`` (it needs R on PATH
for ``r-base``). Nothing here reaches a network: only the local channel is passed.
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

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tests" / "data" / "r" / "hellor"
BIN = Path(sys.executable).parent
MODEL = {"targets": {"defaultTarget": {}}}  # name and version from DESCRIPTION


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channel", type=Path, help="local channel to build from (default: bootstrap one)")
    parser.add_argument("--rounds", type=int, default=5, help="timed build rounds per side (default 5)")
    parser.add_argument("--outputs-repeats", type=int, default=10, help="warm conda/outputs calls (default 10)")
    args = parser.parse_args()
    if shutil.which("R") is None:
        print("R is not installed (scripts/ensure-r.sh): nothing to measure")
        return 1

    scratch = Path(tempfile.mkdtemp(prefix="kiln-bench-r-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(scratch / "rattler-cache"))
    try:
        if args.channel:
            channel = args.channel.resolve()
        else:
            channel = scratch / "channel"
            subprocess.run([str(BIN / "kiln"), "channel", "bootstrap", str(channel), "--quiet",
                            "--only", "python,c,cxx,fortran,stdlib,r"], check=True)  # fmt: skip
        variants = channel / "variants.yaml"
        source = shutil.copytree(PACKAGE, scratch / "hellor")
        from kiln.conda.platforms import current_platform

        platform = current_platform()
        spawn, backend = timed(lambda: BackendProcess([str(BIN / "pixi-build-r"), "-q"]))
        with backend:
            negotiate, _ = timed(backend.negotiate_capabilities)
            init, _ = timed(
                lambda: backend.initialize(
                    t.InitializeParams(
                        manifest_path=str(source / "pixi.toml"),
                        source_directory=str(source),
                        project_model=msgspec.convert(MODEL, t.ProjectModel),
                    )
                )
            )
            params = t.CondaOutputsParams(
                host_platform=platform,
                build_platform=platform,
                work_directory=str(scratch / "work"),
                channels=[str(channel)],
                variant_files=[str(variants)] if variants.is_file() else None,
            )
            first, result = timed(lambda: backend.conda_outputs(params))
            repeats = [timed(lambda: backend.conda_outputs(params))[0] for _ in range(args.outputs_repeats)]
            warm = statistics.median(repeats)
            meta = result.outputs[0].metadata
            print(f"spawn {spawn * 1000:.0f} ms, negotiateCapabilities {negotiate * 1000:.0f} ms, "
                  f"initialize {init * 1000:.0f} ms")  # fmt: skip
            print(f"conda/outputs: first {first * 1000:.0f} ms, then median {warm * 1000:.0f} ms "
                  f"(target <= 200 ms) -> {meta.name} {meta.version} {meta.build} [{meta.subdir}]")  # fmt: skip

            def backend_build(i: int) -> None:
                backend.conda_build_v1(
                    t.CondaBuildV1Params(
                        output=t.CondaBuildV1Output(name=meta.name, subdir=meta.subdir, version=meta.version,
                                                    build=meta.build, variant=meta.variant),  # fmt: skip
                        work_directory=str(scratch / "work"),
                        channels=[str(channel)],
                        output_directory=str(scratch / f"backend-out-{i}"),
                    )
                )

            def r_install(i: int) -> None:
                library = scratch / f"library-{i}"
                library.mkdir()
                subprocess.run(["R", "CMD", "INSTALL", f"--library={library}", "--no-lock", str(source)],
                               check=True, capture_output=True)  # fmt: skip

            backend_build(0)  # warm-up: fills the package cache
            r_install(0)
            kiln_times, r_times = [], []
            for i in range(1, args.rounds + 1):
                kiln_times.append(timed(lambda i=i: backend_build(i))[0])
                r_times.append(timed(lambda i=i: r_install(i))[0])
        kiln_median, r_median = statistics.median(kiln_times), statistics.median(r_times)
        print(f"conda/build_v1: median {kiln_median:.2f} s over {args.rounds} "
              f"({', '.join(f'{x:.2f}' for x in kiln_times)})")  # fmt: skip
        print(f"R CMD INSTALL --library=DIR: median {r_median:.2f} s over {args.rounds} "
              f"({', '.join(f'{x:.2f}' for x in r_times)})")  # fmt: skip
        print(f"ratio conda/build_v1 / R CMD INSTALL: {kiln_median / r_median:.2f} (target <= 1.5)")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # rattler can crash at interpreter exit (DESIGN)
