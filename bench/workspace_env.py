"""``kiln run`` and ``kiln install`` on pixi's python_rich example (offline): the edit-and-run loop's cost.

Run: .venv/bin/python bench/workspace_env.py [--runs N] [--channel DIR]

Measured, in one run, on a fresh copy of ``examples/python_rich`` (its channel
replaced by an offline one ``kiln channel bootstrap`` makes, or ``--channel``):

* the first ``kiln run start``: builds both source packages, solves, writes
  ``pixi.lock``, installs ``.pixi/envs/default`` and runs the console script;
* ``kiln run start`` with nothing changed (median of N). Targets (issue 13):
  <= 0.3 s and <= 5 % of the first run;
* ``kiln install`` with nothing changed (median of N): the stamp check. Target <= 0.3 s;
* ``kiln install`` after the environment was deleted, from the unchanged lock: the
  sources' caches hit, no solve, the lock's records installed (median of N). Target
  <= 0.3 s is issue 13's ``install from an unchanged lock``; reported as well.
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

ROOT = Path(__file__).resolve().parents[1]
KILN = str(Path(sys.executable).parent / "kiln")


def timed(*args: str, cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([KILN, *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kiln {' '.join(args)} failed:\n{done.stderr}")
    return elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--channel", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kiln-bench-env-"))
    os.environ.setdefault("RATTLER_CACHE_DIR", str(tmp / "cache"))
    channel = Path(args.channel).absolute() if args.channel else tmp / "channel"
    if not args.channel:
        subprocess.run([KILN, "channel", "bootstrap", str(channel), "--quiet"], check=True)
    ws = shutil.copytree(ROOT / "examples" / "python_rich", tmp / "ws",
                         ignore=shutil.ignore_patterns(".pixi", "pixi.lock"))  # fmt: skip
    manifest = ws / "pixi.toml"
    manifest.write_text(manifest.read_text().replace('"../../build/demo/channel"', f'"{channel}"'))
    first, done = timed("run", "start", cwd=ws)
    print(f"first kiln run start:            {first:7.3f} s   ({done.stdout.splitlines()[0]!r})")
    noop = statistics.median(timed("run", "start", cwd=ws)[0] for _ in range(args.runs))
    ok = noop <= 0.3 and noop <= 0.05 * first
    print(f"kiln run start, nothing changed: {noop:7.3f} s   {100 * noop / first:5.1f} % of the first  "
          f"(target <= 0.3 s and <= 5 %: {'ok' if ok else 'MISSED'})")  # fmt: skip
    same = statistics.median(timed("install", cwd=ws)[0] for _ in range(args.runs))
    print(f"kiln install, nothing changed:   {same:7.3f} s   (target <= 0.3 s: {'ok' if same <= 0.3 else 'MISSED'})")
    times = []
    for _ in range(args.runs):
        shutil.rmtree(ws / ".pixi" / "envs" / "default")
        elapsed, done = timed("install", cwd=ws)
        assert "without solving" in done.stderr, done.stderr
        times.append(elapsed)
    from_lock = statistics.median(times)
    print(f"kiln install from the lock:      {from_lock:7.3f} s   (env deleted; no solve; "
          f"target <= 0.3 s: {'ok' if from_lock <= 0.3 else 'MISSED'})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
