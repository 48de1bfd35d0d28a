"""An R package's ``DESCRIPTION`` file: DCF parsing, dependencies, licence, and the metadata provider.

The rules are upstream's (spec ``backends.md`` §6.2): empty lines are skipped, a line
starting with whitespace continues the previous field (joined with one space after
trimming), any other line is ``Field: value`` split at the first colon. Fields other
than the ten upstream reads (``Authors@R`` among them) are kept but never interpreted.
Where upstream silently skips a line it cannot read, kiln stops with the file and line:
a DESCRIPTION that R itself would reject is a mistake worth naming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kiln.backend.generated import MetadataProvider
from kiln.backends.r.cran_licenses import CRAN_SPDX
from kiln.conda.versions import is_valid_version
from kiln.errors import ManifestError

DESCRIPTION = "DESCRIPTION"

#: Shipped with every R (base and recommended packages): never separate dependencies.
BUILTIN_PACKAGES = frozenset(
    name.lower()
    for name in (
        "base", "compiler", "datasets", "graphics", "grDevices", "grid", "methods", "parallel",
        "splines", "stats", "stats4", "tcltk", "tools", "utils",
        "KernSmooth", "MASS", "Matrix", "boot", "class", "cluster", "codetools", "foreign",
        "lattice", "mgcv", "nlme", "nnet", "rpart", "spatial", "survival",
    )
)  # fmt: skip

#: A DCF field name: printable, no whitespace, no colon (``Authors@R``, ``Config/testthat/edition``).
_FIELD_NAME = re.compile(r"^[^\s:]+$")
#: An R package name (Writing R Extensions §1.1.1), as a dependency entry names it.
_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.]*$")


@dataclass
class Field:
    value: str
    line: int
    """1-based line of the ``Field:`` line."""
    lines: list[tuple[int, str]] = field(default_factory=list)
    """Every physical line of the field (number, trimmed text), for errors inside a value."""

    def line_of(self, text: str) -> int:
        """The line a piece of the value is on (its first line when it spans several)."""
        probe = text.strip().split()[0] if text.strip() else ""
        for number, content in self.lines:
            if probe and probe in content:
                return number
        return self.line


@dataclass
class Description:
    path: Path
    fields: dict[str, Field]

    def get(self, key: str) -> str | None:
        f = self.fields.get(key)
        return f.value if f is not None and f.value else None

    def error(self, key: str, message: str, *, line: int | None = None, help: str | None = None) -> ManifestError:
        where = line if line is not None else (self.fields[key].line if key in self.fields else None)
        return ManifestError(message, path=self.path, line=where, key=key, help=help)


def parse_description(text: str, path: Path) -> Description:
    """The fields of a DESCRIPTION text; a line that is no DCF is a ``ManifestError`` at its line."""
    fields: dict[str, Field] = {}
    current: Field | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line:
            continue
        if line[0].isspace():
            if current is None:
                if not line.strip():
                    continue
                raise ManifestError(
                    "a continuation line (starting with whitespace) before any field",
                    path=path,
                    line=number,
                    help="a DESCRIPTION starts with a `Field: value` line, e.g. `Package: mypkg`",
                )
            piece = line.strip()
            if current.value and piece:
                current.value += " " + piece
            elif piece:
                current.value = piece
            current.lines.append((number, piece))
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or not _FIELD_NAME.match(key):
            raise ManifestError(
                f"expected `Field: value` or an indented continuation line, found `{line.strip()}`",
                path=path,
                line=number,
                help="continuation lines of a field must start with a space or a tab",
            )
        current = Field(value.strip(), number, [(number, value.strip())])
        fields[key] = current
    return Description(path, fields)


def load_description(root: Path) -> Description:
    """``<root>/DESCRIPTION``, parsed; missing or unreadable is a ``ManifestError`` naming it."""
    path = root / DESCRIPTION
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(
            "no DESCRIPTION file: pixi-build-r reads the package's metadata and dependencies from it",
            path=path,
            help="an R package has `DESCRIPTION` next to the pixi manifest (R's `Package:`, `Version:`, ...)",
        ) from None
    except OSError as exc:
        raise ManifestError(f"cannot read DESCRIPTION: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # R allows an `Encoding:` field; latin1 is what such files use in practice
        text = data.decode("latin-1")
    return parse_description(text, path)


# -- dependencies ------------------------------------------------------------------------


@dataclass(frozen=True)
class RDependency:
    name: str
    version: str | None = None
    """The text inside the parentheses (``>= 1.5``), if any."""

    @property
    def is_builtin(self) -> bool:
        return self.name.lower() in BUILTIN_PACKAGES

    @property
    def conda_name(self) -> str:
        return conda_package_name(self.name)

    @property
    def spec(self) -> str:
        """The conda requirement: ``r-<lower name>``, then the constraint without spaces."""
        if self.version is None:
            return self.conda_name
        return f"{self.conda_name} {r_version_to_conda(self.version)}"


def conda_package_name(name: str) -> str:
    """``r-`` + the lower-cased R name; the language itself (``R``) is ``r-base``."""
    return "r-base" if name == "R" else f"r-{name.lower()}"


def r_version_to_conda(version: str) -> str:
    """``>= 1.5`` -> ``>=1.5`` (parentheses and spaces removed)."""
    return re.sub(r"[() ]", "", version.strip())


_CONSTRAINT = re.compile(r"^(>=|<=|==|>|<|!=)\s*(\S+)$")


def parse_dependencies(desc: Description, key: str) -> list[RDependency]:
    """The comma-separated entries of a dependency field (``name`` or ``name (op version)``)."""
    value = desc.get(key)
    if value is None:
        return []
    f = desc.fields[key]
    result: list[RDependency] = []
    for entry in value.split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, paren, rest = entry.partition("(")
        name = name.strip()
        version = None
        if paren:
            if not rest.rstrip().endswith(")") or ")" in rest.rstrip()[:-1]:
                raise desc.error(
                    key, f"`{entry}` in {key}: expected `name` or `name (op version)`", line=f.line_of(entry)
                )
            version = rest.rstrip()[:-1].strip()
            m = _CONSTRAINT.match(version)
            if not m or not is_valid_version(m.group(2)):
                raise desc.error(
                    key,
                    f"`{entry}` in {key}: the version constraint `{version}` is not `op version`",
                    line=f.line_of(entry),
                    help="R writes constraints as `pkg (>= 1.2.3)`; the operators are >=, >, ==, <=, <, !=",
                )
        if not _PACKAGE_NAME.match(name):
            raise desc.error(
                key, f"`{entry}` in {key}: `{name}` is not an R package name", line=f.line_of(entry)
            )
        result.append(RDependency(name, version))
    return result


# -- licence -----------------------------------------------------------------------------


def parse_license(text: str) -> tuple[str | None, str | None]:
    """``(licence, file)`` of a ``License`` field: ``MIT + file LICENSE`` -> ``("MIT", "LICENSE")``.

    The licence part is mapped through the CRAN table (unmapped text passes through);
    ``file LICENSE`` alone names only a file.
    """
    text = text.strip()
    at = text.lower().find(" + file ")
    if at >= 0:
        license_part = text[:at].strip()
        return (normalize_license_name(license_part) if license_part else None), text[at + 8 :].strip()
    if text.lower().startswith("file "):
        return None, text[5:].strip()
    return normalize_license_name(text), None


def normalize_license_name(text: str) -> str:
    text = text.strip()
    return CRAN_SPDX.get(text, text)


# -- metadata provider -------------------------------------------------------------------


class DescriptionMetadataProvider(MetadataProvider):
    """What a recipe's name, version and ``about`` take from DESCRIPTION when the model is silent."""

    def __init__(self, root: Path, description: Description) -> None:
        self.root = root
        self.desc = description

    def name(self) -> str | None:
        package = self.desc.get("Package")
        return conda_package_name(package) if package is not None else None

    def version(self) -> str | None:
        version = self.desc.get("Version")
        if version is not None and not is_valid_version(version):
            raise self.desc.error("Version", f"`{version}` is not a valid version")
        return version

    def summary(self) -> str | None:
        return self.desc.get("Title")

    def description(self) -> str | None:
        return self.desc.get("Description")

    def homepage(self) -> str | None:
        return self.desc.get("URL")

    def repository(self) -> str | None:
        return self.desc.get("BugReports")

    def license(self) -> str | None:
        text = self.desc.get("License")
        return parse_license(text)[0] if text is not None else None

    def license_files(self) -> list[str]:
        """The ``+ file`` part as an absolute path under the package (upstream does the same:
        the build runs against the source directory, where a relative name is not found)."""
        text = self.desc.get("License")
        if text is None:
            return []
        file = parse_license(text)[1]
        if not file:
            return []
        path = Path(file)
        return [str(path if path.is_absolute() else self.root / path)]

    def input_globs(self) -> list[str]:
        return [DESCRIPTION]
