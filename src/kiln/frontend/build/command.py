"""How a backend process is started: its command line, environment and cache identity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackendCommand:
    """How to start a backend, and its identity for cache keys."""

    argv: tuple[str, ...]
    identity: str
    overridden: bool = False
    env: dict[str, str] | None = None
    """The process environment; None inherits kiln's (system and override backends)."""
    own: bool = False
    """One of kiln's own backends (its identity then follows kiln's sources too)."""
