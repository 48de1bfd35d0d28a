"""kiln.conda.locks: one exclusive lock between processes, with the holder's pid, freed on death."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiln.conda.locks import FileLock

#: Holds the lock until stdin closes (or the process is killed); says "held" once it has it.
HOLDER = """
import sys
from kiln.conda.locks import FileLock
with FileLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_free_lock_is_taken_at_once_and_records_the_pid(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    waits: list[str] = []
    with FileLock(path, on_wait=waits.append):
        assert path.read_text() == str(os.getpid())
    assert waits == [] and path.read_text() == ""


def test_a_held_lock_waits_naming_the_holder_and_is_taken_when_freed(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    holder = _holder(path)
    waits: list[str] = []
    acquired = threading.Event()

    def take() -> None:
        with FileLock(path, on_wait=waits.append):
            acquired.set()

    thread = threading.Thread(target=take)
    thread.start()
    try:
        assert not acquired.wait(0.5), "the lock was taken while another process held it"
        assert waits == [str(holder.pid)]
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    thread.join(30)
    assert acquired.is_set() and waits == [str(holder.pid)]


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    holder = _holder(path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    waits: list[str] = []
    with FileLock(path, on_wait=waits.append):
        assert path.read_text() == str(os.getpid())
    assert waits == []


def test_acquire_twice_on_one_object_is_a_programming_error(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "lock")
    with lock:
        with pytest.raises(RuntimeError, match="already held"):
            lock.acquire()
    lock.release()  # releasing a free lock does nothing


def test_an_unopenable_lock_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        FileLock(tmp_path / "missing-dir" / "lock").acquire()
