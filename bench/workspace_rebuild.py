"""kiln build of a synthetic 101-package workspace linked at run time: no-op and one-edit rebuilds.

Run: .venv/bin/python bench/workspace_rebuild.py [--packages N]

The workspace holds ``app`` and ``p000`` .. ``p099`` (cheap ``noarch: generic`` recipe
packages of the rattler-build backend). ``app`` needs ``p000`` at run time and each
``pNNN`` needs the next one at run time, so every package depends, through run
dependencies, on all those after it. Measured, each with the number of packages rebuilt:

* the cold build (``-j 2``);
* a no-op rebuild (median of 3). Target: nothing rebuilt, no backend started, <= 2 s;
* the rebuild after editing one file of the middle package ``p050``. A run dependency
  does not change its dependents' archives, so only the edited package is rebuilt
  (pixi's rule: dependents are rebuilt through build and host dependencies only).
  Target: 1 package rebuilt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

KILN = str(Path(sys.executable).parent / "kiln")

from frontend_cache import kiln_build  # noqa: E402 (the same runner, from the bench folder)


def make_workspace(root: Path, count: int) -> list[str]:
    """Write the workspace; return the package names, the root first."""
    (root / "pixi.toml").write_text('[workspace]\nchannels = []\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n')
    names = [f"p{i:03d}" for i in range(count)]
    chain = ["app", *names]
    for index, name in enumerate(chain):
        pkg = root / name
        pkg.mkdir()
        nxt = chain[index + 1] if index + 1 < len(chain) else None
        dep = f'\n[package.run-dependencies]\n{nxt} = {{ path = "../{nxt}" }}\n' if nxt else ""
        (pkg / "pixi.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "1.0.0"\n\n[package.build.backend]\n'
            f'name = "pixi-build-rattler-build"\nversion = "*"\n{dep}'
        )
        run = f"requirements:\n  run: [{nxt}]\n" if nxt else ""
        (pkg / "data.txt").write_text(f"{name}\n")
        (pkg / "recipe.yaml").write_text(
            f'package: {{name: {name}, version: "1.0.0"}}\n'
            "build:\n  noarch: generic\n  script:\n"
            f"    - mkdir -p $PREFIX/share/{name}\n"
            f"    - cp $RECIPE_DIR/data.txt $PREFIX/share/{name}/data.txt\n{run}"
        )
    return chain


def rebuilt(summary: dict) -> int:
    return sum(1 for p in summary["packages"] if p["status"] != "cached")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=int, default=100, help="packages besides the root")
    args = parser.parse_args()
    os.environ.setdefault("RATTLER_CACHE_DIR", tempfile.mkdtemp(prefix="kiln-bench-cache-"))
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        chain = make_workspace(ws, args.packages)
        out = Path(tmp) / "out"
        cold, first = kiln_build(ws / "app", out, "-j", "2")
        assert len(first["packages"]) == len(chain), len(first["packages"])
        noops, noop_counts = [], []
        for _ in range(3):
            elapsed, again = kiln_build(ws / "app", out)
            noops.append(elapsed)
            noop_counts.append(rebuilt(again))
        middle = chain[len(chain) // 2]
        (ws / middle / "data.txt").write_text(f"{middle}, edited\n")
        edit, edited = kiln_build(ws / "app", out, "-j", "2")
    print(f"synthetic workspace, {len(chain)} packages linked at run time")
    print(f"cold build (-j 2):            {cold:7.2f} s, {rebuilt(first)} packages built")
    print(f"no-op rebuild (median of 3):  {statistics.median(noops):7.3f} s, {max(noop_counts)} rebuilt, "
          f"{again['backends_started']} backends started   target: 0 rebuilt, <= 2 s")  # fmt: skip
    print(f"one edit ({middle}) rebuild:     {edit:7.2f} s, {rebuilt(edited)} rebuilt   target: 1 rebuilt")


if __name__ == "__main__":
    main()
