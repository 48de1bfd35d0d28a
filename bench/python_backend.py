"""Benchmark pixi-build-python: conda/outputs latency, and build time against rattler-build alone.

Two figures, both measured in this one run on the hatchling example
(``tests/projects/python-hatchling-script``):

1. ``conda/outputs`` after ``initialize`` through the real ``pixi-build-python``
   executable over stdio -- the first call (cold: it imports rattler-build) and
   the median of the following ones. Target: <= 200 ms.
2. A full ``conda/build_v1`` against a direct ``rattler_build`` build of the very
   recipe the backend generated (its ``debug/recipe.yaml``), same variant, same
   channel, both with a warm package cache; medians over ``--rounds`` alternating
   runs. Target: ratio <= 1.2.

Usage: ``.venv/bin/python bench/python_backend.py [--channel DIR] [--rounds N]``.
Without ``--channel`` a channel is made with ``kiln channel bootstrap`` in a temp
dir. Nothing here reaches a network: only the local channel is passed.
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
PROJECT = ROOT / "tests" / "projects" / "python-hatchling-script"
BIN = Path(sys.executable).parent
MODEL = {
    "name": "greet-hatch",
    "version": "0.3.1",
    "targets": {"defaultTarget": {"hostDependencies": {"hatchling": {"binary": {"version": "*"}}}}},
}


def bootstrap_channel(scratch: Path) -> Path:
    channel = scratch / "channel"
    subprocess.run([str(BIN / "kiln"), "channel", "bootstrap", str(channel), "--quiet"], check=True)
    return channel


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def measure_outputs(backend: BackendProcess, params: t.CondaOutputsParams, repeats: int):
    first, result = timed(lambda: backend.conda_outputs(params))
    rest = [timed(lambda: backend.conda_outputs(params))[0] for _ in range(repeats)]
    return first, statistics.median(rest), result


def direct_build(recipe: Path, variant: dict, channel: Path, out: Path, platform: str) -> None:
    """rattler-build on its own: parse, render for the same variant, build."""
    from rattler_build import PlatformConfig, RenderConfig, Stage0Recipe, ToolConfiguration, VariantConfig

    config = VariantConfig({k: [v] for k, v in variant.items() if k != "target_platform"})
    render = RenderConfig(PlatformConfig(target_platform=platform, build_platform=platform, host_platform=platform))
    Stage0Recipe.from_file(recipe).run_build(
        variant_config=config,
        tool_config=ToolConfiguration(),
        output_dir=out,
        channels=[str(channel)],
        render_config=render,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channel", type=Path, help="local channel to build from (default: bootstrap one)")
    parser.add_argument("--rounds", type=int, default=5, help="timed build rounds per side (default 5)")
    parser.add_argument("--outputs-repeats", type=int, default=10, help="warm conda/outputs calls (default 10)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kiln-bench-python-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(scratch / "rattler-cache"))
    try:
        channel = args.channel.resolve() if args.channel else bootstrap_channel(scratch)
        variants = channel / "variants.yaml"
        source = scratch / "project"
        shutil.copytree(PROJECT, source)
        from kiln.conda.platforms import current_platform

        platform = current_platform()
        spawn, backend = timed(lambda: BackendProcess([str(BIN / "pixi-build-python"), "-q"]))
        with backend:
            negotiate, _ = timed(backend.negotiate_capabilities)
            init, _ = timed(
                lambda: backend.initialize(
                    t.InitializeParams(
                        manifest_path=str(source / "pixi.toml"),
                        source_directory=str(source),
                        project_model=msgspec.convert(MODEL, t.ProjectModel),
                        cache_directory=str(scratch / "pixi-cache"),
                    )
                )
            )
            outputs_params = t.CondaOutputsParams(
                host_platform=platform,
                build_platform=platform,
                work_directory=str(scratch / "work"),
                channels=[str(channel)],
                variant_files=[str(variants)] if variants.is_file() else None,
            )
            first, warm, result = measure_outputs(backend, outputs_params, args.outputs_repeats)
            meta = result.outputs[0].metadata
            print(
                f"spawn {spawn * 1000:.0f} ms, negotiateCapabilities {negotiate * 1000:.0f} ms, "
                f"initialize {init * 1000:.0f} ms"
            )
            print(
                f"conda/outputs: first {first * 1000:.0f} ms, then median {warm * 1000:.0f} ms "
                f"(target <= 200 ms) -> {meta.name} {meta.version} {meta.build} [{meta.subdir}]"
            )

            def backend_build(i: int) -> None:
                backend.conda_build_v1(
                    t.CondaBuildV1Params(
                        output=t.CondaBuildV1Output(
                            name=meta.name,
                            subdir=meta.subdir,
                            version=meta.version,
                            build=meta.build,
                            variant=meta.variant,
                        ),
                        work_directory=str(scratch / "work"),
                        channels=[str(channel)],
                        output_directory=str(scratch / f"backend-out-{i}"),
                    )
                )

            recipe = scratch / "direct" / "recipe.yaml"
            backend_build(0)  # warm-up: fills the package cache, writes debug/recipe.yaml
            recipe.parent.mkdir()
            shutil.copy(scratch / "work" / "debug" / "recipe.yaml", recipe)
            direct_build(recipe, meta.variant, channel, scratch / "direct-out-0", platform)  # warm-up
            kiln_times, direct_times = [], []
            for i in range(1, args.rounds + 1):
                kiln_times.append(timed(lambda i=i: backend_build(i))[0])
                out = scratch / f"direct-out-{i}"
                direct_times.append(
                    timed(lambda out=out: direct_build(recipe, meta.variant, channel, out, platform))[0]
                )
        kiln_median, direct_median = statistics.median(kiln_times), statistics.median(direct_times)
        print(
            f"conda/build_v1: median {kiln_median:.2f} s over {args.rounds} "
            f"({', '.join(f'{x:.2f}' for x in kiln_times)})"
        )
        print(
            f"rattler_build direct: median {direct_median:.2f} s over {args.rounds} "
            f"({', '.join(f'{x:.2f}' for x in direct_times)})"
        )
        print(f"ratio conda/build_v1 / direct: {kiln_median / direct_median:.2f} (target <= 1.2)")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # rattler can crash at interpreter exit (DESIGN)
