"""``[package.build.config]`` of pixi-build-ros: options, defaults and target merging (spec §7.1)."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from kiln.backend.config import override

#: ``robostack-<distro>`` as a channel's last path segment (``robostack-staging`` is not a distro).
_CHANNEL = re.compile(r"robostack-(\w+)")


class RosConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    distro: str | None = None
    #: Accepted and unused, as upstream.
    noarch: bool | None = None
    env: dict[str, str] | None = None
    extra_input_globs: list[str] | None = None
    #: Each source is ``{path = "<file.yaml>"}`` or an inline ``{<rosdep> = {conda|ros|robostack = ...}}``.
    extra_package_mappings: list[dict[str, Any]] = []
    ignore_workspace_sources: bool = False

    def merge(self, target: RosConfig) -> RosConfig:
        env = self.env
        if target.env is not None:
            env = {**(self.env or {}), **target.env}
        return RosConfig(
            distro=override(self.distro, target.distro),
            noarch=override(self.noarch, target.noarch),
            env=env,
            extra_input_globs=override(self.extra_input_globs, target.extra_input_globs),
            extra_package_mappings=list(target.extra_package_mappings or self.extra_package_mappings),
            ignore_workspace_sources=target.ignore_workspace_sources or self.ignore_workspace_sources,
        )

    def mapping_file_paths(self) -> list[str]:
        """The ``path`` sources, in order (they are metadata input globs)."""
        return [str(s["path"]) for s in self.extra_package_mappings if _is_file_source(s)]


def _is_file_source(source: dict[str, Any]) -> bool:
    return isinstance(source.get("path"), str)


def distro_from_channels(channels: list[str]) -> str | None:
    """The distro of the first ``robostack-<distro>`` channel, skipping ``robostack-staging``."""
    for channel in channels:
        name = channel.rstrip("/").rsplit("/", 1)[-1]
        found = _CHANNEL.search(name)
        if found:
            if found.group(1) == "staging":
                continue
            return found.group(1)
    return None
