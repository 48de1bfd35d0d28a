"""The rattler-build (v1, ``schema_version: 1``) recipe a backend generates.

Field order and empty-value handling follow rattler-build's own stage0 serialisation
(spec ``backends.md`` §1.4): every build default is written out, ``requirements``
and ``about`` omit empty entries, ``extra`` is always ``{}``. A requirement item is
a match-spec string, a ``${{ ... }}`` template, or a :class:`Conditional`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Union

from kiln.backend import yaml


@dataclass
class Conditional:
    """``{if: <expression>, then: <item(s)>, else: <item(s)>}``."""

    condition: str
    then: list[Item]
    otherwise: list[Item] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"if": self.condition, "then": _branch(self.then)}
        if self.otherwise:
            data["else"] = _branch(self.otherwise)
        return data

    def names(self) -> list[str]:
        """Package names mentioned in either branch (for "already declared?" checks)."""
        return [n for item in [*self.then, *self.otherwise] for n in item_names(item)]


Item = Union[str, Conditional]


def _branch(items: list[Item]) -> Any:
    data = [i.to_data() if isinstance(i, Conditional) else i for i in items]
    return data[0] if len(data) == 1 else data


def item_names(item: Item) -> list[str]:
    """The package name(s) an item refers to; templates have none."""
    if isinstance(item, Conditional):
        return item.names()
    if item.startswith("${{"):
        return []
    head = item.split(" ", 1)[0].split("[", 1)[0]
    if "::" in head:
        head = head.rsplit("::", 1)[1]
    return [head.lower()]


def _items(items: list[Item]) -> list[Any]:
    return [i.to_data() if isinstance(i, Conditional) else i for i in items]


@dataclass
class Script:
    env: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    interpreter: str | None = None
    file: str | None = None
    cwd: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.interpreter:
            data["interpreter"] = self.interpreter
        if self.env:
            data["env"] = dict(self.env)
        if self.secrets:
            data["secrets"] = list(self.secrets)
        if self.content:
            data["content"] = list(self.content)
        if self.file:
            data["file"] = self.file
        if self.cwd:
            data["cwd"] = self.cwd
        return data


@dataclass
class PythonBuild:
    entry_points: list[str] = field(default_factory=list)
    skip_pyc_compilation: list[str] = field(default_factory=list)
    use_python_app_entrypoint: bool = False
    version_independent: bool | None = None
    site_packages_path: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entry_points": list(self.entry_points),
            "skip_pyc_compilation": list(self.skip_pyc_compilation),
            "use_python_app_entrypoint": self.use_python_app_entrypoint,
        }
        if self.version_independent is not None:
            data["version_independent"] = self.version_independent
        if self.site_packages_path is not None:
            data["site_packages_path"] = self.site_packages_path
        return data


@dataclass
class Build:
    number: int | None = None
    string: str | None = None
    script: Script = field(default_factory=Script)
    noarch: str | None = None
    flags: list[str] = field(default_factory=list)
    python: PythonBuild = field(default_factory=PythonBuild)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.number is not None:
            data["number"] = self.number
        if self.string is not None:
            data["string"] = self.string
        data["script"] = self.script.to_data()
        if self.noarch is not None:
            data["noarch"] = self.noarch
        if self.flags:
            data["flags"] = list(self.flags)
        data["python"] = self.python.to_data()
        data.update(
            {
                "skip": [],
                "always_copy_files": [],
                "always_include_files": [],
                "merge_build_and_host_envs": False,
                "files": [],
                "dynamic_linking": {
                    "rpaths": [],
                    "binary_relocation": True,
                    "missing_dso_allowlist": [],
                    "rpath_allowlist": [],
                },
                "variant": {"use_keys": [], "ignore_keys": []},
                "prefix_detection": {
                    "force_file_type": {"text": [], "binary": []},
                    "ignore": False,
                    "ignore_binary_files": False,
                },
                "post_process": [],
            }
        )
        return data


RUN_EXPORT_BUCKETS = ("noarch", "strong", "weak", "strong_constraints", "weak_constraints")


@dataclass
class Requirements:
    build: list[Item] = field(default_factory=list)
    host: list[Item] = field(default_factory=list)
    run: list[Item] = field(default_factory=list)
    run_constraints: list[Item] = field(default_factory=list)
    extras: dict[str, list[Item]] = field(default_factory=dict)
    run_exports: dict[str, list[Item]] = field(default_factory=dict)
    ignore_run_exports_by_name: list[str] = field(default_factory=list)
    ignore_run_exports_from_package: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in ("build", "host", "run", "run_constraints"):
            items = getattr(self, key)
            if items:
                data[key] = _items(items)
        if any(self.extras.values()):
            data["extras"] = {g: _items(self.extras[g]) for g in sorted(self.extras) if self.extras[g]}
        if any(self.run_exports.get(b) for b in RUN_EXPORT_BUCKETS):
            data["run_exports"] = {
                b: _items(self.run_exports[b]) for b in RUN_EXPORT_BUCKETS if self.run_exports.get(b)
            }
        if self.ignore_run_exports_by_name or self.ignore_run_exports_from_package:
            ignore: dict[str, Any] = {}
            if self.ignore_run_exports_by_name:
                ignore["by_name"] = list(self.ignore_run_exports_by_name)
            if self.ignore_run_exports_from_package:
                ignore["from_package"] = list(self.ignore_run_exports_from_package)
            data["ignore_run_exports"] = ignore
        return data

    def all_items(self):
        yield from self.build
        yield from self.host
        yield from self.run
        yield from self.run_constraints


@dataclass
class About:
    homepage: str | None = None
    license: str | None = None
    license_file: list[str] = field(default_factory=list)
    license_family: str | None = None
    summary: str | None = None
    description: str | None = None
    documentation: str | None = None
    repository: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in (
            "homepage", "license", "license_file", "license_family",
            "summary", "description", "documentation", "repository",
        ):  # fmt: skip
            value = getattr(self, key)
            if value:
                data[key] = list(value) if isinstance(value, list) else value
        return data


@dataclass
class Recipe:
    """A single-output rattler-build recipe as the backends generate it."""

    name: str
    version: str
    build: Build = field(default_factory=Build)
    requirements: Requirements = field(default_factory=Requirements)
    about: About = field(default_factory=About)
    context: dict[str, Any] = field(default_factory=dict)
    source: list[dict[str, Any]] = field(default_factory=list)
    tests: list[dict[str, Any]] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema_version": 1}
        if self.context:
            data["context"] = dict(self.context)
        data["package"] = {"name": self.name, "version": self.version}
        data["build"] = self.build.to_data()
        data["requirements"] = self.requirements.to_data()
        data["about"] = self.about.to_data()
        data["extra"] = {}
        if self.source:
            data["source"] = list(self.source)
        if self.tests:
            data["tests"] = list(self.tests)
        return data

    def to_yaml(self) -> str:
        return yaml.dump(self.to_data())

    def with_script(self, **changes: Any) -> Recipe:
        """A copy whose ``build.script`` has ``changes`` (``cwd=``, ``content=``, ...)."""
        return replace(self, build=replace(self.build, script=replace(self.build.script, **changes)))

    def uses_v3_features(self) -> bool:
        """Whether rendering needs repodata revision v3 (spec §1.12)."""
        if self.build.flags or any(self.requirements.extras.values()):
            return True
        return any(_item_needs_v3(i) for i in self.requirements.all_items())


def _item_needs_v3(item: Item) -> bool:
    if isinstance(item, Conditional):
        return any(_item_needs_v3(i) for i in [*item.then, *item.otherwise])
    if item.startswith("${{"):
        return False
    return any(k in item for k in ("extras=", "flags=", "when="))
