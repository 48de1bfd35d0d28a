"""kiln build's caching, measured: no-op vs cold builds, fingerprinting, a 10-package chain.

Run: .venv/bin/python bench/frontend_cache.py [--workspace DIR --root PKG]

* no-op ``kiln build`` of a built workspace (default: tests/projects/workspace-python,
  the app -> library -> in-tree build backend workspace plus a recipe package, built
  against a freshly bootstrapped offline channel), against the cold build of the same
  workspace in the same run. Targets: <= 0.4 s and <= 10 % of the cold build.
* fingerprinting a 10 000-file source tree: the check a no-op build does (walk the
  globs, stat every file) and the first snapshot (which also hashes). Target: <= 150 ms.
* a chain of 10 source packages (each needs the next in its host environment):
  second run in total. Target: <= 1 s.
"""

from __future__ import annotations

import argparse
import json
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
sys.path.insert(0, str(ROOT / "src"))


def kiln_build(path: Path, out: Path, *extra: str) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run([KILN, "build", "--json", "--path", str(path), "-o", str(out), *extra],
                          capture_output=True, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return elapsed, json.loads(proc.stdout)


def noop_vs_cold(workspace: Path, root: str, extra: list[str], channel: Path | None) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(workspace, ws, ignore=shutil.ignore_patterns(".pixi"))
        if channel is not None:
            manifest = ws / "pixi.toml"
            manifest.write_text(manifest.read_text().replace("channels = []", f'channels = ["{channel}"]'))
        cold, summary = kiln_build(ws / root, Path(tmp) / "out", *extra)
        noops = []
        for _ in range(7):
            elapsed, again = kiln_build(ws / root, Path(tmp) / "out", *extra)
            assert again["backends_started"] == 0, again
            noops.append(elapsed)
        return cold, statistics.median(noops), len(summary["packages"])


def fingerprint_10k() -> tuple[float, float]:
    from kiln.frontend.build.fingerprint import compare, snapshot

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(10_000):
            d = root / "src" / f"mod{i // 100:03d}"
            if i % 100 == 0:
                d.mkdir(parents=True)
            (d / f"f{i:05d}.py").write_text(f"x = {i}\n")
        for i in range(50):  # things the globs must skip
            (root / ".git").mkdir(exist_ok=True)
            (root / ".git" / f"obj{i}").write_text("x")
        globs = ["pyproject.toml", "**/*.py", "!**/__pycache__/**"]
        t0 = time.perf_counter()
        recorded = snapshot(root, globs)
        first = time.perf_counter() - t0
        assert len(recorded) == 10_000
        checks = []
        for _ in range(5):
            t0 = time.perf_counter()
            assert not compare(root, globs, recorded)
            checks.append(time.perf_counter() - t0)
        return statistics.median(checks), first


def chain_of_ten() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "chain"
        ws.mkdir()
        (ws / "pixi.toml").write_text('[workspace]\nchannels = []\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n')
        for i in range(10):
            pkg = ws / f"p{i}"
            pkg.mkdir()
            dep = f'\n[package.host-dependencies]\np{i + 1} = {{ path = "../p{i + 1}" }}\n' if i < 9 else ""
            (pkg / "pixi.toml").write_text(
                f'[package]\nname = "p{i}"\nversion = "1.0.0"\n\n[package.build.backend]\n'
                f'name = "pixi-build-rattler-build"\nversion = "*"\n{dep}'
            )
            host = f"requirements:\n  host: [p{i + 1}]\n" if i < 9 else ""
            (pkg / "recipe.yaml").write_text(
                f'package: {{name: p{i}, version: "1.0.0"}}\nbuild: {{noarch: generic, script: [echo p{i}]}}\n{host}'
            )
        cold, _ = kiln_build(ws / "p0", Path(tmp) / "out", "-j", "2")
        second, summary = kiln_build(ws / "p0", Path(tmp) / "out")
        assert len(summary["packages"]) == 10 and summary["backends_started"] == 0
        return cold, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / "tests" / "projects" / "workspace-python")
    parser.add_argument("--root", default="app", help="package directory inside the workspace to build")
    parser.add_argument("--channel", action="append", default=[], help="extra channel for the workspace")
    args = parser.parse_args()
    os.environ.setdefault("RATTLER_CACHE_DIR", tempfile.mkdtemp(prefix="kiln-bench-cache-"))
    extra = [x for c in args.channel for x in ("--channel", str(Path(c).absolute()))]
    channel = None
    if not args.channel:  # the workspace's channel: an offline one made from this machine
        channel = Path(tempfile.mkdtemp(prefix="kiln-bench-channel-")) / "channel"
        subprocess.run([KILN, "channel", "bootstrap", str(channel), "--quiet"], check=True)
    cold, noop, count = noop_vs_cold(args.workspace, args.root, extra, channel)
    check, first = fingerprint_10k()
    chain_cold, chain_second = chain_of_ten()
    print(f"workspace {args.workspace.name} ({count} packages): cold build {cold:6.2f} s")
    print(f"no-op kiln build (median of 7):          {noop:6.3f} s  = {noop / cold * 100:4.1f} % of cold   "
          "target <= 0.4 s and <= 10 %")  # fmt: skip
    print(f"fingerprint check, 10 000 files:         {check * 1000:6.1f} ms   target <= 150 ms")
    print(f"first fingerprint (hashing), 10 000 files: {first * 1000:6.1f} ms")
    print(f"chain of 10 source packages: cold {chain_cold:6.2f} s, second run {chain_second:6.3f} s   target <= 1 s")


if __name__ == "__main__":
    main()
