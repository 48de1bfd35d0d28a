"""The workspace channel: every artifact a build produces, indexed, listed first.

Later builds resolve source dependencies from it, which is all recursion needs:
build the dependency, add its archive here, and the dependent's host environment
finds it. Lives at ``<workspace>/.pixi/channel-v0``. The same class keeps
``--output-dir`` and ``kiln publish --to`` directories indexed. Safety (the lock,
atomic copies, a correct index after a replaced file) comes from
:mod:`kiln.channels.index`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kiln.channels.index import copy_atomically, locked, prepare_channel_dir, write_index
from kiln.frontend.build.fingerprint import hash_file


#: Present while archives were added that the repodata does not list yet (it outlives a
#: killed kiln, so the next one indexes before trusting the channel).
UNINDEXED = ".kiln-unindexed"


class LocalChannel:
    """A channel directory that archives are added to, re-indexed only when needed.

    Indexing reads every archive, so it is done when a build is about to read the
    channel (:meth:`index`), not after each :meth:`add`: a wide graph adds hundreds of
    archives and would otherwise index as many times.
    """

    def __init__(self, root: Path, platforms: list[str] = ()) -> None:  # type: ignore[assignment]
        self.root = prepare_channel_dir(root)
        self.platforms = sorted({*platforms, "noarch"})
        indexed = all((self.root / s / "repodata.json").exists() for s in self.platforms if s)
        self._dirty = not indexed or (self.root / UNINDEXED).exists()
        self._mutex = threading.Lock()

    def add(self, archive: Path, subdir: str, sha256: str | None = None) -> Path:
        """Place ``archive`` in ``<root>/<subdir>/`` unless an identical file is there."""
        target = self.root / subdir / archive.name
        if target.exists() and sha256 is not None and hash_file(target) == sha256:
            return target
        with self._mutex, locked(self.root) as scratch:
            (self.root / UNINDEXED).touch()
            target.parent.mkdir(exist_ok=True)
            copy_atomically(archive, target, scratch)
            self._dirty = True
        return target

    def index(self) -> None:
        """Write repodata for every subdir if anything changed since the last index."""
        with self._mutex:
            if not self._dirty:
                return
            for subdir in self.platforms:
                (self.root / subdir).mkdir(exist_ok=True)
            with locked(self.root):
                write_index(self.root)
                (self.root / UNINDEXED).unlink(missing_ok=True)
            self._dirty = False

    @property
    def url(self) -> str:
        return str(self.root)
