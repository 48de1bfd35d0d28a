"""``kiln channel install``: solve specs from local channels and install them into a fresh prefix.

This is how a package built offline is tried: like ``micromamba create -p`` or
``pixi exec``, but it reads only local channels, so it never touches the
network. Paths are made absolute (rattler writes a relative prefix into
shebangs as it is) and packages are cached under ``$RATTLER_CACHE_DIR/pkgs``,
where rattler-build keeps its own.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from kiln.channels.index import add_archives, archive_suffix, index_is_current, read_archives
from kiln.conda.platforms import current_platform
from kiln.errors import ChannelError


class InstallError(ChannelError):
    """The specs cannot be solved or installed from the given channels."""


@dataclass(frozen=True)
class Installed:
    name: str
    version: str
    build: str
    channel: str


def channel_url(channel: str | Path) -> str:
    """A local channel (directory or ``file://`` URL) as the ``file://`` URL rattler reads.

    Anything that is not on this machine is refused: ``kiln channel install`` promises
    not to reach the network.
    """
    text = str(channel)
    if "://" in text:
        parsed = urlparse(text)
        if parsed.scheme != "file":
            raise InstallError(f"{text}: kiln channel install reads local channels only (a directory or a file:// URL)")
        path = Path(url2pathname(parsed.path))
    else:
        path = Path(text).expanduser().absolute()
    if not path.is_dir():
        raise InstallError(f"channel {path} is not a directory")
    if not (path / "noarch" / "repodata.json").is_file():
        if any(archive_suffix(p) for p in path.iterdir()):
            raise InstallError(
                f"{path} holds package archives but is no channel (no noarch/repodata.json): "
                "`kiln build -o` writes plain files, as `pixi build -o` does",
                help=f"install the files themselves (`kiln channel install ... {path}/*.conda`), "
                f"or make a channel with `kiln publish --to DIR` or `kiln channel add DIR {path}/*.conda`",
            )
        raise InstallError(
            f"channel {path} has no index (no noarch/repodata.json)", help=f"run `kiln channel index {path}`"
        )
    if not index_is_current(path, by_time=False):
        # A stale sha256 would make rattler's cache install an archive's old contents.
        raise InstallError(
            f"the index of channel {path} is out of date: it does not list the archives there as they are",
            help=f"run `kiln channel index {path}`",
        )
    return path.as_uri()


def _check_prefix(prefix: Path) -> None:
    if prefix.exists() and not prefix.is_dir():
        raise InstallError(f"{prefix} is a file, expected a directory for the environment")
    if prefix.is_dir() and any(prefix.iterdir()) and not (prefix / "conda-meta").is_dir():
        raise InstallError(f"{prefix} is a non-empty directory that is not a conda environment; choose a new prefix")


def _cache_dir() -> Path | None:
    root = os.environ.get("RATTLER_CACHE_DIR")
    return Path(root) / "pkgs" if root else None


def install(
    prefix: str | Path, specs: Sequence[str], channels: Sequence[str | Path], platform: str | None = None
) -> list[Installed]:
    """Make ``prefix`` hold ``specs`` and their dependencies, solved from ``channels`` only.

    A spec may be a package archive (``out/app-1.0-h0_0.conda``, what ``kiln build -o``
    writes): that very package is installed, from a channel made of the archives
    given, which comes first. An existing environment at ``prefix`` is changed to
    exactly that set.
    """
    archives = [Path(s) for s in specs if archive_suffix(Path(s)) and (Path(s).is_file() or os.sep in s)]
    specs = [s for s in specs if Path(s) not in archives]
    if not channels and not archives:
        raise InstallError("no channel given: kiln channel install reads only the channels it is given")
    if not specs and not archives:
        raise InstallError("nothing to install: give at least one package spec")
    prefix = Path(prefix).expanduser().absolute()
    _check_prefix(prefix)
    with tempfile.TemporaryDirectory(prefix="kiln-install-") as tmp:
        urls = []
        if archives:
            missing = [str(a) for a in archives if not a.is_file()]
            if missing:
                raise InstallError(f"no such package archive: {', '.join(missing)}")
            add_archives(Path(tmp), archives)
            urls.append(Path(tmp).as_uri())
            specs = [*(f"{i.name} =={i.version} {i.build}" for i in read_archives(archives)), *specs]
        urls += [channel_url(c) for c in channels]
        return asyncio.run(_solve_and_install(prefix, list(specs), urls, platform or current_platform()))


async def _solve_and_install(prefix: Path, specs: list[str], urls: list[str], platform: str) -> list[Installed]:
    import rattler
    from rattler import exceptions as rx

    try:
        subdir = rattler.Platform(platform)
    except Exception:
        raise InstallError(f"unknown platform `{platform}`") from None
    match_specs = []
    for spec in specs:
        try:
            match_specs.append(rattler.MatchSpec(spec))
        except Exception as exc:
            raise InstallError(f"invalid package spec `{spec}`: {exc}") from None
    virtual = rattler.VirtualPackage.detect() if platform == current_platform() else []
    cache = _cache_dir()
    gateway = rattler.Gateway(cache_dir=cache.parent / "repodata" if cache else None)
    try:
        records = await rattler.solve(
            sources=urls, specs=match_specs, gateway=gateway, platforms=[subdir, rattler.Platform("noarch")],
            virtual_packages=virtual,
        )  # fmt: skip
    except rx.SolverError as exc:
        raise InstallError(f"cannot install {' '.join(specs)} from {', '.join(urls)}:\n{exc}") from None
    except Exception as exc:  # repodata that cannot be read, and the like
        raise InstallError(f"cannot read the channels {', '.join(urls)}: {exc}") from None
    try:
        await rattler.install(records, target_prefix=prefix, cache_dir=cache, platform=subdir, show_progress=False)
    except Exception as exc:  # rattler's installer errors
        raise InstallError(f"cannot install into {prefix}: {exc}") from None
    return sorted(
        (Installed(r.name.normalized, str(r.version), r.build, str(r.channel)) for r in records),
        key=lambda i: i.name,
    )
