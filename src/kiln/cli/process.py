"""Leaving a kiln process: flush, then ``os._exit``.

py-rattler can crash at interpreter exit under load (measured: SIGSEGV/SIGABRT after
the work is done), so every process of ours that may have used it skips interpreter
teardown. Only ``os`` and ``sys``: backends import this on their start-up path.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing stays off the start-up path
if TYPE_CHECKING:
    from typing import NoReturn


def exit_process(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
