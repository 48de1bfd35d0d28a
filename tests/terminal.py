"""Run a command the way a person at a terminal does: stdin and stderr on a pseudo-terminal.

stdout stays a pipe, so that what a test reads from the terminal is only what the
program draws there (kiln prints archive paths on stdout). Reads poll with a
deadline; nothing sleeps a fixed time.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")


def plain(text: str) -> str:
    """Terminal output without escape sequences (colours, cursor moves)."""
    return _ANSI.sub("", text)


class Terminal:
    """A child process on a pseudo-terminal of ``columns`` x ``rows``."""

    def __init__(
        self,
        argv: list[str],
        *,
        columns: int = 100,
        rows: int = 40,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin_tty: bool = True,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows), **(env or {})}
        for key in ("NO_COLOR", "FORCE_COLOR", "CI", "TERM_PROGRAM"):
            if key not in (env or {}):
                full_env.pop(key, None)
        self.proc = subprocess.Popen(
            argv,
            stdin=slave if stdin_tty else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        self.raw = b""
        self._closed = False

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def _read(self, timeout: float) -> bool:
        """Read what is there; False once the terminal is closed (the child and its children exited)."""
        if self._closed:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: no process holds the terminal any more
            chunk = b""
        if not chunk:
            self._closed = True
            return False
        self.raw += chunk
        return True

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 120) -> str:
        """Read until ``predicate(text so far)`` holds; fails at the deadline or at exit."""
        deadline = time.monotonic() + timeout
        while not predicate(self.text):
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"timed out; the terminal showed:\n{plain(self.text)[-3000:]}")
            if not self._read(0.2):
                if predicate(self.text):
                    break
                raise AssertionError(f"exited first; the terminal showed:\n{plain(self.text)[-3000:]}")
        return self.text

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Wait for the exit: (return code, terminal text, stdout)."""
        deadline = time.monotonic() + timeout
        while self._read(0.2):
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"did not exit; the terminal showed:\n{plain(self.text)[-3000:]}")
        stdout = self.proc.stdout.read().decode() if self.proc.stdout else ""
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        self.close()
        return code, self.text, stdout

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        if self.proc.stdout:
            self.proc.stdout.close()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
            self._closed = True
