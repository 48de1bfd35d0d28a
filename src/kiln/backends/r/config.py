"""``[package.build.config]`` of pixi-build-r: upstream's options and merge rules (spec ``backends.md`` §6.1)."""

from __future__ import annotations

import msgspec

from kiln.backend.config import merge_map, override, replace_if_nonempty


class RConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    extra_args: list[str] = []
    """Appended to ``R CMD INSTALL``'s options (e.g. ``--no-multiarch``)."""
    env: dict[str, str] = {}
    extra_input_globs: list[str] = []
    compilers: list[str] | None = None
    """``None``: c, cxx and fortran when the package has ``src/`` or ``LinkingTo``, else none."""
    channels: list[str] | None = None
    """Accepted, as upstream does, and not used."""

    def merge(self, target: RConfig) -> RConfig:
        return RConfig(
            extra_args=replace_if_nonempty(self.extra_args, target.extra_args),
            env=merge_map(self.env, target.env),
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            compilers=override(self.compilers, target.compilers),
            channels=override(self.channels, target.channels),
        )
