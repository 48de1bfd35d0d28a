"""Conda versions: which texts are versions, decided by rattler's ``Version``."""

from __future__ import annotations

import re

#: Versions that are certainly valid (``1``, ``1.2.3``, ``2!1.0``): answered without
#: importing rattler, which is what most manifests and recipes carry.
_PLAIN = re.compile(r"(\d+!)?\d+(\.\d+)*")


def is_valid_version(text: str) -> bool:
    """Is ``text`` a conda version, as rattler (and so pixi and rattler-build) parses one?

    The check is rattler's own ``Version`` parser, imported only for a version that
    is not plain numbers and dots.
    """
    if _PLAIN.fullmatch(text):
        return True
    if not text or text != text.strip():
        return False
    from rattler import Version

    try:
        Version(text)
    except Exception:  # rattler raises its own InvalidVersionError (an Exception subclass)
        return False
    return True
