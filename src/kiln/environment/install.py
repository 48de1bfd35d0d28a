"""``kiln install``: build the workspace's source dependencies, solve (or take ``pixi.lock``), install.

1. The environment's source dependencies are built by the front end's
   :class:`~kiln.frontend.build.session.BuildSession` -- the same graph, caches and
   backends as ``kiln build`` -- with ``editable`` asked for path sources (pixi's
   rule for the workspace environment). Their archives land in the workspace
   channel ``.pixi/channel-v0``.
2. If ``pixi.lock`` still satisfies the manifest and the built archives, its records
   are installed as they are: no solve. Otherwise (unless ``--locked``) the specs are
   solved with py-rattler from the workspace channel plus the workspace channels,
   the lock is rewritten, and the result installed into ``.pixi/envs/<env>``.
3. A stamp of what the install depended on makes the next up-to-date check a few
   ``stat`` calls (:mod:`.stamp`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.conda.platforms import current_platform
from kiln.environment import stamp
from kiln.environment.lock import LOCK_NAME, Built, out_of_date, read_records, write_lock
from kiln.environment.run import run_plan
from kiln.environment.spec import EnvironmentSpec, read_environment
from kiln.errors import KilnError
from kiln.frontend.build.lock import WorkspaceLock
from kiln.frontend.build.options import BuildOptions, Reporter
from kiln.frontend.build.session import BuildSession
from kiln.frontend.build.sources import SourceError, locate


class EnvironmentInstallError(KilnError):
    """The environment cannot be solved, locked or installed."""


@dataclass
class InstallResult:
    spec: EnvironmentSpec
    how: str
    """``up-to-date``, ``from-lock`` (installed without solving), ``solved`` or ``frozen``."""
    records: list[tuple[str, str, str]] = field(default_factory=list)


def install(
    manifest_path: Path | None, env: str | None, *, frozen: bool = False, locked: bool = False,
    reporter: Reporter | None = None, note: Callable[[str], None] = lambda text: None,
) -> InstallResult:  # fmt: skip
    if frozen and locked:
        raise KilnError("`--frozen` and `--locked` exclude each other")
    platform = current_platform()
    spec = read_environment(manifest_path, env, platform)
    # one install of a workspace at a time: they share pixi.lock and may share an env
    # (a different file from the build sessions' lock, which they take inside)
    with WorkspaceLock(spec.root / ".pixi" / "kiln-env.lock", on_wait=note):
        return _install_locked(spec, platform, frozen=frozen, locked=locked, reporter=reporter, note=note)


def _install_locked(
    spec: EnvironmentSpec, platform: str, *, frozen: bool, locked: bool, reporter: Reporter | None,
    note: Callable[[str], None],
) -> InstallResult:  # fmt: skip
    lock_path = spec.root / LOCK_NAME
    binary_channels = [_channel_url(c) for c in spec.workspace.channels]
    if frozen:
        found = read_records(lock_path, spec.name, platform)
        if found is None:
            raise EnvironmentInstallError(f"--frozen: {lock_path} has no environment `{spec.name}` for {platform}",
                                    help="run `kiln install` once without --frozen to write it")  # fmt: skip
        _install(spec.prefix, found[0], platform)
        return InstallResult(spec, "frozen", _names(found[0]))
    built, trees, built_channels = _build_sources(spec, reporter or Reporter())
    # the workspace channel(s) hold what kiln built: searched first
    channels = [*built_channels, *(c for c in binary_channels if c not in built_channels)]
    found = read_records(lock_path, spec.name, platform)
    reason = "there is no pixi.lock" if not lock_path.is_file() else f"it has no `{spec.name}` environment for {platform}"
    if found is not None:
        reason = out_of_date(found[0], found[1], channels, spec.binary, set(spec.sources), built,
                             built_channels) or ""  # fmt: skip
    if found is not None and not reason:
        note(f"{LOCK_NAME} is up to date: installing `{spec.name}` from it without solving")
        records, how = found[0], "from-lock"
    elif locked:
        raise EnvironmentInstallError(f"--locked: {lock_path} is out of date: {reason}",
                                help="run `kiln install` without --locked to update it")  # fmt: skip
    else:
        note(f"solving `{spec.name}` ({reason})")
        records = asyncio.run(_solve(spec, channels, built, platform))
        write_lock(lock_path, spec.name, platform, records, channels)
        how = "solved"
    _install(spec.prefix, records, platform)
    files = [spec.workspace.manifest_path, lock_path, *spec.activation_scripts]
    plan = run_plan(spec)
    stamp.write_stamp(spec.prefix, [f for f in files if f.exists()], trees, stamp.stamp_key(spec.name), plan)
    return InstallResult(spec, how, _names(records))


def _names(records: list[Any]) -> list[tuple[str, str, str]]:
    return sorted((r.name.normalized, str(r.version), r.build) for r in records)


def _channel_url(channel: str) -> str:
    return channel if "://" in channel else Path(channel).absolute().as_uri()


def _build_sources(spec: EnvironmentSpec, reporter: Reporter) -> tuple[dict[str, Built], list[Path], list[str]]:
    """Every source dependency built (or reused) through ``kiln build``'s session, editable;
    the source trees to watch, and the channels the archives are in (the workspace
    channel, or another workspace's for a path outside this one)."""
    built: dict[str, Built] = {}
    trees: dict[str, Path] = {}
    channels: list[str] = []
    sources_dir = spec.root / ".pixi" / "sources-v0"
    for name, source in spec.sources.items():
        try:
            checkout = locate(source, spec.root, sources_dir)
        except SourceError as exc:
            raise KilnError(f"the source dependency `{name}` of {spec.workspace.manifest_path}: {exc.message}") from None
        session = BuildSession(BuildOptions(path=checkout.directory, editable=True, reporter=reporter))
        summary = session.run()
        names = set()
        for result in summary.packages:
            for art in result.artifacts:
                built[art.name] = Built(art.name, art.version, art.build, art.sha256)
                names.add(art.name)
        if name.lower() not in names:
            raise KilnError(
                f"the source dependency `{name}` ({checkout.directory}) builds {', '.join(sorted(names))}, not `{name}`"
            )
        for pkg in session.packages.values():
            if pkg.mutable:
                trees[str(pkg.source_dir)] = pkg.source_dir
        channel = session.channel.root.absolute().as_uri()
        if channel not in channels:
            channels.append(channel)
    return built, list(trees.values()), channels


async def _solve(spec: EnvironmentSpec, channels: list[str], built: dict[str, Built], platform: str) -> list[Any]:
    import rattler
    from rattler import exceptions as rx

    specs = list(spec.binary.values())
    specs += [f"{b.name} =={b.version} {b.build}" for n, b in built.items() if n in {s.lower() for s in spec.sources}]
    # the other packages built now (run dependencies of the sources): exactly these builds, if needed at all
    constraints = [f"{b.name} =={b.version} {b.build}" for b in built.values()]
    virtual = rattler.VirtualPackage.detect()
    cache = os.environ.get("RATTLER_CACHE_DIR")
    gateway = rattler.Gateway(cache_dir=Path(cache) / "repodata" if cache else None)
    try:
        return await rattler.solve(
            sources=channels, specs=specs, gateway=gateway, platforms=[rattler.Platform(platform), rattler.Platform("noarch")],
            virtual_packages=virtual, constraints=constraints,
        )  # fmt: skip
    except rx.SolverError as exc:
        raise EnvironmentInstallError(f"cannot solve the environment `{spec.name}` of {spec.workspace.manifest_path}:\n{exc}",
                                help="the channels searched: " + ", ".join(channels)) from None  # fmt: skip
    except Exception as exc:
        raise EnvironmentInstallError(f"cannot read the channels {', '.join(channels)}: {exc}") from None


def _install(prefix: Path, records: list[Any], platform: str) -> None:
    import rattler

    cache = os.environ.get("RATTLER_CACHE_DIR")
    prefix.mkdir(parents=True, exist_ok=True)
    stamp.stamp_path(prefix).unlink(missing_ok=True)
    try:
        asyncio.run(rattler.install(records, target_prefix=prefix, cache_dir=Path(cache) / "pkgs" if cache else None,
                                    platform=rattler.Platform(platform), show_progress=False))  # fmt: skip
    except Exception as exc:
        raise EnvironmentInstallError(f"cannot install into {prefix}: {exc}") from None
