"""A TOML document that knows the line of every key, so manifest errors can point at it.

``tomli`` (TOML 1.1, as pixi reads manifests: inline tables may span lines; via
:mod:`kiln.backend.toml`, the reader the backends use too)
parses and validates; it keeps no positions. A small scanner walks the
(already valid) text once more and records, for every key path -- table headers,
dotted keys, inline-table keys and array elements -- the line it is written on.
:class:`Table` is a read-only view of one table of the document with typed getters
that raise :class:`~kiln.errors.ManifestError` naming file, line and key.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.backend import toml
from kiln.errors import KilnError, ManifestError

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = set(",]}#\r\n")


def format_key(path: KeyPath) -> str:
    """``package.run-dependencies."if(linux)"``, ``workspace.channels[1]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        segment = part if _BARE_KEY.fullmatch(part) else '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text = f"{text}.{segment}" if text else segment
    return text


def toml_type(value: Any) -> str:
    """The TOML name of a parsed value's type, for "expected X, found Y" messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime.date, datetime.time)):
        return "a date-time"
    return type(value).__name__


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a mistyped key, if any is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


class TomlDocument:
    """A parsed TOML file plus the line of each key path."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.data: dict[str, Any] = toml.parse(text, path)
        scanner = _KeyScanner(text)
        self._lines = scanner.scan()
        self.statements: list[Statement] = scanner.statements
        """Every table header and top-level ``key = value`` with its span in :attr:`text`, in order."""

    @classmethod
    def load(cls, path: Path) -> TomlDocument:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(f"not UTF-8 text: {exc.reason}", path=path) from None
        except OSError as exc:
            raise KilnError(f"cannot read {path}: {exc.strerror}") from None
        return cls(path, text)

    def line_of(self, path: KeyPath) -> int | None:
        """Line of ``path`` or of its closest ancestor that has one."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def key_paths(self) -> list[KeyPath]:
        """Every key path of the document, in the order they are written."""
        return list(self._lines)

    def table(self, path: KeyPath = ()) -> Table:
        """A view of the table at ``path`` (the document root by default)."""
        value: Any = self.data
        for part in path:
            value = value[part]
        return Table(self, tuple(path), value)


@dataclass(frozen=True)
class Statement:
    """A table header or a ``key = value`` line of a table body, where it is in the text.

    ``migrate`` rewrites manifests by editing these spans, so everything else
    (comments, order, spacing) stays as written.
    """

    kind: str
    """``header``, ``array-header`` or ``entry``."""
    path: KeyPath
    """Absolute key path: the table for a header, the key for an entry."""
    line: int
    start: int
    """Offset of the opening ``[`` or of the key."""
    key_end: int
    """Offset just after the header's closing bracket, or after the entry's key."""
    end: int
    """Offset just after the header or the entry's value."""


@dataclass(frozen=True)
class Table:
    """A read-only view of one TOML table, with errors that say where.

    ``path`` is absolute in the document (``("tool", "pixi", "package")`` in a
    pyproject.toml), so lines and key names in errors are what the user sees.
    """

    doc: TomlDocument = field(repr=False)
    path: KeyPath
    data: dict[str, Any] = field(repr=False)

    # -- navigation ---------------------------------------------------------

    @property
    def name(self) -> str:
        return format_key(self.path)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self.data.items())

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def key_path(self, *keys: str | int) -> KeyPath:
        return self.path + keys

    # -- errors -------------------------------------------------------------

    def error(self, message: str, *keys: str | int, help: str | None = None) -> ManifestError:
        """A ManifestError located at ``self.path + keys``."""
        path = self.path + keys
        return ManifestError(
            message, path=self.doc.path, line=self.doc.line_of(path), key=format_key(path) or None, help=help
        )

    def wrong_type(self, key: str | int, expected: str, value: Any) -> ManifestError:
        name = format_key(self.path + (key,))
        return self.error(f"`{name}` must be {expected}, found {toml_type(value)}", key)

    def check_keys(self, allowed: Iterable[str], *, hints: dict[str, str] | None = None) -> None:
        """Reject keys outside ``allowed``, suggesting the closest valid one."""
        allowed = list(allowed)
        for key in self.data:
            if key in allowed:
                continue
            where = f"`[{self.name}]`" if self.path else "the manifest"
            if hints and key in hints:
                help = hints[key]
            else:
                close = suggest(key, allowed)
                help = f"did you mean `{close}`?" if close else "expected one of: " + ", ".join(f"`{k}`" for k in allowed)
            raise self.error(f"unknown key `{key}` in {where}", key, help=help)

    # -- typed getters --------------------------------------------------------

    def table(self, key: str, *, required: bool = False) -> Table | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"missing table `{format_key(self.path + (key,))}`", help=None)
            return None
        if not isinstance(value, dict):
            raise self.wrong_type(key, "a table", value)
        return Table(self.doc, self.path + (key,), value)

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"missing key `{key}` in `[{self.name}]`")
            return None
        if not isinstance(value, str):
            raise self.wrong_type(key, "a string", value)
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.wrong_type(key, "a boolean", value)
        return value

    def integer(self, key: str, *, minimum: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.wrong_type(key, "an integer", value)
        if minimum is not None and value < minimum:
            raise self.error(f"`{format_key(self.path + (key,))}` must be at least {minimum}, found {value}", key)
        return value

    def array(self, key: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.wrong_type(key, "an array", value)
        return value

    def string_list(self, key: str) -> list[str] | None:
        values = self.array(key)
        if values is None:
            return None
        for index, item in enumerate(values):
            if not isinstance(item, str):
                element = format_key(self.path + (key, index))
                raise self.error(f"`{element}` must be a string, found {toml_type(item)}", key, index)
        return list(values)


class _KeyScanner:
    """Maps key paths of a valid TOML text to 1-based lines.

    Only what is needed for locating keys is parsed; values are skipped. The text
    has already been accepted by ``tomli``, so no error handling is needed.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.explicit: set[KeyPath] = set()
        self.array_tables: dict[KeyPath, int] = {}
        self.statements: list[Statement] = []

    def scan(self) -> dict[KeyPath, int]:
        current: KeyPath = ()
        while True:
            self._skip_space(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            line = self.line
            start = self.i
            if self.s.startswith("[[", self.i):
                self.i += 2
                key = self._resolve(self._key())
                self._expect("]]")
                index = self.array_tables.get(key, 0)
                self.array_tables[key] = index + 1
                self._record(key, line)
                current = key + (index,)
                self._record(current, line, explicit=True)
                self.statements.append(Statement("array-header", current, line, start, self.i, self.i))
            elif self.s[self.i] == "[":
                self.i += 1
                current = self._resolve(self._key())
                self._expect("]")
                self._record(current, line, explicit=True)
                self.statements.append(Statement("header", current, line, start, self.i, self.i))
            else:
                key = current + self._key()
                key_end = self.i
                self._skip_space()
                self._expect("=")
                self._record(key, line, explicit=True)
                self._skip_space()
                self._value(key)
                self.statements.append(Statement("entry", key, line, start, key_end, self.i))

    # -- recording ------------------------------------------------------------

    def _record(self, path: KeyPath, line: int, *, explicit: bool = False) -> None:
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], line)
        if path not in self.lines or (explicit and path not in self.explicit):
            self.lines[path] = line
        if explicit:
            self.explicit.add(path)

    def _resolve(self, key: KeyPath) -> KeyPath:
        """Insert the current index after each prefix that names an array of tables."""
        resolved: KeyPath = ()
        for part in key[:-1]:
            resolved += (part,)
            if resolved in self.array_tables:
                resolved += (self.array_tables[resolved] - 1,)
        return resolved + key[-1:]

    # -- lexing ---------------------------------------------------------------

    def _advance(self, n: int) -> None:
        self.line += self.s.count("\n", self.i, self.i + n)
        self.i += n

    def _skip_space(self, *, newlines: bool = False) -> None:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self.i += 1
            elif c == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            elif newlines and c in "\r\n":
                self._advance(1)
            else:
                return

    def _expect(self, token: str) -> None:
        self._skip_space()
        self.i += len(token)

    def _key(self) -> KeyPath:
        parts: list[str] = []
        while True:
            self._skip_space()
            c = self.s[self.i]
            if c in "\"'":
                parts.append(self._string_key())
            else:
                found = _BARE_KEY.match(self.s, self.i)
                parts.append(found.group(0) if found else "")
                self.i = found.end() if found else self.i + 1
            self._skip_space()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return tuple(parts)

    def _string_key(self) -> str:
        start = self.i
        self._string()
        raw = self.s[start : self.i]
        return toml.loads(f"k = {raw}")["k"]

    def _string(self) -> None:
        s = self.s
        quote = s[self.i]
        if s.startswith(quote * 3, self.i):
            end = s.find(quote * 3, self.i + 3)
            while quote == '"' and end > 0 and _escaped(s, end):
                end = s.find(quote * 3, end + 1)
            end += 3
            while end < len(s) and s[end] == quote:  # up to two quotes may precede the delimiter
                end += 1
            self._advance(end - self.i)
            return
        j = self.i + 1
        while s[j] != quote:
            j += 2 if (quote == '"' and s[j] == "\\") else 1
        self._advance(j + 1 - self.i)

    def _value(self, path: KeyPath) -> None:
        c = self.s[self.i]
        if c in "\"'":
            self._string()
        elif c == "{":
            self.i += 1
            while True:
                self._skip_space(newlines=True)
                if self.s[self.i] == "}":
                    self.i += 1
                    return
                line = self.line
                key = path + self._key()
                self._expect("=")
                self._record(key, line, explicit=True)
                self._skip_space()
                self._value(key)
                self._skip_space(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        elif c == "[":
            self.i += 1
            index = 0
            while True:
                self._skip_space(newlines=True)
                if self.s[self.i] == "]":
                    self.i += 1
                    return
                self._record(path + (index,), self.line, explicit=True)
                self._value(path + (index,))
                index += 1
                self._skip_space(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        else:
            while self.i < len(self.s) and self.s[self.i] not in _SCALAR_END:
                self.i += 1


def _escaped(text: str, at: int) -> bool:
    """Is the character at ``at`` preceded by an odd number of backslashes?"""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1
