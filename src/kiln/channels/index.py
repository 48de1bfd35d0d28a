"""A local channel directory: checking it, adding archives, and keeping its index right.

Every change ends with ``index_fs(..., force=True)``: without ``force`` an archive
replaced under the same name keeps its old sha256 in ``repodata.json``, and
rattler's package cache then installs the old contents. ``index_fs`` writes each
``repodata.json`` through a temp file and a rename, and archives arrive the same
way, so an interrupted run leaves the previous index or the new one, never half
of either. Archives are read before they are indexed: ``index_fs`` panics on a
damaged one, and the user deserves the file's name instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiln.conda.locks import FileLock
from kiln.errors import ChannelError

ARCHIVE_SUFFIXES = (".conda", ".tar.bz2")
#: kiln's own bookkeeping inside a channel (stamps, scratch files, the lock).
STATE_DIR = ".kiln"


@dataclass(frozen=True)
class ArchiveInfo:
    name: str
    version: str
    build: str
    subdir: str

    def filename(self, suffix: str) -> str:
        return f"{self.name}-{self.version}-{self.build}{suffix}"


def archive_suffix(path: Path) -> str | None:
    return next((s for s in ARCHIVE_SUFFIXES if path.name.endswith(s)), None)


def prepare_channel_dir(channel: Path, *, create: bool = True) -> Path:
    """``channel`` as an absolute directory kiln can write to, with ``noarch/``.

    Everything that can be wrong with the location is reported here, before any
    work starts.
    """
    channel = Path(channel).expanduser().absolute()
    if channel.exists() and not channel.is_dir():
        raise ChannelError(f"{channel} is a file, expected a channel directory")
    if not channel.exists() and not create:
        raise ChannelError(f"{channel} does not exist, expected a channel directory")
    try:
        (channel / "noarch").mkdir(parents=True, exist_ok=True)
        (channel / STATE_DIR / "tmp").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChannelError(f"cannot create the channel directory {channel}: {exc.strerror or exc}") from None
    if not os.access(channel, os.W_OK) or not os.access(channel / "noarch", os.W_OK):
        raise ChannelError(f"cannot write to the channel directory {channel}: permission denied")
    return channel


@contextlib.contextmanager
def locked(channel: Path) -> Iterator[Path]:
    """Hold the channel's lock, and a fresh scratch directory inside it.

    The scratch directory lives in the channel so that archives are moved in by
    a rename on the same file system. Scratch left by an interrupted run is
    removed here, under the lock.
    """
    state = channel / STATE_DIR
    lock = FileLock(state / "lock")
    try:
        lock.acquire()
    except OSError as exc:
        raise ChannelError(f"cannot lock the channel {channel}: {exc.strerror or exc}") from None
    try:
        scratch = state / "tmp"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            yield scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        lock.release()


def read_archives(paths: Sequence[Path], *, deep: bool = False) -> list[ArchiveInfo]:
    """What ``info/index.json`` of each package archive says, or a ChannelError naming a bad file.

    ``deep`` also decompresses every file of the package, which catches a
    damaged payload and not only a damaged header.
    """
    import asyncio

    async def read_all() -> list[ArchiveInfo]:
        return list(await asyncio.gather(*(_read_one(p, deep) for p in paths)))

    return asyncio.run(read_all())


async def _read_one(path: Path, deep: bool) -> ArchiveInfo:
    from rattler.package_streaming import PackageArchive

    if archive_suffix(path) is None:
        raise ChannelError(f"{path} is not a conda package: expected a .conda or .tar.bz2 file")
    try:
        archive = await PackageArchive.from_path(str(path))
        index = await archive.index_json()
        if deep:
            await archive.paths_json()
            await archive.list_files("pkg")
    except Exception as exc:  # rattler's error classes; the archive is unreadable
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ChannelError(f"{path} is not a valid conda package ({reason})") from None
    if not index.subdir:
        raise ChannelError(f"{path} is not a valid conda package: info/index.json names no subdir")
    return ArchiveInfo(index.name.normalized, str(index.version), index.build, index.subdir)


def channel_archives(channel: Path) -> list[Path]:
    """Every archive in the channel's platform directories."""
    found = []
    for subdir in sorted(p for p in channel.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found += sorted(p for p in subdir.iterdir() if p.is_file() and archive_suffix(p) and not p.name.startswith("."))
    return found


def index_channel(channel: Path) -> None:
    """``kiln channel index``: re-index an existing channel directory."""
    channel = prepare_channel_dir(channel, create=False)
    with locked(channel):
        write_index(channel)


def index_is_current(channel: Path, *, by_time: bool = True) -> bool:
    """Does every ``repodata.json`` list exactly the archives present, at their sizes?

    With ``by_time`` each archive must also be older than its index, which lets
    a bootstrap that changed nothing skip re-indexing. Without it a channel
    copied with fresh file times still counts as current (``kiln install``
    must not refuse it). ``kiln channel index`` never asks and always re-hashes.
    """
    for subdir in [p for p in channel.iterdir() if p.is_dir() and not p.name.startswith(".")]:
        archives = {p.name: p.stat() for p in subdir.iterdir() if archive_suffix(p) and not p.name.startswith(".")}
        repodata = subdir / "repodata.json"
        if not archives and subdir.name != "noarch":
            continue
        try:
            written = repodata.stat().st_mtime_ns
            data = json.loads(repodata.read_bytes())
            listed = {**data.get("packages", {}), **data.get("packages.conda", {})}
        except (OSError, ValueError, AttributeError):
            return False
        if set(listed) != set(archives):
            return False
        for name, st in archives.items():
            if (by_time and st.st_mtime_ns > written) or listed[name].get("size") != st.st_size:
                return False
    return True


def write_index(channel: Path) -> None:
    """Write every ``<subdir>/repodata.json`` from the archives present, hashing them all.

    The caller holds the channel's lock.
    """
    import asyncio

    from rattler.index import index_fs

    archives = channel_archives(channel)
    infos = read_archives(archives)
    for path, info in zip(archives, infos):
        if path.parent.name != info.subdir:
            raise ChannelError(f"{path} is a package for {info.subdir}, but it is in {path.parent.name}/")
    try:
        asyncio.run(index_fs(channel, write_zst=False, write_shards=False, force=True))
    except Exception as exc:  # rattler's error classes
        raise ChannelError(f"could not index {channel}: {exc}") from None
    with contextlib.suppress(OSError):
        (channel / ".tmp").rmdir()  # index_fs's scratch directory, when it left it empty


def add_archives(channel: Path, archives: Sequence[Path]) -> list[Path]:
    """Copy package archives into the channel, each into its subdir, and re-index.

    All archives are checked before any is copied: one bad file changes nothing.
    """
    channel = prepare_channel_dir(channel)
    sources = []
    for archive in archives:
        path = Path(archive).expanduser().absolute()
        if not path.is_file():
            raise ChannelError(f"{path} does not exist, expected a .conda or .tar.bz2 file")
        sources.append(path)
    infos = read_archives(sources, deep=True)
    for path, info in zip(sources, infos):
        suffix = archive_suffix(path) or ".conda"
        if path.name != info.filename(suffix):
            raise ChannelError(
                f"{path} is named differently from what its info/index.json says "
                f"(expected {info.filename(suffix)})"
            )
    added = []
    with locked(channel) as scratch:
        for path, info in zip(sources, infos):
            dest_dir = channel / info.subdir
            dest_dir.mkdir(exist_ok=True)
            added.append(copy_atomically(path, dest_dir / path.name, scratch))
        write_index(channel)
    return added


def _new_file(directory: Path, name: str) -> str:
    """A new empty file in ``directory`` created with mode 0666 less the umask.

    ``tempfile.mkstemp`` makes files 0600 whatever the umask, and a rename keeps
    that mode: a channel's archives would then be unreadable to anyone else
    (another user, the web server serving the channel).
    """
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise ChannelError(f"cannot create a temporary file in {directory}")


def copy_atomically(src: Path, dest: Path, scratch: Path) -> Path:
    """Copy through a temp file in ``scratch`` and a rename: ``dest`` is old or new, never partial."""
    tmp = _new_file(scratch, dest.name)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        raise ChannelError(f"cannot copy {src} to {dest}: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return dest


def write_atomically(path: Path, data: bytes, scratch: Path) -> None:
    """Write through a temp file in ``scratch`` and a rename: ``path`` is old or new, never partial."""
    tmp = _new_file(scratch, path.name)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
