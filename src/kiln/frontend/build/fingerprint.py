"""Fingerprints of the files a build read, to tell whether its result is still good.

A fingerprint maps each file matched by a build's input globs to its size, mtime and
content hash. Checking walks the same globs again (so added files count), trusts an
unchanged ``(mtime, size)`` without reading the file, and hashes only files whose
stat changed -- a ``touch`` without a change in content is not a change.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kiln.backend.globs import walk_entries


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    sha256: str

    def to_list(self) -> list:
        return [self.size, self.mtime_ns, self.sha256]

    @classmethod
    def from_list(cls, data: list) -> FileState:
        return cls(int(data[0]), int(data[1]), str(data[2]))


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _state(path: Path) -> FileState:
    st = os.stat(path)
    return FileState(st.st_size, st.st_mtime_ns, hash_file(path))


def with_exclusions(globs: list[str], root: Path, ignore: list[str]) -> list[str]:
    """``globs`` plus ``!`` patterns for what never counts as an input.

    ``ignore`` holds glob patterns and absolute paths: a directory (everything
    below it is excluded) or a glob (``/abs/out/*.conda``: the archives written
    there); a path outside ``root`` needs no pattern. Exclusions go last: the last
    match wins.
    """
    extra = []
    for item in ignore:
        if os.path.isabs(item):
            try:
                rel = Path(item).relative_to(root)
            except ValueError:
                continue
            if any(c in item for c in "*?["):
                extra.append(f"!/{rel.as_posix()}")
            else:
                extra.append(f"!/{rel.as_posix()}/**" if rel.parts else "!**")
        else:
            extra.append(f"!{item}")
    return [*globs, *(e for e in extra if e not in globs)]


def walk_globs(root: Path, globs: list[str]) -> Iterator[tuple[str, os.DirEntry]]:
    """The files the globs select, keyed by their path relative to ``root``.

    A glob may reach above ``root`` as pixi's do (``../greet/**/*.rs``,
    ``../Cargo.toml``: a sibling crate or the workspace manifest of a Cargo member):
    globs with the same number of leading ``../`` are walked together from that
    ancestor, and only they (with their own ``!`` exclusions) apply there.
    """
    by_depth: dict[int, list[str]] = {}
    for glob in globs:
        negated = glob.startswith("!")
        body = glob[1:] if negated else glob
        depth = 0
        while body.startswith("../"):
            body, depth = body[3:], depth + 1
        by_depth.setdefault(depth, []).append(("!" if negated else "") + body)
    yield from walk_entries(root, by_depth.pop(0, []))
    if not by_depth:
        return
    ancestors = Path(os.path.abspath(root)).parents
    for depth, patterns in sorted(by_depth.items()):
        if depth > len(ancestors):
            continue
        prefix = "../" * depth
        for rel, entry in walk_entries(ancestors[depth - 1], patterns):
            yield prefix + rel, entry


def snapshot(root: Path, globs: list[str]) -> dict[str, FileState]:
    """Every file the globs select (below ``root``, or above it with ``../``), with its state."""
    return {rel: _state(Path(entry.path)) for rel, entry in walk_globs(root, globs)}


@dataclass
class Changes:
    added: list[str]
    removed: list[str]
    modified: list[str]
    #: files whose stat changed but whose content did not, with their new state
    touched: dict[str, FileState]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)

    def describe(self, limit: int = 5) -> str:
        parts = []
        for label, paths in (("changed", self.modified), ("added", self.added), ("removed", self.removed)):
            if paths:
                shown = ", ".join(sorted(paths)[:limit]) + (f" (+{len(paths) - limit} more)" if len(paths) > limit else "")
                parts.append(f"{label}: {shown}")
        return "; ".join(parts)


def compare(root: Path, globs: list[str], recorded: dict[str, FileState]) -> Changes:
    """What changed below ``root`` since ``recorded`` was taken with the same globs."""
    added, modified = [], []
    touched: dict[str, FileState] = {}
    seen = set()
    for key, entry in walk_globs(root, globs):
        seen.add(key)
        old = recorded.get(key)
        if old is None:
            added.append(key)
            continue
        try:
            st = entry.stat()
        except OSError:
            modified.append(key)
            continue
        if st.st_size == old.size and st.st_mtime_ns == old.mtime_ns:
            continue
        if st.st_size != old.size:
            modified.append(key)
            continue
        digest = hash_file(Path(entry.path))
        if digest == old.sha256:
            touched[key] = FileState(st.st_size, st.st_mtime_ns, digest)
        else:
            modified.append(key)
    removed = [k for k in recorded if k not in seen]
    return Changes(added, removed, modified, touched)
