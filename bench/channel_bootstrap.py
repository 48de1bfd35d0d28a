"""How long ``kiln channel bootstrap`` takes, and how big the channel is, against its budget.

Runs the real command line (a fresh process each time, as a user would), in
temporary directories, and prints one line per figure:

    python bench/channel_bootstrap.py [--runs N]

Budget (issue 3): a full bootstrap <= 3 s and <= 10 MB; a second bootstrap with
nothing changed <= 0.5 s. Times are medians of N runs on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KILN = Path(sys.executable).parent / "kiln"
BUDGET = {"bootstrap_s": 3.0, "size_mb": 10.0, "rerun_s": 0.5}


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(KILN), *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def disk_usage(root: Path) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of every file below ``root``, links not followed."""
    apparent = allocated = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            apparent += st.st_size
            allocated += st.st_blocks * 512
    return apparent, allocated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiln-bench-") as scratch:
        os.environ["RATTLER_CACHE_DIR"] = str(Path(scratch) / "cache")
        startup = statistics.median(timed("--version") for _ in range(5))
        fresh, rerun = [], []
        for run in range(args.runs):
            channel = Path(scratch) / f"channel-{run}"
            fresh.append(timed("channel", "bootstrap", str(channel), "--quiet"))
            rerun.append(timed("channel", "bootstrap", str(channel), "--quiet"))
        apparent, allocated = disk_usage(Path(scratch) / "channel-0")
        packages = len(list((Path(scratch) / "channel-0").glob("*/*.conda")))
    figures = {
        "bootstrap_s": statistics.median(fresh),
        "size_mb": allocated / 1e6,
        "rerun_s": statistics.median(rerun),
    }
    print(f"kiln start-up (kiln --version), median of 5: {startup:.3f} s")
    print(f"packages in the channel: {packages}; apparent size {apparent / 1e6:.2f} MB")
    samples = {"bootstrap_s": fresh, "rerun_s": rerun, "size_mb": []}
    labels = {"bootstrap_s": "full bootstrap", "size_mb": "channel on disk", "rerun_s": "second bootstrap, unchanged"}
    for key, label in labels.items():
        unit = "MB" if key == "size_mb" else "s"
        runs = f" (runs: {', '.join(f'{t:.2f}' for t in samples[key])})" if samples[key] else ""
        share = figures[key] / BUDGET[key]
        print(f"{label}: {figures[key]:.2f} {unit} = {share:.0%} of the {BUDGET[key]} {unit} budget{runs}")


if __name__ == "__main__":
    main()
