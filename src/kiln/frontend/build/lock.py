"""One ``kiln build`` at a time per workspace: an OS file lock on ``.pixi/kiln.lock``.

The lock is released by the kernel when the process ends, however it ends, so a
killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Callable


class WorkspaceLock:
    def __init__(self, path: Path, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.on_wait = on_wait
        self._fd: int | None = None

    def __enter__(self) -> WorkspaceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            if self.on_wait:
                self.on_wait(f"waiting for another kiln build of this workspace to finish (pid {holder})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None
