"""How ``kiln build`` shows progress: a live line per package, or plain lines.

On a terminal a live display (rich) shows each package's state and elapsed time,
backend logs stream above it under ``-v``, and the archives written end in a table.
Without a terminal, or with ``--no-progress``, state changes are plain lines on
stderr and rich is never imported (it is a noticeable part of a no-op run).
``--json`` keeps stdout for the summary either way.
"""

from __future__ import annotations

import sys
import threading
import time

from kiln.frontend.build import Reporter

_DONE = ("built", "cached", "partly-cached", "failed")


class LineReporter(Reporter):
    """Plain lines on stderr."""

    def __init__(self, *, verbose: int, quiet: int) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self._lock = threading.Lock()

    def __enter__(self) -> LineReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _write(self, text: str) -> None:
        with self._lock:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def state(self, label: str, state: str, detail: str = "") -> None:
        if not self.quiet and state != "planned":
            self._write(f"{label}: {state}" + (f" ({detail})" if detail else ""))

    def log(self, label: str, line: str) -> None:
        if self.verbose:
            self._write(f"{label} | {line}")

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


class LiveReporter(LineReporter):
    """A rich live table, one row per package."""

    def __init__(self, *, verbose: int, quiet: int, color: str) -> None:
        super().__init__(verbose=verbose, quiet=quiet)
        from rich.console import Console

        force = {"always": True, "never": False}.get(color)
        self.console = Console(stderr=True, force_terminal=force, no_color=(color == "never"), highlight=False)
        self._rows: dict[str, list] = {}
        self._live = None

    def __enter__(self) -> LiveReporter:
        from rich.live import Live

        self._live = Live(self._render(), console=self.console, refresh_per_second=8)
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(*exc)
            self._live = None

    def _render(self):
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        now = time.monotonic()
        for label, (state, detail, started, ended) in self._rows.items():
            style = _STYLE.get(state, "dim")
            grid.add_row(f"[bold]{label}[/]", f"[{style}]{state}[/]", f"{(ended or now) - started:5.1f}s", detail)
        return grid

    def state(self, label: str, state: str, detail: str = "") -> None:
        with self._lock:
            now = time.monotonic()
            row = self._rows.setdefault(label, [state, detail, now, None])
            if row[0] == "planned" and state != "planned":
                row[2] = now
            row[0], row[1] = state, "" if state in _DONE else detail
            if state in _DONE:
                row[3] = now
            if self._live is not None:
                self._live.update(self._render())

    def log(self, label: str, line: str) -> None:
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
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        self.console.print(table)


def make_reporter(*, verbose: int, quiet: int, progress: bool, color: str) -> LineReporter:
    live = progress and not quiet and color != "never" and (color == "always" or sys.stderr.isatty())
    if live:
        return LiveReporter(verbose=verbose, quiet=quiet, color=color)
    return LineReporter(verbose=verbose, quiet=quiet)
