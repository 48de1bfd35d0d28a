"""Package names: which texts are conda package names, and PEP 503 normal names of PyPI projects."""

from __future__ import annotations

import re

#: rattler's ``PackageName`` rule: ASCII letters, digits, ``_``, ``-`` and ``.``.
#: A regex rather than ``rattler.PackageName`` so that checking a manifest or a
#: backend's answer does not import rattler; ``tests/conda`` holds it to rattler.
_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
#: The same, with ``*`` globs as a match spec's name may have them.
_NAME_GLOB = re.compile(r"[A-Za-z0-9_.\-*]+")


def is_valid_package_name(name: str, *, glob: bool = False) -> bool:
    """Is ``name`` a conda package name (or, with ``glob``, a name pattern like ``py*``)?"""
    return bool((_NAME_GLOB if glob else _NAME).fullmatch(name))


def normalized_package_name(name: str) -> str:
    """The form conda compares names in: lower case (``rattler.PackageName.normalized``)."""
    return name.lower()


def pep503_name(name: str) -> str:
    """A PyPI project's PEP 503 normal name (``Flit_Core`` -> ``flit-core``), also its conda name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
