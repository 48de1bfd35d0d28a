"""How ``kiln build`` shows progress: a live line per package, or plain lines.

The live display (rich) shows each package's state and elapsed time; backend logs
stream above it under ``-v``. Without a terminal, or with ``--no-progress``, state
changes are printed as plain lines on stderr. ``--json`` keeps stdout for the summary.
"""

from __future__ import annotations

import threading
import time

from kiln.frontend.build import Reporter

_STYLE = {
    "planned": "dim",
    "resolving": "cyan",
    "checking": "cyan",
    "building": "yellow",
    "built": "green",
    "cached": "green",
    "partly-cached": "green",
    "failed": "bold red",
}


class ConsoleReporter(Reporter):
    def __init__(self, *, verbose: int, quiet: int, progress: bool, color: str) -> None:
        from rich.console import Console

        force = {"always": True, "never": False}.get(color)
        self.console = Console(stderr=True, force_terminal=force, no_color=(color == "never"), highlight=False)
        self.verbose = verbose
        self.quiet = quiet
        self.live_enabled = progress and self.console.is_terminal and not quiet
        self._rows: dict[str, list] = {}
        self._lock = threading.Lock()
        self._live = None

    # -- live table ------------------------------------------------------------------------

    def __enter__(self) -> ConsoleReporter:
        if self.live_enabled:
            from rich.live import Live

            self._live = Live(self._render(), console=self.console, refresh_per_second=8, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(*exc)
            self._live = None

    def _render(self):
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        now = time.monotonic()
        for label, (state, detail, started, ended) in self._rows.items():
            elapsed = (ended or now) - started
            style = _STYLE.get(state, "")
            table.add_row(f"[bold]{label}[/]", f"[{style}]{state}[/]" if style else state, f"{elapsed:5.1f}s", detail)
        return table

    # -- Reporter ----------------------------------------------------------------------------

    def state(self, label: str, state: str, detail: str = "") -> None:
        with self._lock:
            row = self._rows.get(label)
            now = time.monotonic()
            if row is None or (state in ("resolving", "checking") and row[0] == "planned"):
                row = [state, detail, now, None]
                self._rows[label] = row
            row[0], row[1] = state, detail if state not in ("built", "cached", "partly-cached") else ""
            if state in ("built", "cached", "partly-cached", "failed"):
                row[3] = now
            if self._live is not None:
                self._live.update(self._render())
        if self._live is None and not self.quiet and state not in ("planned",):
            text = f"{label}: {state}" + (f" ({detail})" if detail else "")
            self.console.print(text, style=_STYLE.get(state))

    def log(self, label: str, line: str) -> None:
        if self.verbose:
            self.console.out(f"{label} | {line}", highlight=False)

    def message(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text, style="yellow")

