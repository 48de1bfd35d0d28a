"""``kiln publish --to DIR``: add built archives to a local channel and index it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiln.frontend.channel import LocalChannel


def publish(artifacts: list, target: Path) -> list:
    """Copy ``artifacts`` into the channel at ``target``; returns them at their new paths."""
    channel = LocalChannel(target.absolute(), sorted({a.subdir for a in artifacts}))
    placed = [replace(a, path=channel.add(a.path, a.subdir, a.sha256)) for a in artifacts]
    channel.index()
    return placed
