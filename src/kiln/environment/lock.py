"""``pixi.lock``: the solved environments, read and written with py-rattler's lock-file API.

py-rattler 0.28 reads source packages (``CondaLockedSourcePackage``) but cannot
write them: its ``LockFile`` takes only ``RepoDataRecord``s. Source packages are
therefore locked as plain records whose URL is their archive in the workspace
channel (``.pixi/channel-v0``), with its sha256; the check below treats a locked
record from that channel as the source package and compares it with what was built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_NAME = "pixi.lock"


@dataclass
class Built:
    """A source package archive this install built (or took from kiln's cache)."""

    name: str
    version: str
    build: str
    sha256: str


def read_records(lock_path: Path, env: str, platform: str) -> tuple[list[Any], list[str]] | None:
    """The locked records and channel URLs of ``env`` on ``platform``; None when the lock has none."""
    import rattler

    if not lock_path.is_file():
        return None
    lock = rattler.LockFile.from_path(lock_path)
    environment = lock.environment(env)
    if environment is None:
        return None
    # only the lock's own platform objects can be asked (a new LockPlatform makes py-rattler panic)
    owned = [p for p in environment.platforms() if p.name == platform]
    records = environment.conda_repodata_records_for_platform(owned[0]) if owned else None
    if records is None:
        return None
    return list(records), [str(c) for c in environment.channels()]


def out_of_date(
    records: list[Any], channels: list[str], wanted_channels: list[str], binary: dict[str, str],
    sources: set[str], built: dict[str, Built], built_channels: list[str],
) -> str | None:  # fmt: skip
    """Why the locked ``records`` no longer satisfy the manifest and the built sources; None if they do."""
    import rattler

    if [c.rstrip("/") for c in channels] != [c.rstrip("/") for c in wanted_channels]:
        return "the channels changed"
    by_name = {r.name.normalized: r for r in records}
    for name, text in binary.items():
        record = by_name.get(name.lower())
        if record is None:
            return f"`{name}` is not in it"
        if not rattler.MatchSpec(text).matches(record):
            return f"the locked {name} {record.version} {record.build} does not match `{text}`"
    for name in sources:
        if name.lower() not in by_name:
            return f"the source package `{name}` is not in it"
    for record in records:
        if not any(str(record.url).startswith(c.rstrip("/") + "/") for c in built_channels):
            continue
        art = built.get(record.name.normalized)
        if art is None:
            return f"`{record.name.normalized}` came from the workspace channel but was not built now"
        sha = record.sha256.hex() if isinstance(record.sha256, bytes) else str(record.sha256)
        if (str(record.version), str(record.build), sha) != (art.version, art.build, art.sha256):
            return f"the source package `{art.name}` changed"
    return None


def write_lock(lock_path: Path, env: str, platform: str, records: list[Any], channels: list[str]) -> None:
    """Write ``env``'s records for ``platform``; other environments and platforms in the lock are kept."""
    import rattler

    kept: dict[tuple[str, str], list[Any]] = {}
    kept_channels: dict[str, list[str]] = {}
    if lock_path.is_file():
        old = rattler.LockFile.from_path(lock_path)
        for name, environment in old.environments():
            kept_channels[name] = [str(c) for c in environment.channels()]
            for plat in environment.platforms():
                if (name, plat.name) == (env, platform):
                    continue
                found = environment.conda_repodata_records_for_platform(plat)
                if found:
                    kept[(name, plat.name)] = list(found)
    kept[(env, platform)] = records
    kept_channels[env] = channels
    platforms = sorted({p for _, p in kept})
    lock = rattler.LockFile([rattler.LockPlatform(p) for p in platforms])
    for name in sorted(kept_channels):
        lock.set_channels(name, [rattler.LockChannel(c) for c in kept_channels[name]])
    for (name, plat), recs in sorted(kept.items(), key=lambda item: item[0]):
        for record in sorted(recs, key=lambda r: r.name.normalized):
            lock.add_conda_package(name, rattler.LockPlatform(plat), record)
    tmp = lock_path.with_name(lock_path.name + ".tmp")
    lock.to_path(tmp)
    tmp.replace(lock_path)
