"""``[package.build.config]`` of pixi-build-rust: the options, their defaults and target merging.

Names, defaults and merge rules are upstream's (spec ``backends.md`` §4.1). Unset
scalars stay ``None`` so a target configuration can tell "not given" from "given
as the default".
"""

from __future__ import annotations

from typing import Literal

import msgspec

from kiln.backend.config import merge_map, override, replace_if_nonempty

#: Compilers when ``compilers`` is not given: the rust compilers already need a C
#: compiler; naming it lets ``c_compiler_version`` pin it.
DEFAULT_COMPILERS = ("rust", "c")


class RustConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    extra_args: list[str] = []
    env: dict[str, str] = {}
    extra_input_globs: list[str] = []
    ignore_cargo_manifest: bool | None = None
    compilers: list[str] | None = None
    #: Binaries to install (``--bin <name>`` each); empty installs every binary.
    binaries: list[str] = []
    #: Accepted as upstream does; sccache is switched on by ``SCCACHE*`` variables.
    compiler_cache: Literal["sccache"] | None = None

    @property
    def effective_compilers(self) -> list[str]:
        return list(DEFAULT_COMPILERS) if self.compilers is None else list(self.compilers)

    @property
    def cargo_args(self) -> list[str]:
        """``extra-args`` then ``--bin <name>`` per chosen binary, as upstream passes them."""
        args = list(self.extra_args)
        for name in self.binaries:
            args += ["--bin", name]
        return args

    def merge(self, target: RustConfig) -> RustConfig:
        """This (base) configuration with a ``[package.build.target.<sel>.config]`` applied."""
        return RustConfig(
            extra_args=replace_if_nonempty(self.extra_args, target.extra_args),
            env=merge_map(self.env, target.env),
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            ignore_cargo_manifest=override(self.ignore_cargo_manifest, target.ignore_cargo_manifest),
            compilers=override(self.compilers, target.compilers),
            binaries=replace_if_nonempty(self.binaries, target.binaries),
            compiler_cache=override(self.compiler_cache, target.compiler_cache),
        )
