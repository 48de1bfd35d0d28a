"""Benchmark pixi-build-rust: ``conda/outputs`` latency after ``initialize``.

Measured through the real ``pixi-build-rust`` executable over stdio on the cargo
workspace member ``tests/projects/rust-workspace/app`` (Cargo.toml with workspace
inheritance read on every call): the first call (cold: it imports rattler-build)
and the median of the following ones. Target: <= 200 ms.

Usage: ``.venv/bin/python bench/rust_backend.py [--channel DIR] [--repeats N]``.
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
PROJECT = ROOT / "tests" / "projects" / "rust-workspace"
BIN = Path(sys.executable).parent
#: What pixi sends for app/pixi.toml: no name or version (they come from Cargo.toml).
MODEL = {"targets": {"defaultTarget": {}}}
CONFIG = {"binaries": ["ws-hello"], "env": {"CARGO_NET_OFFLINE": "true"}}
TARGET_MS = 200


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channel", type=Path, help="local channel (default: bootstrap one)")
    parser.add_argument("--repeats", type=int, default=10, help="warm conda/outputs calls (default 10)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kiln-bench-rust-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(scratch / "rattler-cache"))
    try:
        if args.channel:
            channel = args.channel.resolve()
        else:
            channel = scratch / "channel"
            subprocess.run([str(BIN / "kiln"), "channel", "bootstrap", str(channel), "--quiet"], check=True)
        variants = channel / "variants.yaml"
        ws = shutil.copytree(PROJECT, scratch / "ws")
        from kiln.conda.platforms import current_platform

        platform = current_platform()
        spawn, backend = timed(lambda: BackendProcess([str(BIN / "pixi-build-rust"), "-q"]))
        with backend:
            negotiate, _ = timed(backend.negotiate_capabilities)
            init, _ = timed(
                lambda: backend.initialize(
                    t.InitializeParams(
                        manifest_path=str(ws / "app" / "pixi.toml"),
                        source_directory=str(ws / "app"),
                        project_model=msgspec.convert(MODEL, t.ProjectModel),
                        configuration=CONFIG,
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
            warm = statistics.median(timed(lambda: backend.conda_outputs(params))[0] for _ in range(args.repeats))
        meta = result.outputs[0].metadata
        print(
            f"spawn {spawn * 1000:.0f} ms, negotiateCapabilities {negotiate * 1000:.0f} ms, "
            f"initialize {init * 1000:.0f} ms"
        )
        print(f"conda/outputs ({meta.name} {meta.version} {meta.build}): first {first * 1000:.0f} ms, "
              f"warm median {warm * 1000:.0f} ms (target <= {TARGET_MS} ms)")  # fmt: skip
        ok = first * 1000 <= TARGET_MS
        print("PASS" if ok else "FAIL", f"first conda/outputs after initialize: {first * 1000:.0f} ms")
        return 0 if ok else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
