"""``[package.build]``: which backend builds the package, from where, and with what configuration."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.conda.urls import InvalidChannel, channel_location
from kiln.frontend.manifest.dependency_specs import (
    PIN_KEYS,
    SPEC_KEYS,
    SpecContext,
    inherited_fields,
    package_name,
    parse_dependency,
    spec_from_fields,
)
from kiln.frontend.manifest.targets import target_selector
from kiln.frontend.manifest.toml_source import Table
from kiln.protocol import types as t

BUILD_KEYS = (
    "backend", "channels", "additional-dependencies", "source", "config", "configuration", "target",
    "flags", "build-number", "build-string-prefix", "secrets",
)  # fmt: skip
BACKEND_KEYS = ("name", "channels", "additional-dependencies", "workspace", *SPEC_KEYS)
SOURCE_KEYS = ("path", "git", "url", "branch", "tag", "rev", "subdirectory", "md5", "sha256", "lfs")


@dataclass
class BackendSpec:
    """The build backend: a conda package whose executable of the same name speaks the protocol."""

    name: str
    """Normalized (lower-case) package and executable name, e.g. ``pixi-build-python``."""
    version: str | None
    """Version spec; None means any version."""
    channels: list[str]
    """Channels to install the backend from (resolved); empty means the workspace's channels."""
    additional_dependencies: dict[str, Any]
    """Extra packages for the backend's environment: name -> wire ``PackageSpec`` (binary)."""
    spec: t.BinaryPackageSpec = field(default_factory=t.BinaryPackageSpec)
    """Every match-spec field given for the backend (version, build, channel, ...)."""


@dataclass
class BuildSection:
    """Everything ``[package.build]`` says."""

    backend: BackendSpec
    source_dir: Path | None
    """A local ``source = { path = ... }``, absolute; None when absent or remote."""
    build_source: t.SourcePackageSpec | None
    """A git or url ``source``; the front end fetches it."""
    configuration: Any
    target_configuration: dict[str, Any] | None
    flags: list[str]
    build_number: int | None
    build_string_prefix: str | None
    secrets: list[str]


def read_build_section(package: Table, ctx: SpecContext) -> BuildSection:
    """Read ``[package.build]``, which every package must have."""
    build = package.table("build")
    if build is None:
        raise package.error(
            f"missing `[{package.name}.build]`: a package needs a build backend",
            help='add `[package.build]` with `backend = { name = "pixi-build-python", version = "*" }`',
        )
    build.check_keys(BUILD_KEYS)
    if "config" in build and "configuration" in build:
        raise build.error(
            "both `config` and `configuration` are given",
            "configuration",
            help="`configuration` is the older name of `config`: keep only `config`",
        )
    source_dir, build_source = _source(build, ctx)
    config_key = "config" if "config" in build else "configuration"
    configuration = _json(build.get(config_key)) if config_key in build else None
    if configuration is not None and not isinstance(configuration, dict):
        raise build.wrong_type(config_key, "a table", build.get(config_key))
    secrets = build.string_list("secrets") or []
    return BuildSection(
        backend=_backend(build, ctx),
        source_dir=source_dir,
        build_source=build_source,
        configuration=configuration,
        target_configuration=_target_configuration(build),
        flags=build.string_list("flags") or [],
        build_number=build.integer("build-number", minimum=0),
        build_string_prefix=build.string("build-string-prefix"),
        secrets=sorted(set(secrets)),
    )


def _backend(build: Table, ctx: SpecContext) -> BackendSpec:
    if "backend" not in build:
        raise build.error(
            f"missing key `backend` in `[{build.name}]`",
            help='e.g. `backend = { name = "pixi-build-python", version = "*" }`',
        )
    backend = build.table("backend")
    assert backend is not None
    backend.check_keys(BACKEND_KEYS + PIN_KEYS)
    name = package_name(backend, "name", backend.string("name", required=True)).lower()
    fields = {k: v for k, v in backend.items() if k in SPEC_KEYS or k in PIN_KEYS or k == "workspace"}
    if "workspace" in fields:
        fields = inherited_fields(build, "backend", fields, ctx, lookup=name)
    for pin in PIN_KEYS:
        if pin in fields:
            raise backend.error(f"`{pin}` is not allowed for the build backend", pin)
    spec = t.BinaryPackageSpec()
    if fields:
        parsed = spec_from_fields(fields, build, ("backend",), ctx, base_dir=ctx.manifest_dir)
        if parsed.is_source:
            raise backend.error(
                "the build backend must be a binary package, not a source (`path`, `git` or `url`)",
                help="build a backend from source with `PIXI_BUILD_BACKEND_OVERRIDE` instead",
            )
        spec = parsed.spec.binary
    channels = _backend_channels(build, backend, ctx)
    return BackendSpec(
        name=name,
        version=spec.version,
        channels=channels,
        additional_dependencies=_additional(build, backend, ctx),
        spec=spec,
    )


def _backend_channels(build: Table, backend: Table, ctx: SpecContext) -> list[str]:
    owner = backend if "channels" in backend else build if "channels" in build else None
    if owner is None:
        return []
    names = owner.string_list("channels") or []
    if not names:
        raise owner.error("no channels specified for the build backend dependencies", "channels")
    channels = []
    for index, name in enumerate(names):
        try:
            channels.append(channel_location(name, root=ctx.manifest_dir, alias=ctx.channel_alias))
        except InvalidChannel as exc:
            raise owner.error(str(exc), "channels", index) from None
    return channels


def _additional(build: Table, backend: Table, ctx: SpecContext) -> dict[str, Any]:
    table = backend.table("additional-dependencies") or build.table("additional-dependencies")
    result: dict[str, Any] = {}
    for name in table or ():
        package_name(table, name)
        parsed = parse_dependency(table, name, ctx)
        if parsed.kind != "binary":
            raise table.error(f"`{name}`: additional backend dependencies must be binary packages", name)
        result[name] = parsed.spec
    return result


def _source(build: Table, ctx: SpecContext) -> tuple[Path | None, t.SourcePackageSpec | None]:
    source = build.table("source")
    if source is None:
        return None, None
    source.check_keys(SOURCE_KEYS)
    if "lfs" in source:
        raise source.error("`lfs` is not supported for the build source", "lfs")
    if not any(k in source for k in ("path", "git", "url")):
        raise source.error("must specify one of `path`, `url`, or `git`")
    parsed = spec_from_fields(dict(source.data), build, ("source",), ctx, base_dir=ctx.manifest_dir)
    if not parsed.is_source:
        raise source.error("the build source must be a directory, a git repository or a source archive, not a package")
    spec = parsed.spec.source
    if spec.path is not t.UNSET:
        directory = Path(os.path.normpath(ctx.manifest_dir / Path(spec.path.path).expanduser()))
        if not directory.is_dir():
            raise source.error(f"the build source directory '{directory}' does not exist", "path")
        return directory, None
    return None, spec


def _target_configuration(build: Table) -> dict[str, Any] | None:
    targets = build.table("target")
    if targets is None:
        return None
    result: dict[str, Any] = {}
    for selector in targets:
        key = target_selector(targets, selector)
        target = targets.table(selector)
        assert target is not None
        target.check_keys(("config", "configuration"))
        name = "config" if "config" in target else "configuration" if "configuration" in target else None
        if name is None:
            continue
        value = _json(target.get(name))
        if not isinstance(value, dict):
            raise target.wrong_type(name, "a table", target.get(name))
        result["macos" if key in ("osx", "macos") else key] = value
    return result or None


def _json(value: Any) -> Any:
    """TOML as JSON: tables with their keys sorted (as pixi passes them), date-times as strings."""
    if isinstance(value, dict):
        return {key: _json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value

