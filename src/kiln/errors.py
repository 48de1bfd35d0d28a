"""The exceptions kiln raises for things a user can fix.

Every error a person can act on derives from :class:`KilnError`. The command-line
front ends turn a ``KilnError`` into a short message and exit code 1; any other
exception reaching them is a bug in kiln and is shown with its traceback.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: `kiln run` imports this, and typing costs it ~3 ms
if TYPE_CHECKING:
    from pathlib import Path


class KilnError(Exception):
    """Root of every error kiln reports to a user."""

    def __init__(self, message: str, *, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help

    def __str__(self) -> str:
        if self.help:
            return f"{self.message}\n  help: {self.help}"
        return self.message


class ManifestError(KilnError):
    """A manifest (pixi.toml, pyproject.toml, recipe.yaml, ...) is invalid.

    ``line`` and ``column`` are 1-based; ``key`` is the dotted TOML/YAML key at
    fault; ``snippet`` is the offending source line with a caret under the column.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
        help: str | None = None,
        column: int | None = None,
        snippet: str | None = None,
    ) -> None:
        super().__init__(message, help=help)
        from pathlib import Path  # lazily: backends import this module while starting up

        self.path = Path(path) if path is not None else None
        self.line = line
        self.key = key
        self.column = column
        self.snippet = snippet

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.message}"
        if self.key and self.key not in self.message:
            text += f" (key `{self.key}`)"
        if self.snippet:
            text += f"\n{self.snippet}"
        if self.help:
            text += f"\n  help: {self.help}"
        return text


def caret_snippet(text: str, line: int, column: int) -> str | None:
    """``line`` of ``text`` with a caret under ``column`` (both 1-based), as compilers show it."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    source = lines[line - 1].expandtabs(1)
    gutter = f"{line:>4} | "
    return f"{gutter}{source}\n{' ' * (len(gutter) - 2)}| {' ' * max(0, min(column, len(source) + 1) - 1)}^"


def toml_syntax_error(path: Path | str, text: str, message: str, line: int, column: int) -> ManifestError:
    """A TOML parser's complaint at ``line``:``column``, with the offending text underlined."""
    return ManifestError(
        f"invalid TOML: {message}", path=path, line=line, column=column, snippet=caret_snippet(text, line, column)
    )


class ConfigurationError(KilnError):
    """A backend configuration (``[package.build.config]``) is invalid."""


class BackendError(KilnError):
    """A build backend answered a request with an error, or failed to answer.

    ``code`` is the JSON-RPC error code; ``data`` the miette-shaped diagnostic
    object the backend sent (its ``message`` is what the user sees).
    """

    def __init__(
        self,
        message: str,
        *,
        code: int = -32000,
        data: dict | None = None,
        help: str | None = None,
    ) -> None:
        super().__init__(message, help=help)
        self.code = code
        self.data = data


class BackendCrashedError(BackendError):
    """The backend process exited or closed stdout while a request was in flight."""

    def __init__(self, message: str, *, stderr_tail: str = "") -> None:
        full = message
        if stderr_tail.strip():
            full = f"{message}\n--- backend stderr (last lines) ---\n{stderr_tail.rstrip()}"
        super().__init__(full, code=-32603)
        self.stderr_tail = stderr_tail


class BackendNotFoundError(BackendError):
    """The backend executable could not be found or started."""


class BuildFailedError(BackendError):
    """A package build (the recipe's script or the packaging) failed.

    ``log`` keeps the tail of the build log, so that a language backend can pick
    out what its tool said (pip's or cargo's error) for the message.
    """

    def __init__(self, message: str, *, log: list[str] | None = None, help: str | None = None) -> None:
        super().__init__(message, help=help)
        self.log = list(log or [])


class ChannelError(KilnError):
    """A local conda channel could not be created, read or updated."""


class DependencyCycleError(KilnError):
    """Source dependencies form a cycle; ``cycle`` lists the package names in order."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("dependency cycle between source packages: " + " -> ".join(cycle))
