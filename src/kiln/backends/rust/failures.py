"""What rustc or cargo said when a build failed, picked out of rattler-build's log.

cargo prints progress (``Compiling ...``) before the compiler's diagnostics, and
rattler-build's trailer follows them, so the generic "last lines of the log" can
miss the first -- usually the real -- error. This finds the first ``error`` block.
"""

from __future__ import annotations

import re

_ERROR = re.compile(r"^\s*error(\[E\d+\])?: ")
_TRAILER = ("Script failed with status", "Script execution failed.")
_MAX_LINES = 30


def compiler_error(log: list[str]) -> str | None:
    """The first ``error:``/``error[E…]:`` diagnostic with its context lines, or None."""
    lines = [line.rstrip("\n").rstrip() for line in log]
    start = next((i for i, line in enumerate(lines) if _ERROR.match(line)), None)
    if start is None:
        return None
    block: list[str] = []
    for line in lines[start:]:
        if line.strip().startswith(_TRAILER):
            break
        if block and not line.strip() and len(block) > 1:
            break
        block.append(line)
        if len(block) >= _MAX_LINES:
            break
    return "\n".join(b for b in block if b.strip()) or None
