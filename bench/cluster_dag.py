"""kiln build of a synthetic DAG of sleeping packages: the local pool against a Dask cluster, 1 to 8 workers.

Run: .venv/bin/python bench/cluster_dag.py [--packages 200 --sleep 1 --workers 1,2,4,8 | --quick]
(the Dask part needs ``distributed``: ``pip install kiln[dask]``; ``--no-dask`` for the local
pool only; the defaults take about 20 minutes, ``--quick`` about 1)

The workspace holds ``--packages`` cheap ``noarch: generic`` recipe packages of the
rattler-build backend in ``--layers`` layers (default 5 of 40) and a root ``app``.
Each build script sleeps ``--sleep`` seconds, so builds are sleep-bound and scale past
the machine's cores. Every package of a layer needs 1 or 2 packages of the layer
before it at run time (seeded, so every run builds the same graph); ``app`` needs
every package nothing else needs, so ``kiln build --path ROOT/app`` builds them all.
Only run dependencies: no host environment is installed, so a build costs its sleep and
kiln's and rattler-build's fixed work per package.

First the metadata phase alone (a cold ``--render-only``, on one thread and with
``-j 2``: it runs on the caller, also with ``--scheduler``). After one warm-up build
(so every package's ``conda/outputs`` is cached), for each
worker count N, with ``--force`` (every archive rebuilt, metadata reused):

* the local pool, ``kiln build -j N``;
* a Dask cluster of N single-threaded worker processes started for it (a
  ``LocalCluster`` on loopback; its own ``RATTLER_CACHE_DIR``), ``kiln build
  --scheduler tcp://...``; the cluster's start is not timed, its workers' first task is.
  The cluster's scheduler counts the tasks it saw finish: a build that did not reach
  the workers (or a no-op that did) stops the bench.

Reported for each N: both wall times, the speed-up against N = 1 of the same kind and
that speed-up / N (target >= 0.8), the scheduling overhead per package
(T_dask - T_local) / packages (target <= 0.1 s), and (T_dask - ideal) / packages, ideal
being the lower bound max(packages * sleep / N, critical path * sleep).
Then a no-op (everything cached): ``kiln build`` against ``kiln build --scheduler
tcp://...``, median of 3 each (target: the scheduler adds <= 0.2 s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

KILN = str(Path(sys.executable).parent / "kiln")

from frontend_cache import kiln_build  # noqa: E402 (the same runner, from the bench folder)


@dataclass
class Dag:
    """The synthetic workspace's graph: package name -> the packages it needs at run time."""

    deps: dict[str, list[str]]
    depth: int
    """Packages on the longest dependency path, ``app`` included: the critical path in builds."""


def make_dag(count: int, layers: int, seed: int) -> Dag:
    """Layers as even as ``count`` allows; each package needs 1-2 of the layer before (every one of
    which is needed when the layers are even); ``app`` needs what nothing else needs (the last layer)."""
    rng = random.Random(seed)
    layers = max(1, min(layers, count))
    sizes = [count // layers + (1 if i < count % layers else 0) for i in range(layers)]
    deps: dict[str, list[str]] = {}
    previous: list[str] = []
    for layer, size in enumerate(sizes):
        current = [f"l{layer}-p{i:03d}" for i in range(size)]
        cover = rng.sample(previous, len(previous))  # first deps: each of the layer before, once if it can
        for i, name in enumerate(current):
            if not previous:
                deps[name] = []
                continue
            first = cover[i % len(cover)]
            others = [p for p in previous if p != first]
            deps[name] = sorted([first, *([rng.choice(others)] if others and rng.random() < 0.5 else [])])
        previous = current
    needed = {d for ds in deps.values() for d in ds}
    deps["app"] = [name for name in deps if name not in needed]
    return Dag(deps, layers + 1)


def write_workspace(root: Path, dag: Dag, sleep: float) -> None:
    (root / "pixi.toml").write_text('[workspace]\nchannels = []\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n')
    for name, deps in dag.deps.items():
        pkg = root / name
        pkg.mkdir()
        table = "".join(f'{d} = {{ path = "../{d}" }}\n' for d in deps)
        run = f"\n[package.run-dependencies]\n{table}" if deps else ""
        (pkg / "pixi.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "1.0.0"\n\n[package.build.backend]\n'
            f'name = "pixi-build-rattler-build"\nversion = "*"\n{run}'
        )
        requirements = f"requirements:\n  run: [{', '.join(deps)}]\n" if deps else ""
        (pkg / "recipe.yaml").write_text(
            f'package: {{name: {name}, version: "1.0.0"}}\n'
            "build:\n  noarch: generic\n  script:\n"
            f"    - sleep {sleep:g}\n"
            f"    - mkdir -p $PREFIX/share/{name}\n"
            f"    - echo {name} > $PREFIX/share/{name}/name.txt\n{requirements}"
        )


@dataclass
class Runner:
    """``kiln build`` of the workspace's ``app`` against the bench's channel, checked."""

    app: Path
    out: Path
    channel: Path
    total: int

    def build(self, *extra: str, expect: str) -> float:
        """Wall time of one build; every package must come back ``expect`` (``built`` or ``cached``)."""
        elapsed, summary = kiln_build(self.app, self.out, "--channel", str(self.channel), *extra)
        statuses = [p["status"] for p in summary["packages"]]
        if len(statuses) != self.total or any(s != expect for s in statuses):
            others = sorted({s for s in statuses if s != expect})
            raise SystemExit(f"kiln build {' '.join(extra)}: {len(statuses)} packages, expected {self.total} "
                             f"all {expect}; also saw {others}")  # fmt: skip
        return elapsed


@dataclass
class Finished:
    """What the cluster's scheduler saw finish: so a build that never reached the workers is caught."""

    tasks: int = 0
    workers: set[str] = field(default_factory=set)


@contextmanager
def dask_cluster(workers: int, worker_cache: Path) -> Iterator[tuple[str, Finished]]:
    """A cluster of ``workers`` single-threaded worker processes on loopback; yields its tcp
    address and the tally of tasks its scheduler saw finish."""
    try:
        from distributed import Client, LocalCluster
        from distributed.diagnostics.plugin import SchedulerPlugin
    except ImportError:
        raise SystemExit("the Dask part needs distributed: pip install 'kiln[dask]'") from None

    finished = Finished()

    class Tally(SchedulerPlugin):
        def transition(self, key, start, finish, *args, **kwargs):  # type: ignore[no-untyped-def]
            if finish == "memory" and start == "processing":
                finished.tasks += 1
                if kwargs.get("worker"):
                    finished.workers.add(kwargs["worker"])

    worker_cache.mkdir(parents=True, exist_ok=True)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env={"RATTLER_CACHE_DIR": str(worker_cache)},
    )
    try:
        cluster.scheduler.add_plugin(Tally(), name="kiln-bench-tally")
        with Client(cluster) as client:
            client.wait_for_workers(workers, timeout=120)
        yield cluster.scheduler_address, finished
    finally:
        cluster.close()


@dataclass
class Row:
    workers: int
    local: float
    dask: float | None
    ideal: float


def scaling(times: dict[int, float], n: int) -> str:
    """Wall time at N, speed-up against N = 1 of the same kind, and that speed-up / N."""
    if n not in times:
        return f"{'-':>7} {'-':>5} {'-':>5}"
    if 1 not in times:
        return f"{times[n]:7.2f} {'-':>5} {'-':>5}"
    up = times[1] / times[n]
    return f"{times[n]:7.2f} {up:5.2f} {up / n:5.2f}"


def report(rows: list[Row], built: int) -> None:
    local = {r.workers: r.local for r in rows}
    dask = {r.workers: r.dask for r in rows if r.dask is not None}
    print(f"{'N':>2} | {'local s':>7} {'x1':>5} {'x/N':>5} | {'dask s':>7} {'x1':>5} {'x/N':>5} | "
          f"{'ideal s':>7} | {'(dask-local)/pkg':>16} {'(dask-ideal)/pkg':>16}")  # fmt: skip
    for r in rows:
        over = ""
        if r.dask is not None:
            over = f"{(r.dask - r.local) / built:+14.3f} s {(r.dask - r.ideal) / built:+14.3f} s"
        print(f"{r.workers:2d} | {scaling(local, r.workers)} | {scaling(dask, r.workers)} | {r.ideal:7.2f} | {over}")
    print("targets: x/N >= 0.8 for N <= 8 (x1 = speed-up against N = 1 of the same kind); (dask-local)/pkg <= 0.1 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=int, default=200, help="packages besides the root app")
    parser.add_argument("--layers", type=int, default=5, help="layers of the DAG")
    parser.add_argument("--sleep", type=float, default=1.0, help="seconds each build script sleeps")
    parser.add_argument("--workers", default="1,2,4,8", help="worker counts, comma-separated")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-dask", action="store_true", help="only the local pool")
    parser.add_argument("--quick", action="store_true", help="smoke test: 30 packages, 0.3 s, workers 1,2")
    args = parser.parse_args()
    if args.quick:
        args.packages, args.sleep, args.workers = 30, 0.3, "1,2"
    try:
        counts = sorted({int(n) for n in args.workers.split(",")})
    except ValueError:
        counts = []
    if not counts or counts[0] < 1:
        raise SystemExit(f"--workers {args.workers}: expected positive counts such as 1,2,4,8")
    if args.packages < 1 or args.layers < 1 or args.sleep < 0:
        raise SystemExit("--packages and --layers must be >= 1, --sleep >= 0")
    with tempfile.TemporaryDirectory(prefix="kiln-bench-dag-") as name:
        run(args, counts, Path(name))


def run(args: argparse.Namespace, counts: list[int], tmp: Path) -> None:
    os.environ.setdefault("RATTLER_CACHE_DIR", str(tmp / "caller-cache"))
    channel = tmp / "channel"
    subprocess.run([KILN, "channel", "bootstrap", str(channel), "--quiet"], check=True)
    dag = make_dag(args.packages, args.layers, args.seed)
    ws = tmp / "ws"
    ws.mkdir()
    write_workspace(ws, dag, args.sleep)
    total = len(dag.deps)
    runner = Runner(ws / "app", tmp / "out", channel, total)
    print(f"synthetic DAG: {args.packages} packages in {args.layers} layers + app, "
          f"{sum(map(len, dag.deps.values()))} run edges, critical path {dag.depth} builds, "
          f"builds sleep {args.sleep:g} s", flush=True)  # fmt: skip
    # the metadata phase (conda/outputs of every package) stays on the caller: cold, on
    # fresh copies of the workspace, on one thread and on -j 2 (this machine's cores)
    for jobs in (1, 2):
        copy = tmp / f"plan-{jobs}"
        copy.mkdir()
        write_workspace(copy, dag, args.sleep)
        planned = Runner(copy / "app", tmp / "out", channel, total).build("--render-only", "-j", str(jobs),
                                                                          expect="rendered")  # fmt: skip
        print(f"metadata phase, cold (--render-only -j {jobs}): {planned:.2f} s", flush=True)
    warm = runner.build("-j", str(max(counts)), expect="built")
    print(f"warm-up build (-j {max(counts)}): {warm:.2f} s", flush=True)
    rows: list[Row] = []
    local_noop: list[float] = []
    dask_noop: list[float] = []
    for n in counts:
        ideal = max(total * args.sleep / n, dag.depth * args.sleep)
        local = runner.build("--force", "-j", str(n), expect="built")
        print(f"  local -j {n}: {local:.2f} s", flush=True)
        dask = None
        if not args.no_dask:
            with dask_cluster(n, tmp / f"worker-cache-{n}") as (address, finished):
                dask = runner.build("--force", "--scheduler", address, expect="built")
                print(f"  dask, {n} workers: {dask:.2f} s ({finished.tasks} tasks finished "
                      f"on {len(finished.workers)} of them)", flush=True)  # fmt: skip
                if finished.tasks < total:
                    raise SystemExit(f"--scheduler {address}: {total} packages built but the cluster "
                                     f"finished only {finished.tasks} tasks")  # fmt: skip
                before = finished.tasks
                if n == counts[-1]:  # no-op, alternating, while a cluster is up
                    for _ in range(3):
                        local_noop.append(runner.build(expect="cached"))
                        dask_noop.append(runner.build("--scheduler", address, expect="cached"))
                    if finished.tasks != before:
                        ran = finished.tasks - before
                        raise SystemExit(f"a no-op --scheduler build ran {ran} tasks on the cluster")
        rows.append(Row(n, local, dask, ideal))
    print(f"\n{total} packages (app included), each build sleeping {args.sleep:g} s, wall times:")
    report(rows, total)
    if dask_noop:
        lo, da = statistics.median(local_noop), statistics.median(dask_noop)
        print(f"\nno-op (median of 3): kiln build {lo:.3f} s, --scheduler {da:.3f} s, "
              f"difference {da - lo:+.3f} s   target <= 0.2 s")  # fmt: skip
    else:
        print("\nno-op:", *(f"{runner.build(expect='cached'):.3f} s" for _ in range(3)), "(local only)")


if __name__ == "__main__":
    main()
