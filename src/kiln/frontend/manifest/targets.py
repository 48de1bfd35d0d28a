"""``target.<selector>`` keys of a manifest, checked by the rules of :mod:`kiln.backend.conditions`."""

from __future__ import annotations

from kiln.backend.conditions import is_glob, is_known_selector, known_selectors
from kiln.frontend.manifest.toml_source import Table, suggest


def target_selector(table: Table, key: str, *, allow_glob: bool = False) -> str:
    """Validate a ``target.<selector>`` key: a platform family or a known platform."""
    if is_known_selector(key):
        return key
    if is_glob(key):
        if allow_glob:
            return key
        raise table.error(
            f"`{key}`: glob target selectors are not supported here", key, help="name a platform or a family"
        )
    close = suggest(key, known_selectors())
    raise table.error(
        f"`{key}` is not a known platform or platform family",
        key,
        help=f"did you mean `{close}`?" if close else "use `unix`, `linux`, `win`, `osx` or a platform like `linux-64`",
    )
