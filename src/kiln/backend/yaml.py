"""Deterministic YAML for generated recipes, in the shape upstream's snapshots show.

Block style throughout, two-space indentation, sequences indented under their key,
``{}``/``[]`` for empty collections and ``~`` for null. A one-line string is written
plain unless YAML would read it as something else, and then double-quoted -- the
rule of the emitter behind upstream's recipe snapshots, so ``${{ compiler('c') }}``
and URLs come out quoted exactly as there. Multi-line strings (build scripts)
become literal block scalars so that ``debug/recipe.yaml`` stays readable.
"""

from __future__ import annotations

import re
from typing import Any

_RESERVED = {
    "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE", "false",
    "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
}  # fmt: skip
_SPECIAL_START = set("&*?|-<>=!%@")
_SPECIAL_ANY = set(':{}[],#`"\'\\')
# characters YAML cannot hold literally (outside its printable set), line breaks other
# than LF (CR, NEL, LS, PS) and the BOM: these are written escaped in double quotes
_CONTROL = re.compile(
    "[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_INT = re.compile(r"^[+-]?\d+$")


def _is_number(text: str) -> bool:
    if _INT.match(text):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def needs_quotes(text: str) -> bool:
    """Whether a one-line string must be quoted to read back as the same string."""
    return (
        text == ""
        or text[0] == " "
        or text[-1] == " "
        or text[0] in _SPECIAL_START
        or any(c in _SPECIAL_ANY for c in text)
        or bool(_CONTROL.search(text))
        or "\t" in text
        or "\n" in text
        or text in _RESERVED
        or text.startswith(".")
        or text.startswith("0x")
        or _is_number(text)
    )


def quote(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif _CONTROL.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(value: Any) -> str:
    if value is None:
        return "~"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return quote(text) if needs_quotes(text) else text


def _block_ok(text: str) -> bool:
    """A literal block keeps the text exactly only without control characters (CR included)."""
    return not _CONTROL.search(text)


def _literal(text: str, indent: int) -> list[str]:
    """Header + lines of a literal block scalar (``|`` or ``|-``)."""
    chomp, body = ("", text[:-1]) if text.endswith("\n") else ("-", text)
    lines = body.split("\n")
    first = next((line for line in lines if line.strip()), "")
    indicator = "2" if first.startswith(" ") else ""
    pad = " " * indent
    return [f"|{indicator}{chomp}"] + [(pad + line) if line else "" for line in lines]


def _is_multiline(value: Any) -> bool:
    """Multi-line text that a literal block scalar reproduces exactly; other text is quoted."""
    if not isinstance(value, str) or "\n" not in value or not value.strip() or not _block_ok(value):
        return False
    if value.endswith("\n\n"):
        return False
    return all(line == "" or line.strip() for line in value.split("\n"))


def dump(data: Any) -> str:
    """Serialise nested dicts/lists/scalars as block YAML (a trailing newline)."""
    lines: list[str] = []
    _emit(data, 0, lines, top=True)
    return "\n".join(lines) + "\n"


def _emit(value: Any, indent: int, lines: list[str], top: bool = False) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            lines.append(pad + "{}")
            return
        for key, item in value.items():
            _emit_entry(pad + f"{scalar(key)}:", item, indent, lines)
    elif isinstance(value, list):
        if not value:
            lines.append(pad + "[]")
            return
        for item in value:
            _emit_item(item, indent, lines)
    elif _is_multiline(value):
        header, *body = _literal(value, indent + 2)
        lines.append(pad + header)
        lines.extend(body)
    else:
        lines.append(pad + scalar(value))


def _emit_entry(prefix: str, item: Any, indent: int, lines: list[str]) -> None:
    """``key: value`` with the value inline when scalar or empty, nested otherwise."""
    if isinstance(item, dict) and item:
        lines.append(prefix)
        _emit(item, indent + 2, lines)
    elif isinstance(item, list) and item:
        lines.append(prefix)
        _emit(item, indent + 2, lines)
    elif isinstance(item, dict):
        lines.append(prefix + " {}")
    elif isinstance(item, list):
        lines.append(prefix + " []")
    elif _is_multiline(item):
        header, *body = _literal(item, indent + 2)
        lines.append(f"{prefix} {header}")
        lines.extend(body)
    else:
        lines.append(f"{prefix} {scalar(item)}")


def _emit_item(item: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(item, dict) and item:
        first = True
        for key, sub in item.items():
            prefix = (pad + "- " if first else pad + "  ") + f"{scalar(key)}:"
            _emit_entry(prefix, sub, indent + 2, lines)
            first = False
    elif isinstance(item, list) and item:
        sub_lines: list[str] = []
        _emit(item, indent + 2, sub_lines)
        sub_lines[0] = pad + "- " + sub_lines[0][indent + 2 :]
        lines.extend(sub_lines)
    elif isinstance(item, dict):
        lines.append(pad + "- {}")
    elif isinstance(item, list):
        lines.append(pad + "- []")
    elif _is_multiline(item):
        header, *body = _literal(item, indent + 2)
        lines.append(pad + "- " + header)
        lines.extend(body)
    else:
        lines.append(pad + "- " + scalar(item))
