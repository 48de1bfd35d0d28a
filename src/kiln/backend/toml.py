"""kiln's one TOML reader: ``tomli`` (TOML 1.1), for manifests and pyproject.toml alike.

pixi reads manifests as TOML 1.1 (an inline table may span lines and end with a
comma, ``\\e`` and ``\\xHH`` escapes). The stdlib ``tomllib`` of Python 3.11-3.13
reads only TOML 1.0, so a project the front end accepted could fail inside a
backend. Everything that parses TOML goes through here; ``tomli`` is imported on
first use, so a backend answering ``negotiateCapabilities`` never pays for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiln.errors import toml_syntax_error


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; raises ``tomli.TOMLDecodeError`` (see :func:`parse` for user files)."""
    import tomli

    return tomli.loads(text)


def parse(text: str, path: Path | str) -> dict[str, Any]:
    """Parse the text of the TOML file ``path``; invalid TOML is a ManifestError at its line."""
    import tomli

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise toml_syntax_error(path, text, exc.msg, exc.lineno, exc.colno) from None
