"""One exclusive file lock between processes, for workspaces, backend prefixes and channels.

An OS lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so the kernel
releases it when the process ends, however it ends: a killed build never leaves a
stale lock behind. The holder writes its pid into the file, and a process that has
to wait is told whose turn it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

#: Windows locks a byte range, and a locked range cannot be read by others: the
#: lock is taken on a byte far past the pid, which stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 30


class FileLock:
    """``with FileLock(path, on_wait=...):`` holds an exclusive lock on ``path``, creating it.

    ``on_wait(holder)`` is called once, with the pid text of the holder (``""``
    when it wrote none), if the lock is taken and this process has to wait for it.
    Opening the file may raise ``OSError`` (a read-only directory, say).
    """

    def __init__(self, path: Path | str, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.on_wait = on_wait
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Wait for the lock and hold it (``OSError`` if the file cannot be opened)."""
        if self._fd is not None:
            raise RuntimeError(f"the lock {self.path} is already held by this object")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                if self.on_wait is not None:
                    self.on_wait(_read_holder(fd))
                _lock(fd)
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, str(os.getpid()).encode())
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Let the next process have the lock (nothing when not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)


def _read_holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        return os.read(fd, 64).decode(errors="replace").strip()
    except OSError:
        return ""


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _locking(fd: int, mode: int) -> None:
        position = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, mode, 1)
        finally:
            os.lseek(fd, position, os.SEEK_SET)

    def _try_lock(fd: int) -> bool:
        try:
            _locking(fd, msvcrt.LK_NBLCK)
        except OSError:
            return False
        return True

    def _lock(fd: int) -> None:
        # LK_LOCK gives up after ten tries; wait as long as the holder holds it.
        while not _try_lock(fd):
            time.sleep(0.1)

    def _unlock(fd: int) -> None:
        _locking(fd, msvcrt.LK_UNLCK)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
