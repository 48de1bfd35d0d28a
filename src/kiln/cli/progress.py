"""How ``kiln build`` shows progress: a live line per package, or plain lines.

On a terminal a live display (rich) shows each package's state, an elapsed time
that ticks while it works, and its backend's last log line; backend logs stream
above it under ``-v``, and the archives written end in a table. Without a
terminal, or with ``--no-progress``, state changes are plain lines on stderr, plus
a heartbeat line for each package still working every ``KILN_HEARTBEAT_SECONDS``
(15 s; 0 turns it off) so that a CI log shows a long build is alive. rich is then
never imported (it is a noticeable part of a no-op run). ``--json`` keeps stdout
for the summary either way.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from kiln.errors import KilnError
from kiln.frontend.build.options import Reporter

_DONE = ("built", "cached", "partly-cached", "failed")
#: States worth a heartbeat: the ones that wait on a backend.
_WORKING = ("resolving", "building")
HEARTBEAT_ENV = "KILN_HEARTBEAT_SECONDS"
DEFAULT_HEARTBEAT = 15.0
_LOG_WIDTH = 160


@dataclass
class _Row:
    state: str
    detail: str
    started: float
    ended: float | None = None
    said: float = 0.0
    """When a line about this package was last printed: heartbeats count from there."""
    last_log: str = ""

    def elapsed(self, now: float) -> float:
        return (self.ended or now) - self.started


def seconds(value: float) -> str:
    """``4.2s`` under a minute, ``12m05s`` above: what a person reads at a glance."""
    if value < 60:
        return f"{value:.1f}s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes}m{rest:02d}s"


def heartbeat_interval(environ: Mapping[str, str] = os.environ) -> float:
    """Seconds between heartbeat lines, from ``KILN_HEARTBEAT_SECONDS``; 0 means none."""
    text = environ.get(HEARTBEAT_ENV, "").strip()
    if not text:
        return DEFAULT_HEARTBEAT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also rejects nan
        raise KilnError(f"{HEARTBEAT_ENV}={text!r}: expected a number of seconds (0 turns the heartbeat off)")
    return value


class LineReporter(Reporter):
    """Plain lines on stderr, and a heartbeat for what is still working."""

    def __init__(self, *, verbose: int, quiet: int, heartbeat: float = DEFAULT_HEARTBEAT) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.heartbeat = heartbeat
        self._lock = threading.RLock()
        self._rows: dict[str, _Row] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LineReporter:
        if self.heartbeat > 0 and not self.quiet:
            self._thread = threading.Thread(target=self._beat, name="kiln-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _write(self, text: str) -> None:
        with self._lock:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def _update(self, label: str, state: str, detail: str) -> _Row:
        """Record a state change; elapsed time counts from the first state after ``planned``."""
        now = time.monotonic()
        row = self._rows.setdefault(label, _Row(state, detail, now))
        if row.state == "planned" and state != "planned":
            row.started = now
        row.state, row.detail = state, "" if state in _DONE else detail
        row.ended = now if state in _DONE else None
        return row

    def state(self, label: str, state: str, detail: str = "") -> None:
        with self._lock:
            row = self._update(label, state, detail)
            if not self.quiet and state != "planned":
                row.said = time.monotonic()
                self._write(f"{label}: {state}" + (f" ({detail})" if detail else ""))

    def _remember(self, label: str, line: str) -> _Row | None:
        row = self._rows.get(label)
        text = line.strip()
        if row is not None and text:
            row.last_log = text if len(text) <= _LOG_WIDTH else text[: _LOG_WIDTH - 1] + "…"
        return row

    def log(self, label: str, line: str) -> None:
        with self._lock:
            row = self._remember(label, line)
            if self.verbose:
                if row is not None:
                    row.said = time.monotonic()
                self._write(f"{label} | {line}")

    def _beat(self) -> None:
        tick = max(0.05, min(self.heartbeat / 2, 1.0))
        while not self._stop.wait(tick):
            with self._lock:
                now = time.monotonic()
                for label, row in self._rows.items():
                    if row.state in _WORKING and now - row.said >= self.heartbeat:
                        row.said = now
                        last = f"; last log: {row.last_log}" if row.last_log else ""
                        self._write(f"{label}: still {row.state}, {seconds(row.elapsed(now))} so far{last}")

    def message(self, text: str) -> None:
        if not self.quiet:
            self._write(text)

    def explain(self, label: str, status: str, lines: list[str]) -> None:
        self._write(f"{label} ({status})")
        for line in lines:
            self._write(f"  {line}")

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        self._write(title)
        for row in [columns, *rows]:
            self._write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


_STYLE = {"resolving": "cyan", "checking": "cyan", "building": "yellow", "built": "green", "cached": "green",
          "partly-cached": "green", "failed": "bold red"}  # fmt: skip


def _relative(cell: str) -> str:
    """An absolute path under the working directory, shortened to what a person would type."""
    if not os.path.isabs(cell):
        return cell
    try:
        cwd = os.getcwd()
        rel = os.path.relpath(cell, cwd)
    except (OSError, ValueError):
        return cell
    return cell if rel.startswith("..") or os.path.dirname(cwd) == cwd else rel


class LiveReporter(LineReporter):
    """A rich live table, one row per package, redrawn a few times a second."""

    REFRESH_PER_SECOND = 4

    def __init__(self, *, verbose: int, quiet: int, color: str) -> None:
        super().__init__(verbose=verbose, quiet=quiet, heartbeat=0)
        from rich.console import Console

        force = {"always": True, "never": False}.get(color)
        self.console = Console(stderr=True, force_terminal=force, no_color=(color == "never"), highlight=False)
        self._live = None

    def __enter__(self) -> LiveReporter:
        from rich.live import Live

        # rich calls _render on every refresh, so elapsed times tick between state changes
        self._live = Live(
            console=self.console, get_renderable=self._render, refresh_per_second=self.REFRESH_PER_SECOND
        )
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)  # draws the final state once more
            self._live = None

    def _render(self):
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        with self._lock:
            now = time.monotonic()
            for label, row in self._rows.items():
                style = _STYLE.get(row.state, "dim")
                detail = Text(row.detail)
                if row.state in _WORKING and row.last_log:
                    detail.append(("  " if row.detail else "") + row.last_log, style="dim")
                grid.add_row(Text(label, style="bold"), Text(row.state, style=style), seconds(row.elapsed(now)), detail)
        return grid

    def state(self, label: str, state: str, detail: str = "") -> None:
        with self._lock:
            self._update(label, state, detail)
        live = self._live
        if live is not None:  # outside our lock: rich's refresh thread takes its lock, then ours
            live.refresh()

    def log(self, label: str, line: str) -> None:
        with self._lock:
            self._remember(label, line)
        if self.verbose:
            self.console.out(f"{label} | {line}", highlight=False)

    def message(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text, style="yellow")

    def explain(self, label: str, status: str, lines: list[str]) -> None:
        self.console.print(f"[bold]{label}[/] ({status})")
        for line in lines:
            self.console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        """No cell is ever broken across lines (a path must stay copyable): paths are
        shortened relative to the working directory, and when they still do not fit
        the terminal, the path columns go below the table, a line per path."""
        from rich.table import Table

        rows = [[_relative(cell) for cell in row] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        # a rich box table: a border before each column and one at the end, one space of padding each side
        fits = sum(w + 3 for w in widths) + 1 <= self.console.width
        paths = [] if fits else [i for i in range(len(columns)) if any(os.sep in r[i] for r in rows)]
        shown = [i for i in range(len(columns)) if i not in paths]
        table = Table(title=title, title_justify="left")
        for i in shown:
            table.add_column(columns[i], no_wrap=True)
        for row in rows:
            table.add_row(*(row[i] for i in shown))
        self.console.print(table)
        for row in rows:
            for i in paths:
                self.console.print(f"  {row[i]}", highlight=False, markup=False, soft_wrap=True)


def make_reporter(*, verbose: int, quiet: int, progress: bool, color: str) -> LineReporter:
    live = progress and not quiet and color != "never" and (color == "always" or sys.stderr.isatty())
    if live:
        return LiveReporter(verbose=verbose, quiet=quiet, color=color)
    return LineReporter(verbose=verbose, quiet=quiet, heartbeat=heartbeat_interval())
