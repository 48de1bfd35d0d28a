"""The workspace channel: every artifact a build produces, indexed, listed first.

Later builds resolve source dependencies from it, which is all recursion needs:
build the dependency, add its archive here, and the dependent's host environment
finds it. Lives at ``<workspace>/.pixi/channel-v0``.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from kiln.errors import ChannelError

_lock = threading.Lock()


class WorkspaceChannel:
    def __init__(self, root: Path, platforms: list[str]) -> None:
        self.root = root
        self.platforms = sorted({*platforms, "noarch"})
        self._dirty = False

    def ensure(self) -> None:
        for subdir in self.platforms:
            (self.root / subdir).mkdir(parents=True, exist_ok=True)
        if not all((self.root / s / "repodata.json").exists() for s in self.platforms):
            self._dirty = True
            self.index()

    def add(self, archive: Path, subdir: str, sha256: str | None = None) -> Path:
        """Place ``archive`` in the channel (atomically); re-index lazily."""
        target_dir = self.root / subdir
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / archive.name
        if target.exists() and sha256 is not None:
            from kiln.frontend.fingerprint import hash_file

            if hash_file(target) == sha256:
                return target
        tmp = target_dir / f".{archive.name}.{os.getpid()}.{threading.get_ident()}.partial"
        try:
            try:
                os.link(archive, tmp)
            except OSError:
                shutil.copyfile(archive, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        with _lock:
            self._dirty = True
        return target

    def index(self) -> None:
        """Write repodata for every subdir; replaced files get their new hashes."""
        with _lock:
            if not self._dirty:
                return
            import asyncio

            from rattler.index import index_fs

            try:
                asyncio.run(index_fs(self.root, write_zst=False, write_shards=False, force=True))
            except Exception as exc:  # rattler's own error types
                raise ChannelError(f"failed to index the workspace channel {self.root}: {exc}") from None
            self._dirty = False

    @property
    def url(self) -> str:
        return str(self.root)
