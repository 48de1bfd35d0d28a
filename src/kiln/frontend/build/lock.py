"""One ``kiln build`` at a time per workspace: an OS file lock on ``.pixi/kiln.lock``.

The lock is released by the kernel when the process ends, however it ends, so a
killed build never leaves a stale lock behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from kiln.conda.locks import FileLock


class WorkspaceLock:
    def __init__(self, path: Path, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.on_wait = on_wait
        self._lock = FileLock(path, on_wait=self._waiting)

    def _waiting(self, holder: str) -> None:
        if self.on_wait:
            self.on_wait(f"waiting for another kiln build of this workspace to finish (pid {holder or 'another process'})")

    def __enter__(self) -> WorkspaceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
