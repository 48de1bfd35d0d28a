"""A recipe's package name, read by a line scan: what progress and summaries call it.

A recipe package has no manifest to name it, and its directory name (``hello-recipe``)
is often not the package name (``kiln-hello``). Parsing YAML would cost a no-op run
the YAML import, so this reads just ``package.name`` (``recipe.name`` for a
multi-output recipe) and the plain ``context`` values it may refer to, and gives up
(None) on anything fancier; the caller then falls back to the directory name.
"""

from __future__ import annotations

import re
from pathlib import Path

from kiln.conda.package_names import is_valid_package_name

_KEY = re.compile(r"^(?P<indent>\s+)(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
_VAR = re.compile(r"\$\{\{\s*([A-Za-z_]\w*)\s*\}\}")


def _scalar(value: str) -> str | None:
    """A plain or quoted one-line YAML scalar, without a trailing comment."""
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else None
    value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    return value or None


def _sections(text: str) -> dict[str, dict[str, str]]:
    """First-level ``key: scalar`` entries of the top-level mappings we look at."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    indent: str | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            key = line.split(":", 1)[0].strip()
            current = sections.setdefault(key, {}) if key in ("context", "package", "recipe") else None
            indent = None
            continue
        if current is None:
            continue
        m = _KEY.match(line)
        if m is None:
            continue
        if indent is None:
            indent = m.group("indent")
        if m.group("indent") != indent:
            continue
        value = _scalar(m.group("value"))
        if value is not None:
            current.setdefault(m.group("key"), value)
    return sections


def recipe_package_name(recipe: Path) -> str | None:
    """``package.name`` (else ``recipe.name``) of ``recipe``, with ``${{ var }}`` from
    ``context`` filled in; None when it cannot be read that simply."""
    try:
        text = recipe.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    sections = _sections(text)
    context = sections.get("context", {})
    for section in ("package", "recipe"):
        name = sections.get(section, {}).get("name")
        if name is None:
            continue
        name = _VAR.sub(lambda m: context.get(m.group(1), m.group(0)), name)
        return name if is_valid_package_name(name) else None
    return None
