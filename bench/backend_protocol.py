"""Backend start-up, conda/outputs latency and peak memory, measured side by side.

Run: .venv/bin/python bench/backend_protocol.py [--runs N]

* cold start: spawn pixi-build-rattler-build -> negotiateCapabilities and initialize
  answered; median over N runs, interleaved with a bare ``python -c pass`` of the
  same interpreter, and the ratio of the two medians. Also checks which heavy
  modules (rattler_build, rattler, jinja2, rich) were imported on that path.
* conda/outputs for the example recipe (examples/hello-recipe), measured after
  initialize on a fresh process each time (the first call pays the imports).
* peak RSS of a backend process through a full conda/build_v1 request.

Targets (issue 2): start-up median <= 50 ms and <= 4x bare python; outputs <= 150 ms;
peak RSS <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BACKEND = str(BIN / "pixi-build-rattler-build")
RECIPE = ROOT / "examples" / "hello-recipe" / "recipe.yaml"
HEAVY = ("rattler_build", "rattler", "jinja2", "rich")


def _line(obj) -> bytes:
    return json.dumps(obj).encode() + b"\n"


NEGOTIATE = _line({"jsonrpc": "2.0", "id": 0, "method": "negotiateCapabilities", "params": {"capabilities": {}}})
INITIALIZE = _line(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "manifestPath": str(RECIPE),
            "sourceDirectory": str(RECIPE.parent),
            "workspaceDirectory": str(RECIPE.parent),
            "projectModel": None,
            "configuration": None,
            "targetConfiguration": None,
        },
    }
)


def _outputs_line(work: str) -> bytes:
    return _line(
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "conda/outputs",
            "params": {"channels": [], "hostPlatform": "linux-64", "buildPlatform": "linux-64", "workDirectory": work},
        }
    )


def _ask(proc: subprocess.Popen, line: bytes) -> dict:
    proc.stdin.write(line)
    proc.stdin.flush()
    reply = json.loads(proc.stdout.readline())
    assert "result" in reply, reply
    return reply


def cold_start() -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([BACKEND], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    _ask(proc, NEGOTIATE)
    _ask(proc, INITIALIZE)
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.wait()
    return elapsed


def bare_python() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def heavy_imports_on_startup() -> list[str]:
    """Modules of HEAVY imported while answering negotiate + initialize."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", BACKEND], input=NEGOTIATE + INITIALIZE, capture_output=True, check=True
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.decode().splitlines() if "|" in line}
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


def outputs_after_initialize(work: str) -> float:
    proc = subprocess.Popen([BACKEND], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _ask(proc, NEGOTIATE)
    _ask(proc, INITIALIZE)
    start = time.perf_counter()
    _ask(proc, _outputs_line(work))
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.wait()
    return elapsed


def peak_rss_of_a_build(tmp: str) -> float:
    """Max RSS (MB) of the backend through outputs + build_v1 (largest child of ours)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen([BACKEND], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _ask(proc, NEGOTIATE)
    _ask(proc, INITIALIZE)
    meta = _ask(proc, _outputs_line(tmp))["result"]["outputs"][0]["metadata"]
    channel = Path(tmp) / "channel"
    (channel / "noarch").mkdir(parents=True, exist_ok=True)
    build = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "conda/build_v1",
        "params": {
            "output": {k: meta[k] for k in ("name", "version", "build", "subdir", "variant")},
            "workDirectory": str(Path(tmp) / "bld"),
            "channels": [str(channel)],
        },
    }
    _ask(proc, _line(build))
    proc.stdin.close()
    proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("RATTLER_CACHE_DIR", tempfile.mkdtemp(prefix="kiln-bench-cache-"))
    cold_start(), bare_python()  # warm the page cache
    starts, bares = [], []
    for _ in range(args.runs):
        starts.append(cold_start())
        bares.append(bare_python())
    start_ms, bare_ms = statistics.median(starts) * 1000, statistics.median(bares) * 1000
    heavy = heavy_imports_on_startup()
    with tempfile.TemporaryDirectory() as tmp:
        outputs = [outputs_after_initialize(tmp) for _ in range(max(5, args.runs // 3))]
        outputs_ms = statistics.median(outputs) * 1000
        rss = peak_rss_of_a_build(tmp)
    print(f"backend start-up (negotiate+initialize), median of {args.runs}: {start_ms:6.1f} ms   target <= 50 ms")
    print(f"bare `python -c pass`, same run:                   {bare_ms:6.1f} ms")
    print(f"ratio start-up / bare python:                      {start_ms / bare_ms:6.2f}x    target <= 4x")
    print(f"heavy modules imported on the start-up path:       {', '.join(heavy) or 'none'}")
    print(f"conda/outputs after initialize (example recipe):   {outputs_ms:6.1f} ms   target <= 150 ms")
    print(f"peak RSS of a backend through conda/build_v1:      {rss:6.1f} MB   target <= 150 MB")


if __name__ == "__main__":
    main()
