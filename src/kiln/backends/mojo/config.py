"""``[package.build.config]`` of pixi-build-mojo: target merging and deriving bins and pkg (spec §5.1, §5.3)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import msgspec

from kiln.backend.config import merge_map, override, replace_if_nonempty
from kiln.errors import ConfigurationError


class MojoBin(msgspec.Struct, rename="kebab", omit_defaults=True):
    name: str | None = None
    path: str | None = None
    extra_args: list[str] | None = None

    def merged(self, target: MojoBin) -> MojoBin:
        """A same-named target bin over this one: the target's set fields win."""
        return MojoBin(self.name, override(self.path, target.path), override(self.extra_args, target.extra_args))


class MojoPkg(msgspec.Struct, rename="kebab", omit_defaults=True):
    name: str | None = None
    path: str | None = None
    extra_args: list[str] | None = None

    def merged(self, target: MojoPkg) -> MojoPkg:
        return MojoPkg(
            override(self.name, target.name),
            override(self.path, target.path),
            override(self.extra_args, target.extra_args),
        )


class MojoConfig(msgspec.Struct, rename="kebab", omit_defaults=True):
    """Unknown keys are accepted, as upstream's config (no ``deny_unknown_fields``)."""

    env: dict[str, str] = {}
    extra_input_globs: list[str] = []
    compilers: list[str] | None = None
    bins: list[MojoBin] | None = None
    pkg: MojoPkg | None = None

    def merge(self, target: MojoConfig) -> MojoConfig:
        pkg = self.pkg
        if target.pkg is not None:
            pkg = self.pkg.merged(target.pkg) if self.pkg is not None else target.pkg
        bins = self.bins
        if target.bins is not None:
            if self.bins is None:
                bins = target.bins
            else:
                # target order; a named target bin takes the unset fields of the base bin of that name
                base = {b.name: b for b in self.bins if b.name is not None}
                bins = [base[b.name].merged(b) if b.name in base else b for b in target.bins]
        return MojoConfig(
            env=merge_map(self.env, target.env),
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            compilers=override(self.compilers, target.compilers),
            bins=bins,
            pkg=pkg,
        )


def project_name(package_name: str) -> str:
    """The default bin/pkg name: the package name with ``-`` written ``_``."""
    return package_name.replace("-", "_")


@dataclass
class Artifacts:
    """What the build script makes: binaries and at most one package, paths resolved."""

    bins: list[MojoBin] | None
    pkg: MojoPkg | None


def _derive_bins(conf: list[MojoBin] | None, root: Path, name: str) -> tuple[list[MojoBin] | None, bool]:
    main = root / "main.mojo"
    main_path = str(main) if main.exists() else None
    if conf is None:
        return ([MojoBin(name=name, path=main_path)], True) if main_path else (None, False)
    if not conf:
        return None, False
    bins = [MojoBin(b.name, b.path, b.extra_args) for b in conf]
    if bins[0].name is None:
        bins[0].name = name
    if bins[0].path is None:
        if main_path is None:
            raise ConfigurationError(
                "Could not find main.mojo for configured binary", help=f"create {main} or set the bin's `path`"
            )
        bins[0].path = main_path
    seen: set[str] = set()
    for index, b in enumerate(bins, start=1):
        if b.name is None:
            raise ConfigurationError(f"Binary configuration {index} is missing a name.")
        if b.path is None:
            raise ConfigurationError(f"Binary configuration {b.name} is missing a path.")
        if b.name in seen:
            raise ConfigurationError(f"Binary name has been used twice: {b.name}")
        seen.add(b.name)
    return bins, False


def _find_package_dir(root: Path, name: str) -> str | None:
    for folder in (name, "src"):
        if (root / folder / "__init__.mojo").exists():
            return str(root / folder)
    return None


def _derive_pkg(conf: MojoPkg | None, root: Path, name: str) -> tuple[MojoPkg | None, bool]:
    if conf is None:
        found = _find_package_dir(root, name)
        return (MojoPkg(name=name, path=found), True) if found else (None, False)
    pkg = MojoPkg(conf.name or name, conf.path, conf.extra_args)
    if pkg.path is None:
        pkg.path = _find_package_dir(root, name)
        if pkg.path is None:
            raise ConfigurationError(
                f"Could not find valid package path for {pkg.name}",
                help=f"put an __init__.mojo in {root / name} or {root / 'src'}, or set `pkg.path`",
            )
    return pkg, False


def derive(config: MojoConfig, root: Path, name: str) -> Artifacts:
    """Bins and pkg as upstream derives them, relative paths made absolute against ``root``."""
    bins, bins_auto = _derive_bins(config.bins, root, name)
    pkg, pkg_auto = _derive_pkg(config.pkg, root, name)
    if bins is None and pkg is None:
        raise ConfigurationError(
            "No bin or pkg configuration detected.",
            help="add a main.mojo, a <name>/__init__.mojo or src/__init__.mojo, or configure `bins`/`pkg`",
        )
    if bins_auto and pkg_auto:
        pkg = None
    elif bins_auto and pkg is not None:
        bins = None  # a configured pkg: the derived bin is not wanted
    elif bins is not None and pkg_auto:
        pkg = None  # configured bins: the derived pkg is not wanted
    base = str(root if root.is_absolute() else Path.cwd() / root)
    for item in [*(bins or []), *([pkg] if pkg else [])]:
        if item.path is not None and not os.path.isabs(item.path):
            # joined as text, like upstream's PathBuf::join: `./main.mojo` keeps its `./`
            item.path = os.path.join(base, item.path)
    return Artifacts(bins, pkg)
