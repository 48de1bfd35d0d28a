"""``kiln channel bootstrap``: what the offline channel holds, and that each piece works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import EXTRA_BOOTSTRAP_ARGS
from tests.helpers import kiln_install, repodata, run_kiln

from kiln.conda.platforms import current_platform

SUBDIR = current_platform()
PY_SHORT = f"{sys.version_info.major}.{sys.version_info.minor}"
HAS_RUST = shutil.which("rustc") is not None and shutil.which("cargo") is not None


def names(channel: Path, subdir: str) -> set[str]:
    return {record["name"] for record in repodata(channel, subdir).values()}


def archives(channel: Path) -> dict[str, bytes]:
    return {p.relative_to(channel).as_posix(): p.read_bytes() for p in sorted(channel.glob("*/*.conda"))}


def test_channel_holds_python_build_tools_and_compilers(local_channel: Path) -> None:
    noarch = names(local_channel, "noarch")
    assert {"pip", "hatchling", "setuptools", "wheel", "uv", "packaging", "pathspec", "pluggy"} <= noarch
    platform = names(local_channel, SUBDIR)
    assert {"python", "cmake", "ninja", "patchelf", f"gcc_{SUBDIR}", f"gxx_{SUBDIR}", f"sysroot_{SUBDIR}"} <= platform
    assert (f"rust_{SUBDIR}" in platform) == HAS_RUST
    python = next(r for r in repodata(local_channel, SUBDIR).values() if r["name"] == "python")
    assert python["version"] == ".".join(map(str, sys.version_info[:3]))
    hatchling = next(r for r in repodata(local_channel, "noarch").values() if r["name"] == "hatchling")
    assert hatchling["noarch"] == "python"
    assert any(d.startswith("packaging ") for d in hatchling["depends"])


def test_variants_file_matches_the_compiler_shims(local_channel: Path) -> None:
    variants = yaml.safe_load((local_channel / "variants.yaml").read_text())
    gxx = next(r for r in repodata(local_channel, SUBDIR).values() if r["name"] == f"gxx_{SUBDIR}")
    assert variants["cxx_compiler"] == ["gxx"] and variants["c_compiler"] == ["gcc"]
    assert gxx["version"].startswith(variants["cxx_compiler_version"][0] + ".")
    assert variants["c_stdlib"] == ["sysroot"]
    assert variants["c_stdlib_version"] == [os.confstr("CS_GNU_LIBC_VERSION").split()[1]]


def test_python_shim_prefix_runs_pip_and_uv_inside_itself(local_channel: Path, tmp_path: Path) -> None:
    prefix = kiln_install(tmp_path / "env", ["python", "pip", "hatchling", "uv"], [local_channel])
    python = prefix / "bin" / "python"
    out = subprocess.run([python, "-c", "import sys, site; print(sys.prefix); print(site.getsitepackages()[0])"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert out == [str(prefix), str(prefix / "lib" / f"python{PY_SHORT}" / "site-packages")]
    pip = subprocess.run([prefix / "bin" / "pip", "--version"], capture_output=True, text=True, check=True).stdout
    assert str(prefix) in pip
    uv = subprocess.run([prefix / "bin" / "uv", "--version"], capture_output=True, text=True, check=True).stdout
    assert uv.startswith("uv ")
    # `pip install` inside the prefix lands in the prefix.
    project = shutil.copytree(Path(__file__).parents[1] / "projects" / "hello-hatchling", tmp_path / "project")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-build-isolation",
                    str(project)], check=True, capture_output=True)  # fmt: skip
    hello = subprocess.run([prefix / "bin" / "hello-hatchling"], capture_output=True, text=True, check=True)
    assert hello.stdout.strip() == f"hello from hello-hatchling on {prefix}"


def test_compiler_activation_exports_conda_names_and_an_rpath(local_channel: Path, tmp_path: Path) -> None:
    specs = [f"gcc_{SUBDIR}", f"gxx_{SUBDIR}"] + ([f"rust_{SUBDIR}"] if HAS_RUST else [])
    prefix = kiln_install(tmp_path / "env", specs, [local_channel])
    script = 'for f in "$CONDA_PREFIX"/etc/conda/activate.d/*.sh; do . "$f"; done; ' \
             'printf "%s\\n" "$CC" "$CXX" "$LDFLAGS" "$CPPFLAGS" "${CARGO:-}"; "$CXX" -dumpfullversion'  # fmt: skip
    env = {"PATH": os.environ["PATH"], "CONDA_PREFIX": str(prefix), "PREFIX": "/host/prefix"}
    cc, cxx, ldflags, cppflags, cargo, version = subprocess.run(
        ["sh", "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert cc.startswith(f"{prefix}/bin/") and cc.endswith("-conda-linux-gnu-cc") and os.access(cc, os.X_OK)
    assert cxx.startswith(f"{prefix}/bin/") and os.access(cxx, os.X_OK)
    assert ldflags.split().count("-Wl,-rpath,/host/prefix/lib") == 1  # both activations ran, one rpath
    assert cppflags == "-isystem /host/prefix/include"
    assert cargo == (f"{prefix}/bin/cargo" if HAS_RUST else "")
    assert version == subprocess.run(["g++", "-dumpfullversion"], capture_output=True, text=True).stdout.strip()


def test_bootstrap_twice_gives_byte_identical_archives(local_channel: Path, tmp_path: Path) -> None:
    run_kiln("channel", "bootstrap", str(tmp_path / "again"), "--quiet", *EXTRA_BOOTSTRAP_ARGS)
    assert archives(tmp_path / "again") == archives(local_channel)


def test_second_bootstrap_with_nothing_changed_keeps_everything(local_channel: Path, tmp_path: Path) -> None:
    channel = shutil.copytree(local_channel, tmp_path / "channel", symlinks=True)
    files = [*channel.glob("*/*.conda"), *channel.glob("*/repodata.json")]
    before = {p: p.stat().st_mtime_ns for p in files}
    out = run_kiln("channel", "bootstrap", str(channel), *EXTRA_BOOTSTRAP_ARGS).stdout
    assert "unchanged" in out and " new " not in out and "updated" not in out
    assert {p: p.stat().st_mtime_ns for p in files} == before


def test_only_and_skip_select_kinds(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    done = run_kiln("channel", "bootstrap", str(channel), "--only", "python,tools", "--skip", "patchelf", "-q")
    assert names(channel, SUBDIR) == {"python", "cmake", "ninja"}
    assert names(channel, "noarch") == set()
    assert done.stderr == ""


def test_what_the_machine_lacks_is_skipped_with_a_note(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    env = {**os.environ, "PATH": str(tmp_path / "empty")}  # no gcc, g++, gfortran, rustc
    done = run_kiln("channel", "bootstrap", str(channel), "--only", "compilers,stdlib", "-q", env=env)
    assert done.stderr.splitlines() == [
        "note: skipped c: `gcc` is not on PATH",
        "note: skipped cxx: `g++` is not on PATH",
        "note: skipped fortran: `gfortran` is not on PATH",
        "note: skipped rust: `rustc` is not on PATH",
    ]
    assert names(channel, SUBDIR) == {f"sysroot_{SUBDIR}"}
    assert "c_compiler" not in yaml.safe_load((channel / "variants.yaml").read_text())


def test_named_python_package_comes_with_its_dependencies(local_channel: Path, tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    run_kiln("channel", "bootstrap", str(channel), "--only", "python", "--python-package", "rich", "-q")
    assert {"rich", "markdown-it-py", "mdurl", "pygments"} <= names(channel, "noarch")
    rich = next(r for r in repodata(channel, "noarch").values() if r["name"] == "rich")
    assert any(d.startswith("markdown-it-py ") for d in rich["depends"])
    prefix = kiln_install(tmp_path / "env", ["rich"], [channel])
    subprocess.run([prefix / "bin" / "python", "-c", "import rich.console"], check=True)


def test_an_archive_superseded_by_a_new_version_is_removed(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    run_kiln("channel", "bootstrap", str(channel), "--only", "ninja", "-q")
    (current,) = (channel / SUBDIR).glob("ninja-*.conda")
    old = channel / SUBDIR / "ninja-0.0.1-h00000000_0.conda"
    shutil.copyfile(current, old)
    stamp_dir = channel / ".kiln" / "stamps" / SUBDIR
    (stamp_dir / old.name).write_text(json.dumps({"name": "ninja", "stamp": "old"}))
    unrelated = channel / SUBDIR / "ninja-0.0.2-h11111111_0.conda"  # added by hand: not ours to remove
    shutil.copyfile(current, unrelated)
    run_kiln("channel", "bootstrap", str(channel), "--only", "ninja", "-q")
    assert not old.exists() and not (stamp_dir / old.name).exists()
    assert unrelated.exists() and current.exists()


def test_unknown_kind_and_missing_distribution_are_user_errors(tmp_path: Path) -> None:
    done = run_kiln("channel", "bootstrap", str(tmp_path / "c"), "--only", "cobol", check=False)
    assert done.returncode == 1 and "unknown kind `cobol`" in done.stderr and "Traceback" not in done.stderr
    done = run_kiln("channel", "bootstrap", str(tmp_path / "c"), "--python-package", "no-such-dist-here", check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error: --python-package no-such-dist-here: no distribution" in done.stderr


@pytest.mark.skipif(not HAS_RUST, reason="no Rust toolchain on this machine")
def test_rust_shim_links_the_real_toolchain_not_rustup(local_channel: Path, tmp_path: Path) -> None:
    prefix = kiln_install(tmp_path / "env", [f"rust_{SUBDIR}"], [local_channel])
    cargo = prefix / "bin" / "cargo"
    assert Path(os.readlink(cargo)).name == "cargo"  # rustup's proxy would need RUSTUP_HOME and a toolchain file
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    version = subprocess.run([cargo, "--version"], env=env, capture_output=True, text=True, check=True).stdout
    assert version.startswith("cargo ")


def test_a_machine_without_r_or_gfortran_skips_them_with_a_note(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    done = run_kiln("channel", "bootstrap", str(channel), "--only", "fortran,r,stdlib", "-q", env=env)
    assert done.stderr.splitlines() == [
        "note: skipped fortran: `gfortran` is not on PATH",
        "note: skipped r: `R` is not on PATH",
    ]
    assert names(channel, SUBDIR) == {f"sysroot_{SUBDIR}"}


def test_sccache_is_packaged_when_the_machine_has_it_and_skipped_with_a_note_otherwise(tmp_path: Path) -> None:
    """pixi-build-rust adds `sccache` to `build` when an SCCACHE* variable is set."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "sccache"
    fake.write_text("#!/bin/sh\necho 'sccache 0.8.2'\n")
    fake.chmod(0o755)
    channel = tmp_path / "channel"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = run_kiln("channel", "bootstrap", str(channel), "--only", "sccache", "-q", env=env)
    assert done.stderr == "" and names(channel, SUBDIR) == {"sccache"}
    prefix = kiln_install(tmp_path / "env", ["sccache"], [channel])
    assert subprocess.run([prefix / "bin" / "sccache", "--version"], capture_output=True, text=True).stdout == "sccache 0.8.2\n"
    empty = {**os.environ, "PATH": str(tmp_path / "empty")}
    done = run_kiln("channel", "bootstrap", str(tmp_path / "c2"), "--only", "sccache", "-q", env=empty)
    assert done.stderr.splitlines() == ["note: skipped sccache: `sccache` is not on PATH"]
