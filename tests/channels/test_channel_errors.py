"""Local channels under bad input: each mistake gets one clear line, and no index is left broken."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import EXTRA_BOOTSTRAP_ARGS
from tests.helpers import kiln_install, repodata, run_kiln

from kiln.conda.platforms import current_platform

SUBDIR = current_platform()


def make_package(directory: Path, name: str, text: str, version: str = "1.0", build: str = "0") -> Path:
    """A tiny noarch package holding ``share/<name>.txt`` with ``text``."""
    from rattler_build import FileEntry, assemble_package

    stage = directory / f".stage-{name}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    stage.mkdir(parents=True)
    (stage / "f.txt").write_text(text)
    out = assemble_package(name=name, version=version, target_platform="noarch", build_string=build,
                           output_dir=directory, files=[FileEntry.from_paths(stage / "f.txt", f"share/{name}.txt")],
                           detect_prefix=False)  # fmt: skip
    shutil.rmtree(stage)
    return out.path


def assert_user_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert done.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in done.stderr


def assert_consistent(channel: Path) -> None:
    """Each subdir's repodata lists exactly its archives, with their real size and sha256."""
    for subdir in ("noarch", SUBDIR):
        if not (channel / subdir).is_dir():
            continue
        records = repodata(channel, subdir)
        files = {p.name: p for p in (channel / subdir).iterdir() if p.name.endswith(".conda")}
        assert set(records) == set(files), subdir
        for name, path in files.items():
            data = path.read_bytes()
            assert records[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
            assert records[name]["size"] == len(data), name
    scratch = channel / ".kiln" / "tmp"
    assert not scratch.exists() or not any(scratch.iterdir())


# -- the channel directory ---------------------------------------------------------


@pytest.mark.parametrize("command", ["bootstrap", "index", "add"])
def test_channel_dir_that_is_a_file(tmp_path: Path, command: str) -> None:
    target = tmp_path / "channel"
    target.write_text("not a directory")
    extra = [str(make_package(tmp_path / "pkgs", "a", "A"))] if command == "add" else []
    assert_user_error(run_kiln("channel", command, str(target), *extra, check=False),
                      f"{target} is a file, expected a channel directory")  # fmt: skip
    assert target.read_text() == "not a directory"


def test_channel_dir_below_a_file_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "channel"
    assert_user_error(run_kiln("channel", "bootstrap", str(target), check=False),
                      f"cannot create the channel directory {target}: Not a directory")  # fmt: skip


def test_channel_dir_without_write_permission(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        parent = tmp_path / "read-only"
        parent.mkdir()
        parent.chmod(0o500)
        target = parent / "channel"
    elif Path("/sys/kernel").is_dir():
        target = Path("/sys/kiln-channel")  # root ignores permission bits, but sysfs refuses even root
    else:
        pytest.skip("running as root without sysfs: no directory here refuses root")
    try:
        done = run_kiln("channel", "bootstrap", str(target), check=False)
    finally:
        if os.geteuid() != 0:
            target.parent.chmod(0o700)
    assert_user_error(done, f"cannot create the channel directory {target}: ")
    assert "Permission denied" in done.stderr or "Operation not permitted" in done.stderr
    assert not target.exists()


def test_index_of_a_missing_directory(tmp_path: Path) -> None:
    assert_user_error(run_kiln("channel", "index", str(tmp_path / "nowhere"), check=False), "does not exist")


# -- channel add ---------------------------------------------------------------------


@pytest.fixture
def small_channel(tmp_path: Path) -> Path:
    channel = tmp_path / "channel"
    run_kiln("channel", "add", str(channel), str(make_package(tmp_path / "pkgs", "alpha", "A")))
    return channel


def test_add_puts_archives_in_their_subdir_and_indexes_them(small_channel: Path, tmp_path: Path) -> None:
    beta = make_package(tmp_path / "pkgs", "beta", "B")
    out = run_kiln("channel", "add", str(small_channel), str(beta)).stdout
    assert out.strip() == str(small_channel / "noarch" / beta.name)
    assert {r["name"] for r in repodata(small_channel, "noarch").values()} == {"alpha", "beta"}
    assert_consistent(small_channel)


@pytest.mark.parametrize("damage", ["random-bytes", "truncated", "empty"])
def test_add_refuses_a_corrupt_archive_and_changes_nothing(small_channel: Path, tmp_path: Path, damage: str) -> None:
    good = make_package(tmp_path / "pkgs", "gamma", "C")
    bad = tmp_path / "bad" / good.name
    bad.parent.mkdir()
    data = good.read_bytes()
    bad.write_bytes({"random-bytes": os.urandom(len(data)), "truncated": data[: len(data) // 2], "empty": b""}[damage])
    before = (small_channel / "noarch" / "repodata.json").read_bytes()
    assert_user_error(run_kiln("channel", "add", str(small_channel), str(good), str(bad), check=False),
                      f"{bad} is not a valid conda package")  # fmt: skip
    assert (small_channel / "noarch" / "repodata.json").read_bytes() == before
    assert not (small_channel / "noarch" / good.name).exists()  # the good one waits for the bad one
    assert_consistent(small_channel)


def test_add_refuses_what_is_not_a_package_or_is_misnamed(small_channel: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert_user_error(run_kiln("channel", "add", str(small_channel), str(text), check=False),
                      f"{text} is not a conda package: expected a .conda or .tar.bz2 file")  # fmt: skip
    renamed = tmp_path / "delta-9.9-0.conda"
    shutil.copyfile(make_package(tmp_path / "pkgs", "delta", "D"), renamed)
    assert_user_error(run_kiln("channel", "add", str(small_channel), str(renamed), check=False),
                      "(expected delta-1.0-0.conda)")  # fmt: skip
    assert_user_error(run_kiln("channel", "add", str(small_channel), str(tmp_path / "missing.conda"), check=False),
                      "does not exist")  # fmt: skip


# -- channel index ---------------------------------------------------------------------


def test_index_gives_a_replaced_archive_its_new_hash(small_channel: Path, tmp_path: Path) -> None:
    (archive,) = (small_channel / "noarch").glob("alpha-*.conda")
    replacement = make_package(tmp_path / "other", "alpha", "a different A, " + "and longer " * 50)
    assert replacement.name == archive.name and replacement.read_bytes() != archive.read_bytes()
    shutil.copyfile(replacement, archive)
    # Until it is re-indexed, installing from the channel is refused: the old hash would win.
    done = run_kiln("channel", "install", "-p", str(tmp_path / "env0"), "-c", str(small_channel), "alpha", check=False)
    assert_user_error(done, "out of date", f"kiln channel index {small_channel}")
    run_kiln("channel", "index", str(small_channel))
    assert_consistent(small_channel)
    prefix = kiln_install(tmp_path / "env", ["alpha"], [small_channel])
    assert (prefix / "share" / "alpha.txt").read_text().startswith("a different A, and longer")


def test_install_accepts_a_channel_copied_with_fresh_file_times(small_channel: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(small_channel, tmp_path / "copied", copy_function=shutil.copyfile)
    for archive in copy.glob("*/*.conda"):
        os.utime(archive, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # newer than the index
    prefix = kiln_install(tmp_path / "env", ["alpha"], [copy])
    assert (prefix / "share" / "alpha.txt").read_text() == "A"


def test_index_names_a_damaged_archive_and_keeps_the_old_index(small_channel: Path) -> None:
    before = (small_channel / "noarch" / "repodata.json").read_bytes()
    damaged = small_channel / "noarch" / "broken-1.0-0.conda"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    assert_user_error(run_kiln("channel", "index", str(small_channel), check=False),
                      f"{damaged} is not a valid conda package")  # fmt: skip
    assert (small_channel / "noarch" / "repodata.json").read_bytes() == before


# -- interrupted bootstrap -----------------------------------------------------------------


def test_bootstrap_killed_midway_is_completed_by_the_next_run(local_channel: Path, tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    kiln = Path(sys.executable).parent / "kiln"
    proc = subprocess.Popen([kiln, "channel", "bootstrap", str(channel), "-q", *EXTRA_BOOTSTRAP_ARGS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(channel.glob("*/*.conda")):
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.fail("the bootstrap finished before it could be interrupted")
    run_kiln("channel", "bootstrap", str(channel), "-q", *EXTRA_BOOTSTRAP_ARGS)
    assert_consistent(channel)
    assert sorted(p.name for p in channel.glob("*/*.conda")) == sorted(p.name for p in local_channel.glob("*/*.conda"))


def test_bootstrap_repairs_what_an_interruption_can_leave(local_channel: Path, tmp_path: Path) -> None:
    """Every state a killed run (or a crash of the machine) can leave, at once."""
    channel = shutil.copytree(local_channel, tmp_path / "channel", symlinks=True)
    (channel / ".kiln" / "tmp" / "pip-xyz").mkdir(parents=True)  # a scratch dir with a half-written archive
    (channel / ".kiln" / "tmp" / "pip-xyz" / "pip.conda").write_bytes(b"half")
    (pip,) = (channel / "noarch").glob("pip-*.conda")
    (channel / ".kiln" / "stamps" / "noarch" / pip.name).unlink()  # renamed in, stamp not yet written
    (cmake,) = (channel / SUBDIR).glob("cmake-*.conda")
    cmake.write_bytes(cmake.read_bytes()[:100])  # a torn write under the final name
    (channel / ".kiln" / "stamps" / SUBDIR / cmake.name).unlink()
    (channel / "noarch" / "repodata.json").write_text('{"packages": {')  # a torn index
    (channel / SUBDIR / "repodata.json").unlink()
    run_kiln("channel", "bootstrap", str(channel), "-q")
    assert_consistent(channel)
    assert (channel / SUBDIR / cmake.name).read_bytes() == (local_channel / SUBDIR / cmake.name).read_bytes()


# -- kiln channel install ----------------------------------------------------------------------------


def test_install_reports_the_solver_message_for_an_unsolvable_spec(local_channel: Path, tmp_path: Path) -> None:
    done = run_kiln("channel", "install", "-p", str(tmp_path / "env"), "-c", str(local_channel), "does-not-exist >=1",
                    check=False)  # fmt: skip
    assert_user_error(done, "cannot install does-not-exist >=1", "does-not-exist")


def test_install_refuses_remote_channels_and_foreign_directories(local_channel: Path, tmp_path: Path) -> None:
    done = run_kiln("channel", "install", "-p", str(tmp_path / "env"), "-c", "https://conda.anaconda.org/conda-forge", "python",
                    check=False)  # fmt: skip
    assert_user_error(done, "local channels only")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    done = run_kiln("channel", "install", "-p", str(occupied), "-c", str(local_channel), "python", check=False)
    assert_user_error(done, "not a conda environment")
    assert [p.name for p in occupied.iterdir()] == ["keep.txt"]
    done = run_kiln("channel", "install", "-p", str(tmp_path / "env"), "-c", str(tmp_path / "occupied"), "python", check=False)
    assert_user_error(done, "has no index", "kiln channel index")
    done = run_kiln("channel", "install", "-p", str(tmp_path / "env"), "-c", str(local_channel), "python >>3", check=False)
    assert_user_error(done, "invalid package spec `python >>3`")
