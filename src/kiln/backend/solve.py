"""Explain why a set of specs cannot be solved (rattler-build only says that it failed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kiln.conda.platforms import current_platform


def channel_source(channel: str) -> str:
    """A channel as rattler's solver takes it: URLs as they are, directories as file:// URLs."""
    if "://" in channel:
        return channel
    return Path(channel).absolute().as_uri()


def solved_subdirs(specs: list[str], channels: list[str], platform: str | None = None) -> set[str]:
    """The subdirs of the packages an environment of ``specs`` solves to (raises if it cannot)."""
    import rattler

    platforms = [platform or current_platform(), "noarch"]
    sources = [channel_source(c) for c in channels]
    records = asyncio.run(rattler.solve(sources=sources, specs=specs, platforms=platforms))
    return {str(record.subdir) for record in records}


def explain_unsolvable(specs: list[str], channels: list[str], platform: str | None = None) -> str:
    """The solver's own message for ``specs`` against ``channels`` ("" if it solves)."""
    try:
        solved_subdirs(specs, channels, platform)
    except Exception as exc:  # rattler's SolverError and friends
        return f"the environment {specs} cannot be solved from {channels or ['(no channels)']}:\n{exc}"
    return ""
