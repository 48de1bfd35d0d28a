"""PEP 440 version specifiers (``>=1.0, <2``) as conda version specs (``>=1.0,<2``)."""

from __future__ import annotations


def conda_version_spec(specifiers: str, *, sort: bool = False) -> str:
    """A PEP 440 specifier set as a conda version spec; ``""`` when it constrains nothing.

    ``===`` becomes ``==`` (conda has no arbitrary equality) and ``==X.*`` becomes
    ``X.*``, conda's spelling of a prefix match; every other specifier keeps its
    operator and version. The order written is kept, unless ``sort``: a specifier
    set read back from packaging's ``SpecifierSet`` has no order, and sorting keeps
    the result the same from run to run. Raises packaging's ``InvalidSpecifier``.
    """
    from packaging.specifiers import Specifier

    parsed = [Specifier(part.strip()) for part in specifiers.split(",") if part.strip()]
    if sort:
        parsed.sort(key=str)
    parts = []
    for spec in parsed:
        op, version = spec.operator, spec.version
        if op == "===":
            op = "=="
        parts.append(version if op == "==" and version.endswith(".*") else f"{op}{version}")
    return ",".join(parts)
