"""Reading what an installer left in ``*.dist-info``: RECORD and METADATA, quickly.

``importlib.metadata`` finds distributions, but its ``files`` builds a path object
per RECORD line and its ``metadata`` runs the e-mail parser: together they cost
more than everything else a no-change bootstrap does. These readers take the
text as it is.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import metadata

from kiln.errors import ChannelError


@dataclass(frozen=True)
class Installed:
    """An installed distribution: the fields of its METADATA kiln uses, and the distribution itself."""

    dist: metadata.Distribution
    name: str
    version: str
    fields: dict[str, list[str]]

    def get(self, field: str) -> str | None:
        values = self.fields.get(field.lower())
        return values[0] if values else None

    @property
    def requires(self) -> list[str]:
        return self.fields.get("requires-dist", [])

    @property
    def where(self) -> str:
        """The distribution's dist-info directory, for messages."""
        return str(getattr(self.dist, "_path", self.name))


def headers(text: str) -> dict[str, list[str]]:
    """The header fields of a METADATA file (core metadata is e-mail headers), lower-cased keys."""
    fields: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.split("\n\n", 1)[0].splitlines():
        if line[:1] in (" ", "\t"):
            if last:
                last[-1] += "\n" + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            last = None
            continue
        last = fields.setdefault(key.strip().lower(), [])
        last.append(value.strip())
    return fields


@functools.lru_cache(maxsize=None)
def find(name: str) -> Installed | None:
    """The distribution called ``name`` in the environment kiln runs in, if any."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    fields = headers(dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "")
    if not fields.get("name") or not fields.get("version"):
        return None
    return Installed(dist, fields["name"][0], fields["version"][0], fields)


def record(installed: Installed) -> list[tuple[str, str | None]]:
    """``(path, hash)`` for each line of the distribution's RECORD."""
    text = installed.dist.read_text("RECORD")
    if text is None:
        raise ChannelError(f"{installed.where}: the distribution has no RECORD, so its files are unknown")
    rows = []
    for row in csv.reader(text.splitlines()):
        if row and row[0]:
            rows.append((row[0], row[1] if len(row) > 1 and row[1] else None))
    return rows
