"""What pip or uv said when a build failed, picked out of rattler-build's log.

The script runs the installer with ``-vv``, so the lines that matter -- the build
backend's own output and the installer's error report -- are buried among debug
chatter and, for pip, followed by a long traceback. The last lines of the log,
which the generic error shows, are then mostly noise.
"""

from __future__ import annotations

import re

#: rattler-build's trailer after a failed script; nothing after it is the installer's.
_TRAILER = ("Script failed with status", "Script execution failed.")
_MAX_LINES = 40


def _before_trailer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.startswith(_TRAILER):
            return lines[:i]
    return lines


def _compact(lines: list[str]) -> list[str]:
    kept = [line.rstrip() for line in lines if line.strip()]
    return kept[-_MAX_LINES:]


def _uv_error(lines: list[str]) -> list[str]:
    """uv ends with ``error: ...`` plus ``cause:``/``[stderr]``/``hint:`` lines: take that block."""
    starts = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    return _compact(lines[starts[-1] :]) if starts else []


def _pip_error(lines: list[str]) -> list[str]:
    """pip: the failing subprocess' own output, then pip's ``error:`` reports up to its traceback."""
    first = next((i for i, line in enumerate(lines) if re.match(r"\s*(error: [a-z-]+|ERROR: )", line)), None)
    if first is None:
        return []
    begin = first
    for i in range(first - 1, max(first - _MAX_LINES, 0) - 1, -1):
        if lines[i].strip().startswith(("Running command", "Running setup.py")):
            begin = i + 1
            break
    end = next(
        (i for i in range(first, len(lines)) if lines[i].startswith(("Exception information:", "Traceback ("))),
        len(lines),
    )
    return _compact(lines[begin:end])


def installer_error(log: list[str], installer: str) -> str | None:
    """The installer's own account of a failed build, or None when the log has none."""
    lines = _before_trailer([line.rstrip("\n") for line in log])
    found = _uv_error(lines) if installer == "uv" else _pip_error(lines)
    return "\n".join(found) if found else None


def missing_module(summary: str) -> str | None:
    """The module a build could not import, when that is why it failed."""
    m = re.search(r"No module named '([^']+)'", summary)
    return m.group(1) if m else None
