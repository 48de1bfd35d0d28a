"""Typed wire messages of pixi's build-backend protocol, API v7.

Each Struct mirrors one upstream type from ``pixi_build_types`` with the exact JSON
key spellings: most are camelCase, the ``conda/build_v1`` result is snake_case, and
MatchSpec objects follow rattler's snake_case form. Outputs say ``weakConstrains``
while the project model says ``weakConstraints`` -- both are upstream spellings.

Emission rules follow pixi's serializers so that what we encode is what pixi would
send: a field typed ``X | UnsetType = UNSET`` is omitted when absent ("omitted when
null/empty" upstream), every other field is always written, ``null`` included.
Unknown keys are ignored on decode, as every upstream deserializer does.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import msgspec
from msgspec import UNSET, Struct, UnsetType, field

API_VERSION = 7

Platform = str
"""A conda platform/subdir string such as ``linux-64`` or ``noarch``."""

VariantValue = Union[str, int, bool]
"""A variant value: string, integer or boolean on the wire (untagged)."""


class _Camel(Struct, rename="camel", omit_defaults=False):
    """Base: camelCase keys, every non-UNSET field written."""


# ---------------------------------------------------------------------------
# MatchSpec objects (rattler's serde form, snake_case, empty keys omitted)
# ---------------------------------------------------------------------------


class MatchSpecChannel(Struct, omit_defaults=True):
    base_url: str
    name: str | None = None
    platforms: list[str] | None = None


class MatchSpecCondition(Struct, omit_defaults=True):
    """Externally tagged: exactly one of ``MatchSpec``, ``And``, ``Or``."""

    match_spec: MatchSpecObject | None = field(default=None, name="MatchSpec")
    and_: list[MatchSpecCondition] | None = field(default=None, name="And")
    or_: list[MatchSpecCondition] | None = field(default=None, name="Or")

    def __post_init__(self) -> None:
        n = sum(x is not None for x in (self.match_spec, self.and_, self.or_))
        if n != 1:
            raise ValueError("a condition must have exactly one of `MatchSpec`, `And`, `Or`")

    def to_expression(self) -> str:
        """The textual form used in recipes (``python >=3.10``, ``a and b``)."""
        if self.match_spec is not None:
            return self.match_spec.to_string()
        parts = self.and_ if self.and_ is not None else self.or_
        joiner = " and " if self.and_ is not None else " or "
        return joiner.join(
            f"({c.to_expression()})" if c.match_spec is None else c.to_expression() for c in parts or []
        )


class MatchSpecObject(Struct, omit_defaults=True):
    """A MatchSpec as rattler serializes it (``CondaBuildV1Dependency.spec``)."""

    name: str
    version: str | None = None
    build: str | None = None
    build_number: str | None = None
    file_name: str | None = None
    extras: list[str] | None = None
    flags: list[str] | None = None
    channel: MatchSpecChannel | None = None
    subdir: str | None = None
    namespace: str | None = None
    md5: str | None = None
    sha256: str | None = None
    url: str | None = None
    license: str | None = None
    license_family: str | None = None
    condition: MatchSpecCondition | None = None
    track_features: list[str] | None = None

    def to_string(self) -> str:
        """Canonical conda text: ``name [version [build]]`` plus bracket keys."""
        text = self.name
        version = self.version
        if self.build is not None and version is None:
            version = "*"
        if version is not None:
            text += f" {version}"
        if self.build is not None:
            text += f" {self.build}"
        brackets = []
        for key in ("build_number", "file_name", "subdir", "md5", "sha256", "url", "license"):
            value = getattr(self, key)
            if value is not None:
                brackets.append(f'{key}="{value}"')
        if self.channel is not None:
            text = f"{self.channel.base_url.rstrip('/')}::{text}"
        if brackets:
            text += "[" + ", ".join(brackets) + "]"
        return text


# ---------------------------------------------------------------------------
# Package specs of the project model and of conda/outputs
# ---------------------------------------------------------------------------


class BinaryPackageSpec(_Camel):
    """A binary requirement. pixi writes every key, ``null`` when unset."""

    version: str | None = None
    build: str | None = None
    build_number: str | None = None
    file_name: str | None = None
    extras: list[str] | None = None
    flags: list[str] | None = None
    channel: str | None = None
    subdir: str | None = None
    md5: str | None = None
    sha256: str | None = None
    url: str | None = None
    license: str | None = None
    condition: MatchSpecCondition | None = None

    def has_constraints_besides_version(self) -> bool:
        return any(
            getattr(self, k) is not None
            for k in (
                "build",
                "build_number",
                "file_name",
                "extras",
                "flags",
                "channel",
                "subdir",
                "md5",
                "sha256",
                "url",
                "license",
                "condition",
            )
        )


class GitReferenceObject(Struct, omit_defaults=True):
    branch: str | None = None
    tag: str | None = None
    rev: str | None = None

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.branch, self.tag, self.rev)) != 1:
            raise ValueError("a git reference must have exactly one of `branch`, `tag`, `rev`")


GitReference = Union[Literal["defaultBranch"], GitReferenceObject]


class PathLocation(_Camel):
    path: str


class GitLocation(_Camel):
    git: str
    rev: GitReference | None = None
    subdirectory: str | None = None
    lfs: bool | None | UnsetType = UNSET


class UrlLocation(_Camel):
    url: str
    md5: str | None = None
    sha256: str | None = None
    subdirectory: str | None = None


class SourcePackageSpec(_Camel):
    """A requirement built from source; the location tag is flattened in."""

    path: PathLocation | UnsetType = UNSET
    git: GitLocation | UnsetType = UNSET
    url: UrlLocation | UnsetType = UNSET
    version: str | None = None
    build: str | None = None
    build_number: str | None = None
    extras: list[str] | None | UnsetType = UNSET
    flags: list[str] | None | UnsetType = UNSET
    subdir: str | None = None
    license: str | None = None
    condition: MatchSpecCondition | None | UnsetType = UNSET

    def __post_init__(self) -> None:
        if sum(x is not UNSET for x in (self.path, self.git, self.url)) != 1:
            raise ValueError("a source spec must have exactly one of `path`, `git`, `url`")

    @property
    def location(self) -> PathLocation | GitLocation | UrlLocation:
        for loc in (self.path, self.git, self.url):
            if loc is not UNSET:
                return loc  # type: ignore[return-value]
        raise AssertionError("unreachable")


class PinBound(Struct, omit_defaults=True):
    """``{"expression": "x.x"}`` or ``{"version": "1.2.3"}``."""

    expression: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        if (self.expression is None) == (self.version is None):
            raise ValueError("a pin bound must have exactly one of `expression`, `version`")
        if self.expression is not None:
            parts = self.expression.split(".")
            if not all(p == "x" for p in parts):
                raise ValueError(f"invalid pin expression `{self.expression}`, expected e.g. `x.x`")


class PinSpec(_Camel):
    """Shape shared by ``pinCompatible`` and ``pinSubpackage`` (v7)."""

    lower_bound: PinBound | None | UnsetType = UNSET
    upper_bound: PinBound | None | UnsetType = UNSET
    exact: bool | UnsetType = UNSET
    build: str | None | UnsetType = UNSET


_SPEC_KINDS = ("binary", "source", "pin_compatible", "pin_subpackage")


class PackageSpec(_Camel):
    """Externally tagged: exactly one of binary/source/pinCompatible/pinSubpackage."""

    binary: BinaryPackageSpec | UnsetType = UNSET
    source: SourcePackageSpec | UnsetType = UNSET
    pin_compatible: PinSpec | UnsetType = UNSET
    pin_subpackage: PinSpec | UnsetType = UNSET

    def __post_init__(self) -> None:
        if sum(getattr(self, k) is not UNSET for k in _SPEC_KINDS) != 1:
            raise ValueError(
                "a package spec must have exactly one of `binary`, `source`, `pinCompatible`, `pinSubpackage`"
            )

    @property
    def kind(self) -> str:
        for k in _SPEC_KINDS:
            if getattr(self, k) is not UNSET:
                return k
        raise AssertionError("unreachable")


class NamedSpec(_Camel):
    """``{"name": ..., <PackageSpec tag>: ...}`` -- the spec flattened next to its name."""

    name: str
    binary: BinaryPackageSpec | UnsetType = UNSET
    source: SourcePackageSpec | UnsetType = UNSET
    pin_compatible: PinSpec | UnsetType = UNSET
    pin_subpackage: PinSpec | UnsetType = UNSET

    def __post_init__(self) -> None:
        if sum(getattr(self, k) is not UNSET for k in _SPEC_KINDS) > 1:
            raise ValueError(f"dependency `{self.name}` has more than one spec kind")

    @property
    def spec(self) -> PackageSpec:
        """The package spec; a bare ``{"name": ..}`` means "any version"."""
        kinds = {k: getattr(self, k) for k in _SPEC_KINDS if getattr(self, k) is not UNSET}
        if not kinds:
            return PackageSpec(binary=BinaryPackageSpec())
        return PackageSpec(**kinds)

    @classmethod
    def of(cls, name: str, spec: PackageSpec) -> NamedSpec:
        return cls(name=name, **{k: getattr(spec, k) for k in _SPEC_KINDS if getattr(spec, k) is not UNSET})


DependencyMap = dict[str, PackageSpec]


# ---------------------------------------------------------------------------
# Project model (sent bare in initialize.projectModel since v4)
# ---------------------------------------------------------------------------


class RunExports(_Camel):
    """Project-model run exports. Note the spelling ``...Constraints`` here."""

    noarch: DependencyMap | None | UnsetType = UNSET
    strong: DependencyMap | None | UnsetType = UNSET
    weak: DependencyMap | None | UnsetType = UNSET
    strong_constraints: DependencyMap | None | UnsetType = UNSET
    weak_constraints: DependencyMap | None | UnsetType = UNSET


class Target(_Camel):
    host_dependencies: DependencyMap | None = None
    build_dependencies: DependencyMap | None = None
    run_dependencies: DependencyMap | None = None
    run_constraints: DependencyMap | None = None
    extra_dependencies: dict[str, DependencyMap] | None | UnsetType = UNSET
    run_exports: RunExports | None | UnsetType = UNSET


class Targets(_Camel):
    default_target: Target | None = None
    conditional: dict[str, Target] | None | UnsetType = UNSET


class ProjectModel(_Camel):
    name: str | None = None
    build_string_prefix: str | None = None
    build_number: int | None = None
    version: str | None = None
    description: str | None = None
    build_flags: list[str] | None | UnsetType = UNSET
    authors: list[str] | None = None
    license: str | None = None
    license_file: str | None = None
    readme: str | None = None
    homepage: str | None = None
    repository: str | None = None
    documentation: str | None = None
    targets: Targets | None = None
    secrets: list[str] | UnsetType = UNSET

    def iter_targets(self):
        """Yield ``(condition or None, Target)``: the default target first."""
        if self.targets is None:
            return
        if self.targets.default_target is not None:
            yield None, self.targets.default_target
        for expr, target in (self.targets.conditional or {}).items():
            yield expr, target


# ---------------------------------------------------------------------------
# negotiateCapabilities / initialize
# ---------------------------------------------------------------------------


class FrontendCapabilities(_Camel):
    supports_log_messages: bool | None | UnsetType = UNSET


class NegotiateCapabilitiesParams(_Camel):
    capabilities: FrontendCapabilities = field(default_factory=FrontendCapabilities)


class BackendCapabilities(_Camel):
    provides_conda_outputs: bool | None = None
    provides_conda_build_v1: bool | None = None


class NegotiateCapabilitiesResult(_Camel):
    capabilities: BackendCapabilities


class InitializeParams(_Camel):
    manifest_path: str
    source_directory: str | None = None
    workspace_directory: str | None = None
    checkout_root: str | UnsetType = UNSET
    cache_directory: str | None = None
    workspace_scratch_directory: str | None = None
    project_model: ProjectModel | None = None
    configuration: Any = None
    target_configuration: dict[str, Any] | None = None


class InitializeResult(_Camel):
    pass


# ---------------------------------------------------------------------------
# conda/outputs
# ---------------------------------------------------------------------------


class InputGlobSet(_Camel):
    """A structured glob set (camelCase, also inside snake_case results)."""

    patterns: list[str]
    markers: list[str] | UnsetType = UNSET
    exclude_hidden: bool = True
    root: str | UnsetType = UNSET


class CondaOutputsParams(_Camel):
    host_platform: Platform
    build_platform: Platform
    work_directory: str
    channels: list[str] = field(default_factory=list)
    variant_configuration: dict[str, list[VariantValue]] | None = None
    variant_files: list[str] | None = None


NoArch = Union[bool, str, None]
"""``false`` (none), ``"python"``, ``"generic"``; ``true``/``null``/``""`` accepted."""


def normalize_noarch(value: NoArch) -> str | None:
    """``"python"``/``"generic"`` or None for the wire's several spellings."""
    if value is True:
        return "generic"
    if value in (False, None, ""):
        return None
    if value not in ("python", "generic"):
        raise ValueError(f"unknown noarch type `{value}`")
    return value  # type: ignore[return-value]


class CondaOutputMetadata(_Camel):
    name: str
    version: str
    build: str
    build_number: int
    subdir: Platform
    license: str | None = None
    license_family: str | None = None
    flags: list[str] | UnsetType = UNSET
    track_features: list[str] | UnsetType = UNSET
    noarch: NoArch = False
    purls: list[str] | None = None
    python_site_packages_path: str | None = None
    variant: dict[str, VariantValue] = field(default_factory=dict)


class CondaOutputDependencies(_Camel):
    depends: list[NamedSpec] = field(default_factory=list)
    constraints: list[NamedSpec] = field(default_factory=list)


class CondaOutputIgnoreRunExports(_Camel):
    by_name: list[str] = field(default_factory=list)
    from_package: list[str] = field(default_factory=list)


class CondaOutputRunExports(_Camel):
    weak: list[NamedSpec] = field(default_factory=list)
    strong: list[NamedSpec] = field(default_factory=list)
    noarch: list[NamedSpec] = field(default_factory=list)
    weak_constrains: list[NamedSpec] = field(default_factory=list)
    strong_constrains: list[NamedSpec] = field(default_factory=list)


class CondaOutput(_Camel):
    metadata: CondaOutputMetadata
    build_dependencies: CondaOutputDependencies | None = None
    host_dependencies: CondaOutputDependencies | None = None
    run_dependencies: CondaOutputDependencies = field(default_factory=CondaOutputDependencies)
    extra_dependencies: dict[str, list[NamedSpec]] | UnsetType = UNSET
    ignore_run_exports: CondaOutputIgnoreRunExports = field(default_factory=CondaOutputIgnoreRunExports)
    run_exports: CondaOutputRunExports = field(default_factory=CondaOutputRunExports)
    input_globs: list[str] | None = None
    input_glob_sets: list[InputGlobSet] | UnsetType = UNSET


class CondaOutputsResult(_Camel):
    outputs: list[CondaOutput]
    input_globs: list[str]
    input_glob_sets: list[InputGlobSet] | UnsetType = UNSET


# ---------------------------------------------------------------------------
# conda/build_v1
# ---------------------------------------------------------------------------


class RunExportSource(_Camel):
    type: str
    from_: str = field(name="from")
    run_export: str


class CondaBuildV1Dependency(_Camel):
    spec: MatchSpecObject
    source: Any = None

    @property
    def run_export_source(self) -> RunExportSource | None:
        """The ``source`` when it has the one known shape; unknown shapes read as None."""
        try:
            src = msgspec.convert(self.source, RunExportSource)
        except (msgspec.ValidationError, TypeError):
            return None
        return src if src.type == "runExport" else None


class CondaBuildV1Prefix(_Camel):
    prefix: str
    platform: Platform
    dependencies: list[CondaBuildV1Dependency] = field(default_factory=list)
    constraints: list[CondaBuildV1Dependency] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)


class CondaBuildV1RunExports(_Camel):
    weak: list[CondaBuildV1Dependency] = field(default_factory=list)
    strong: list[CondaBuildV1Dependency] = field(default_factory=list)
    noarch: list[CondaBuildV1Dependency] = field(default_factory=list)
    weak_constrains: list[CondaBuildV1Dependency] = field(default_factory=list)
    strong_constrains: list[CondaBuildV1Dependency] = field(default_factory=list)


class CondaBuildV1Output(_Camel):
    name: str
    subdir: Platform
    version: str | None = None
    build: str | None = None
    variant: dict[str, VariantValue] = field(default_factory=dict)


class PackageFormat(_Camel):
    archive_type: Literal["conda", "tar_bz2"] = "conda"
    compression_level: Union[Literal["lowest", "default", "highest"], int] = "default"


class CondaBuildV1Params(_Camel):
    output: CondaBuildV1Output
    work_directory: str
    channels: list[str] = field(default_factory=list)
    build_prefix: CondaBuildV1Prefix | None = None
    host_prefix: CondaBuildV1Prefix | None = None
    run_dependencies: list[CondaBuildV1Dependency] | None = None
    run_constraints: list[CondaBuildV1Dependency] | None = None
    run_exports: CondaBuildV1RunExports | None = None
    extra_dependencies: dict[str, list[CondaBuildV1Dependency]] = field(default_factory=dict)
    output_directory: str | None = None
    editable: bool | None = None
    package_format: PackageFormat | None = None


class CondaBuildV1Result(Struct, omit_defaults=False):
    """Note: snake_case keys -- the upstream struct has no camelCase rename."""

    output_file: str
    input_globs: list[str]
    name: str
    version: str
    build: str
    subdir: Platform
    input_glob_sets: list[InputGlobSet] | UnsetType = UNSET


# ---------------------------------------------------------------------------
# encode / decode helpers
# ---------------------------------------------------------------------------

_encoder = msgspec.json.Encoder()


def to_builtins(value: Any) -> Any:
    """A Struct as plain JSON-ready Python objects (UNSET fields dropped)."""
    return msgspec.to_builtins(value)


def encode(value: Any) -> bytes:
    """Compact JSON bytes of a wire value."""
    return _encoder.encode(value)


def convert(value: Any, type_: type) -> Any:
    """Validate plain JSON data into a wire type (raises ``msgspec.ValidationError``)."""
    return msgspec.convert(value, type_)


def decode(data: bytes | str, type_: type) -> Any:
    return msgspec.json.decode(data, type=type_)
