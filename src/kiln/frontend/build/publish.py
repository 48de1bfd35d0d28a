"""Where built archives go: flat files (``build -o``, ``publish --target-dir``) or a local channel.

``pixi build -o DIR`` and ``pixi publish --target-dir DIR`` write plain
``<name>-<version>-<build>.conda`` files into DIR; ``pixi publish
--target-channel DIR`` adds them to an indexed channel (``<subdir>/`` plus
``repodata.json``). Both go through a hidden temp file and a rename, so DIR
never holds a partial archive.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiln.channels.index import copy_atomically
from kiln.errors import KilnError
from kiln.frontend.build.channel import LocalChannel
from kiln.frontend.build.fingerprint import hash_file


def deliver_flat(artifacts: list, directory: Path) -> list:
    """Copy ``artifacts`` (anything with ``path`` and ``sha256``) into ``directory``; returns them there."""
    directory = Path(directory).absolute()
    if directory.exists() and not directory.is_dir():
        raise KilnError(f"the output directory {directory} is a file")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KilnError(f"cannot create the output directory {directory}: {exc.strerror or exc}") from None
    placed = []
    for artifact in artifacts:
        target = directory / Path(artifact.path).name
        if not (target.is_file() and hash_file(target) == artifact.sha256):
            copy_atomically(Path(artifact.path), target, directory)
        placed.append(replace(artifact, path=target))
    return placed


def publish(artifacts: list, target: Path) -> list:
    """Add ``artifacts`` to the local channel at ``target`` and index it; returns them at their new paths."""
    channel = LocalChannel(target.absolute(), sorted({a.subdir for a in artifacts}))
    placed = [replace(a, path=channel.add(a.path, a.subdir, a.sha256)) for a in artifacts]
    channel.index()
    return placed


def publish_set(root: Path) -> list:
    """The packages ``kiln publish`` without ``--path`` publishes, dependencies first.

    As ``pixi publish``: every package below the workspace ``root`` with
    ``publish = true``. The set must be closed -- each source dependency of a
    member is a path inside the workspace naming another member -- so that a
    channel never refers to a package that was not published. Empty when no
    package opts in (the caller then publishes the package at ``.``).
    """
    import os

    from kiln.frontend.build.discovery import packages_below
    from kiln.protocol import types as t

    members = [p for p in packages_below(root) if p.publish]
    by_dir = {p.directory.resolve(): p for p in members}
    deps: dict[Path, list[Path]] = {}
    for pkg in members:
        table = pkg.manifest.table
        deps[pkg.directory.resolve()] = []
        for _bucket, name, spec in pkg.manifest.source_dependencies():
            where = _dependency_key(table, name)
            if spec.path is t.UNSET:
                raise _closed_error(table, where, f"`{name}` is a git or url source dependency", pkg.name)
            target = Path(os.path.normpath(pkg.directory / Path(spec.path.path).expanduser())).resolve()
            if not target.is_relative_to(Path(root).resolve()):
                raise _closed_error(table, where, f"`{name}` is a path outside the workspace ({target})", pkg.name)
            if target not in by_dir:
                raise _closed_error(
                    table, where, f"`{name}` ({os.path.relpath(target, root)}) does not set `publish = true`", pkg.name
                )
            if target != pkg.directory.resolve():
                deps[pkg.directory.resolve()].append(target)
    ordered: list = []
    state: dict[Path, int] = {}

    def visit(directory: Path) -> None:
        if state.get(directory) == 2:
            return
        if state.get(directory) == 1:
            from kiln.errors import DependencyCycleError

            raise DependencyCycleError([by_dir[directory].name])
        state[directory] = 1
        for dep in deps[directory]:
            visit(dep)
        state[directory] = 2
        ordered.append(by_dir[directory])

    for pkg in members:
        visit(pkg.directory.resolve())
    return ordered


def _dependency_key(table, name: str) -> tuple:
    """The key path of the dependency ``name`` in ``[package]`` (any bucket or target)."""
    for path in table.doc.key_paths():
        if path[: len(table.path)] == table.path and path[-1] == name:
            return path[len(table.path) :]
    return ()


def _closed_error(table, where: tuple, what: str, package: str):
    return table.error(
        f"cannot publish `{package}`: {what}, so the published channel would refer to a package it lacks",
        *where,
        help="set `publish = true` in that package's `[package]` too, replace the source dependency by a binary "
        "one, or publish this package alone with `kiln publish --path`",
    )
