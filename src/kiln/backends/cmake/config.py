"""``[package.build.config]`` of pixi-build-cmake: the options, their defaults and target merging.

Names, defaults and per-target merge rules are upstream's (spec ``backends.md`` §3.1).
``compilers`` stays ``None`` when unset so that a target configuration can tell "not
given" from "given"; the effective default is ``["cxx"]``.
"""

from __future__ import annotations

import msgspec

from kiln.backend.config import merge_map, override, replace_if_nonempty

#: What ``compilers`` means when neither the base nor the target sets it.
DEFAULT_COMPILERS = ("cxx",)


class CMakeConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    extra_args: list[str] = []
    env: dict[str, str] = {}
    extra_input_globs: list[str] = []
    compilers: list[str] | None = None

    @property
    def effective_compilers(self) -> list[str]:
        return list(self.compilers) if self.compilers is not None else list(DEFAULT_COMPILERS)

    def merge(self, target: CMakeConfig) -> CMakeConfig:
        """This (base) configuration with a ``[package.build.target.<sel>.config]`` applied."""
        return CMakeConfig(
            extra_args=replace_if_nonempty(self.extra_args, target.extra_args),
            env=merge_map(self.env, target.env),
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            # set in the target (even to []) means replaced
            compilers=override(self.compilers, target.compilers),
        )
