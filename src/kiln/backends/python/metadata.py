"""pyproject.toml as pixi-build-python reads it: package metadata, requirements and entry points.

The file is validated the way upstream's ``pyproject-toml`` parser does (a
``[project]`` table needs a ``name``; versions, specifiers and requirements must
be valid PEP 440/508), so a project upstream rejects is rejected here too -- but
with the file and line in the message. What the recipe takes from it is spec
``backends.md`` §2.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.backend import toml
from kiln.backend.generated import MetadataProvider
from kiln.errors import ManifestError
from kiln.protocol import log

PYPROJECT = "pyproject.toml"


@dataclass
class Pyproject:
    """The parts of a validated pyproject.toml that the backend uses."""

    path: Path
    #: ``[project]``, or None when the file has no such table.
    project: dict[str, Any] | None
    #: ``[build-system].requires`` (validated PEP 508 text), None without ``[build-system]``.
    build_requires: list[str] | None
    #: ``[project].dependencies`` (validated PEP 508 text).
    dependencies: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent

    def get(self, key: str) -> Any:
        return None if self.project is None else self.project.get(key)

    @property
    def version(self) -> str | None:
        text = self.get("version")
        return None if text is None else normalize_version(text)

    @property
    def requires_python(self) -> str | None:
        text = self.get("requires-python")
        return None if text is None else normalize_specifiers(text)

    def url(self, *keys: str) -> str | None:
        urls = self.get("urls") or {}
        for key in keys:
            if key in urls:
                return urls[key]
        return None

    @property
    def scripts(self) -> dict[str, str]:
        return dict(self.get("scripts") or {})

    @property
    def readme_file(self) -> str | None:
        readme = self.get("readme")
        if isinstance(readme, str):
            return readme
        if isinstance(readme, dict) and isinstance(readme.get("file"), str):
            return readme["file"]
        return None

    @property
    def license_file_entries(self) -> list[str]:
        """``license = {file = ..}`` first, then every ``license-files`` entry, as written."""
        entries: list[str] = []
        license = self.get("license")
        if isinstance(license, dict) and "file" in license:
            entries.append(license["file"])
        entries.extend(self.get("license-files") or [])
        return entries


# -- parsing and validation ----------------------------------------------------------


def normalize_version(text: str) -> str:
    """A PEP 440 version in its normal form (``1.0-alpha1`` -> ``1.0a1``)."""
    from packaging.version import Version

    return str(Version(text))


def normalize_specifiers(text: str) -> str:
    """PEP 440 specifiers in their canonical spelling, order kept, comma-joined.

    ``>= 3.9, <4`` -> ``>=3.9,<4``; versions are normalised (``3.09`` -> ``3.9``).
    """
    from packaging.specifiers import Specifier
    from packaging.version import Version

    parts = []
    for raw in text.split(","):
        spec = Specifier(raw.strip())
        version = spec.version
        if spec.operator != "===":
            if version.endswith(".*"):
                version = str(Version(version[:-2])) + ".*"
            else:
                version = str(Version(version))
        parts.append(f"{spec.operator}{version}")
    return ",".join(parts)


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """Best-effort line for messages: ``key = ...`` inside ``[table]``, else a
    ``[table.key]`` header, else the ``[table]`` header itself."""
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(#.*)?$")
    key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    dotted = f"{table}.{key}" if table else key
    current: str | None = None
    assignment = sub_table = table_header = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            current = m.group(1)
            if current == dotted and sub_table is None:
                sub_table = number
            if current == table and table_header is None:
                table_header = number
            continue
        if assignment is None and current == table and key_re.match(line):
            assignment = number
    return assignment or sub_table or table_header


class _Validator:
    """Checks the pyproject fields the backend reads; errors carry file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, message: str, key: str, table: str | None = "project") -> ManifestError:
        dotted = f"{table}.{key}" if table else key
        return ManifestError(message, path=self.path, line=_line_of(self.text, key, table), key=dotted)

    def expect(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str, section: str) -> Any:
        value = table.get(key)
        if value is not None and not isinstance(value, kind):
            raise self.fail(f"`{section}.{key}` must be {what}", key, section)
        return value

    def requirements(self, values: Any, key: str, section: str) -> list[str]:
        from packaging.requirements import InvalidRequirement, Requirement

        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.fail(f"`{section}.{key}` must be a list of PEP 508 requirement strings", key, section)
        for value in values:
            try:
                Requirement(value)
            except InvalidRequirement as exc:
                raise self.fail(f"invalid requirement `{value}` in `{section}.{key}`: {exc}", key, section) from None
        return list(values)

    def project(self, project: Any) -> tuple[dict[str, Any], list[str]]:
        from packaging.specifiers import InvalidSpecifier
        from packaging.version import InvalidVersion

        if not isinstance(project, dict):
            raise self.fail("`project` must be a table", "project", None)
        if not isinstance(project.get("name"), str):
            missing = "name" not in project
            raise self.fail(
                "the `[project]` table has no `name`" if missing else "`project.name` must be a string", "name"
            )
        for key in ("version", "description", "requires-python"):
            self.expect(project, key, str, "a string", "project")
        if project.get("version") is not None:
            try:
                normalize_version(project["version"])
            except InvalidVersion:
                raise self.fail(f"`{project['version']}` is not a valid PEP 440 version", "version") from None
        if project.get("requires-python") is not None:
            try:
                normalize_specifiers(project["requires-python"])
            except (InvalidSpecifier, InvalidVersion):
                raise self.fail(
                    f"`{project['requires-python']}` is not a valid PEP 440 version specifier", "requires-python"
                ) from None
        license = project.get("license")
        table_ok = isinstance(license, dict) and len(license) == 1 and isinstance(next(iter(license.values())), str)
        if license is not None and not (isinstance(license, str) or (table_ok and set(license) <= {"text", "file"})):
            raise self.fail("`project.license` must be an SPDX string, `{text = ...}` or `{file = ...}`", "license")
        files = project.get("license-files")
        if files is not None and not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
            raise self.fail("`project.license-files` must be a list of strings", "license-files")
        for key in ("urls", "scripts"):
            table = self.expect(project, key, dict, "a table of strings", "project")
            if table and not all(isinstance(v, str) for v in table.values()):
                raise self.fail(f"`project.{key}` must be a table of strings", key)
        deps = project.get("dependencies")
        dependencies = [] if deps is None else self.requirements(deps, "dependencies", "project")
        optional = self.expect(project, "optional-dependencies", dict, "a table", "project") or {}
        for group, values in optional.items():
            self.requirements(values, group, "project.optional-dependencies")
        return project, dependencies

    def build_system(self, build_system: Any) -> list[str]:
        if not isinstance(build_system, dict):
            raise self.fail("`build-system` must be a table", "build-system", None)
        if "requires" not in build_system:
            raise self.fail("the `[build-system]` table has no `requires`", "requires", "build-system")
        return self.requirements(build_system["requires"], "requires", "build-system")


def load_pyproject(path: Path) -> Pyproject:
    """Read and validate ``path``; every mistake is a :class:`ManifestError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"cannot read the file: {exc.strerror}", path=path) from None
    data = toml.parse(text, path)
    check = _Validator(path, text)
    project, dependencies = (None, []) if "project" not in data else check.project(data["project"])
    build_requires = None if "build-system" not in data else check.build_system(data["build-system"])
    return Pyproject(path=path, project=project, build_requires=build_requires, dependencies=dependencies)


# -- the metadata provider --------------------------------------------------------------


class PyprojectMetadataProvider(MetadataProvider):
    """Metadata from ``<manifest_root>/pyproject.toml`` (nothing at all when ignored).

    The file is read at most once. When it is not ignored it must exist: the
    summary is always asked for (spec §1.3), so even a complete project model
    needs it.
    """

    def __init__(self, manifest_root: Path, *, ignore: bool) -> None:
        self.manifest_root = manifest_root
        self.ignore = ignore
        self._pyproject: Pyproject | None = None

    @property
    def path(self) -> Path:
        return self.manifest_root / PYPROJECT

    def load(self) -> Pyproject | None:
        """The parsed file; None when ignored. A missing file is an error."""
        if self.ignore:
            return None
        if self._pyproject is None:
            if not self.path.is_file():
                help_text = (
                    "add one, or set `ignore-pyproject-manifest = true` in [package.build.config] "
                    "to take name, version and metadata from the pixi manifest alone"
                )
                if (self.manifest_root / "setup.py").is_file():
                    help_text = (
                        "this project has a setup.py only: set `ignore-pyproject-manifest = true` in "
                        "[package.build.config] (name, version and metadata then come from the pixi "
                        "manifest) and list `setuptools` in [package.host-dependencies]"
                    )
                raise ManifestError(
                    f"pixi-build-python requires a `pyproject.toml` in {self.manifest_root}", help=help_text
                )
            self._pyproject = load_pyproject(self.path)
        return self._pyproject

    @property
    def was_read(self) -> bool:
        return self._pyproject is not None

    def input_globs(self) -> list[str]:
        """Files whose change invalidates the metadata: the pyproject, once read."""
        return [PYPROJECT] if self.was_read else []

    def _file(self) -> Pyproject:
        """The parsed file, or an empty one (every field None) when ignored."""
        return self.load() or Pyproject(self.path, project=None, build_requires=None)

    # -- MetadataProvider ---------------------------------------------------------

    def name(self) -> str | None:
        return self._file().get("name")

    def version(self) -> str | None:
        return self._file().version

    def description(self) -> str | None:
        return self._file().get("description")

    def summary(self) -> str | None:
        # pyproject has no separate summary: upstream uses the description for both.
        return self.description()

    def homepage(self) -> str | None:
        return self._file().url("Homepage")

    def repository(self) -> str | None:
        return self._file().url("Repository", "Source", "Source Code")

    def documentation(self) -> str | None:
        return self._file().url("Documentation", "Docs")

    def license(self) -> str | None:
        value = self._file().get("license")
        if isinstance(value, dict):
            value = value.get("text")
        if not isinstance(value, str):
            return None
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

        try:
            canonicalize_license_expression(value)
        except InvalidLicenseExpression:
            log.warn(
                f"License '{value}' in {self.path} is not a valid SPDX expression; it is left out of "
                "the recipe. Use an SPDX identifier (e.g. 'MIT', 'Apache-2.0'), see <https://spdx.org/licenses>."
            )
            return None
        return value

    def license_files(self) -> list[str]:
        """Absolute paths: rattler-build has no source directory to resolve them against."""
        return [str(self.manifest_root / entry) for entry in self._file().license_file_entries]

    # -- beyond the generic provider ------------------------------------------------

    def requires_python(self) -> str | None:
        return self._file().requires_python

    def build_system_requires(self) -> list[str] | None:
        return self._file().build_requires

    def project_dependencies(self) -> list[str] | None:
        pyproject = self._file()
        return None if pyproject.get("dependencies") is None else pyproject.dependencies


def parse_entry_point(name: str, target: str) -> str | None:
    """``name = module:function`` as rattler writes an entry point; None if not one."""
    module, sep, function = target.partition(":")
    name, module, function = name.strip(), module.strip(), function.strip()
    if not sep or not name or not module or not function:
        return None
    return f"{name} = {module}:{function}"


def entry_points(pyproject: Pyproject | None) -> list[str]:
    """``[project.scripts]`` as recipe entry points, in file order; malformed ones skipped."""
    if pyproject is None:
        return []
    points = []
    for name, target in pyproject.scripts.items():
        point = parse_entry_point(name, target)
        if point is None:
            log.warn(f'[project.scripts] `{name} = "{target}"` is not `module:function`; it is left out')
        else:
            points.append(point)
    return points
