"""pixi-build-r end to end, offline: ``kiln build`` of R packages, installed into a prefix and loaded with its Rscript.

The session channel's ``r-base`` is the machine's R (``kiln channel bootstrap``);
``scripts/ensure-r.sh`` installs Debian's r-base-core where it can (``.ci/run``
insists), and these tests skip with the reason where R is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.helpers import extract, kiln_install, read_index, repodata, run_kiln

from kiln.conda.platforms import current_platform

DATA = Path(__file__).parents[2] / "data" / "r"
SUBDIR = current_platform()

pytestmark = pytest.mark.skipif(
    shutil.which("Rscript") is None or shutil.which("R") is None,
    reason="R is not installed (scripts/ensure-r.sh installs r-base-core as root; .ci/run requires it)",
)

PIXI_TOML = """\
[workspace]
channels = ["{channel}"]
platforms = ["{subdir}"]
preview = ["pixi-build"]

[package.build.backend]
name = "pixi-build-r"
version = "*"
"""


def rscript(prefix: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("R_")}
    done = subprocess.run([prefix / "bin" / "Rscript", "-e", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def build(package: str, tmp_path: Path, channel: Path) -> tuple[Path, str]:
    """``kiln build`` of a copy of ``tests/data/r/<package>``: the one archive and the build log."""
    source = shutil.copytree(DATA / package, tmp_path / package)
    (source / "pixi.toml").write_text(PIXI_TOML.format(channel=channel, subdir=SUBDIR))
    out = tmp_path / "out"
    done = run_kiln("build", "--path", str(source), "-o", str(out), "-m", str(channel / "variants.yaml"),
                    "--no-progress", "-v")  # fmt: skip
    (archive,) = out.glob("*.conda")
    return archive, done.stdout + done.stderr


def test_bootstrap_makes_r_base_and_gfortran(local_channel: Path) -> None:
    records = {r["name"]: r for r in repodata(local_channel, SUBDIR).values()}
    version = subprocess.run(["R", "--version"], capture_output=True, text=True, check=True).stdout
    assert records["r-base"]["version"] == re.search(r"R version (\S+)", version).group(1)
    assert f"gfortran_{SUBDIR}" in records
    assert "fortran_compiler: [\"gfortran\"]" in (local_channel / "variants.yaml").read_text()


def test_r_base_prefix_uses_its_own_library(local_channel: Path, tmp_path: Path) -> None:
    prefix = kiln_install(tmp_path / "env", ["r-base"], [local_channel])
    assert rscript(prefix, "cat(.libPaths()[1])") == str(prefix / "lib" / "R" / "library")
    # R CMD INSTALL by hand into the prefix's library: the prefix's Rscript finds it, the host's does not
    source = shutil.copytree(DATA / "hellor", tmp_path / "hellor")
    subprocess.run([prefix / "bin" / "R", "CMD", "INSTALL", f"--library={prefix}/lib/R/library", "--no-lock",
                    str(source)], check=True, capture_output=True)  # fmt: skip
    assert rscript(prefix, 'library(hellor); cat(hello("prefix"))') == "hello, prefix from hellor"
    host = subprocess.run(["Rscript", "-e", "library(hellor)"], capture_output=True, text=True)
    assert host.returncode != 0


def test_gfortran_shim_exports_fc(local_channel: Path, tmp_path: Path) -> None:
    prefix = kiln_install(tmp_path / "env", [f"gfortran_{SUBDIR}"], [local_channel])
    script = 'for f in "$CONDA_PREFIX"/etc/conda/activate.d/*.sh; do . "$f"; done; echo "$FC"; "$FC" -dumpfullversion'
    env = {"PATH": os.environ["PATH"], "CONDA_PREFIX": str(prefix)}
    done = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, check=True)
    fc, version = done.stdout.split()
    assert fc == f"{prefix}/bin/x86_64-conda-linux-gnu-gfortran"
    assert version == subprocess.run(["gfortran", "-dumpfullversion"], capture_output=True, text=True).stdout.strip()


def test_pure_r_package_builds_installs_and_loads(local_channel: Path, tmp_path: Path) -> None:
    archive, _ = build("hellor", tmp_path, local_channel)
    index = read_index(archive)
    assert (index["name"], index["version"], index["license"]) == ("r-hellor", "0.1.0", "MIT")
    assert index["depends"] == ["r-base"]  # `Imports: utils` is built in
    files = extract(archive, tmp_path / "extracted")
    assert (files / "info" / "licenses" / "LICENSE").read_text() == (DATA / "hellor" / "LICENSE").read_text()
    assert (files / "lib" / "R" / "library" / "hellor" / "DESCRIPTION").is_file()
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert rscript(prefix, 'library(hellor); cat(hello("kiln"))') == "hello, kiln from hellor"


def test_r_package_with_c_code_is_compiled_by_the_channels_compiler(local_channel: Path, tmp_path: Path) -> None:
    archive, log = build("csum", tmp_path, local_channel)
    # R's make ran the gcc shim's tool name from the build environment, not R's own `gcc`
    compile_lines = [line for line in log.splitlines() if "-c csum.c -o csum.o" in line]
    assert compile_lines and all("$BUILD_PREFIX/bin/x86_64-conda-linux-gnu-cc " in line for line in compile_lines)
    assert any("-o csum.so csum.o" in line and "x86_64-conda-linux-gnu-cc" in line for line in log.splitlines())
    files = extract(archive, tmp_path / "extracted")
    library = files / "lib" / "R" / "library" / "csum" / "libs" / "csum.so"
    assert library.read_bytes()[:4] == b"\x7fELF"
    prefix = kiln_install(tmp_path / "env", [str(archive)], [local_channel])
    assert rscript(prefix, "library(csum); cat(csum(1:10))") == "55"
