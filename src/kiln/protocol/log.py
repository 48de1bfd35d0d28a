"""Minimal stderr logging for backend processes.

The standard ``logging`` package is avoided on purpose: a backend's start-up time
is a feature (pixi spawns backends often), and a backend only needs levelled lines
on stderr, never on stdout.
"""

from __future__ import annotations

import sys

ERROR, WARN, INFO, DEBUG, TRACE = 0, 1, 2, 3, 4
_NAMES = {ERROR: "ERROR", WARN: "WARN", INFO: "INFO", DEBUG: "DEBUG", TRACE: "TRACE"}

_level = INFO
_prefix = "kiln"


def configure(*, verbose: int = 0, quiet: int = 0, prefix: str | None = None) -> None:
    """Set the level from ``-v``/``-q`` counts (default INFO)."""
    global _level, _prefix
    _level = max(ERROR, min(TRACE, INFO + verbose - quiet))
    if prefix:
        _prefix = prefix


def enabled(level: int) -> bool:
    return level <= _level


def emit(level: int, message: str) -> None:
    if level > _level:
        return
    try:
        sys.stderr.write(f"{_NAMES[level]} {_prefix}: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed: nowhere left to log
        pass


def error(message: str) -> None:
    emit(ERROR, message)


def warn(message: str) -> None:
    emit(WARN, message)


def info(message: str) -> None:
    emit(INFO, message)


def debug(message: str) -> None:
    emit(DEBUG, message)
