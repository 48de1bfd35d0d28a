"""One dependency value of a manifest (``"1.2.*"``, ``{ path = ".." }``, ...) as a wire spec.

Follows pixi's reading of a conda dependency: a string is a version spec; a table
is a match spec (``version``, ``build``, ``channel``, ``when``, ...), a source
(``path``/``git``/``url`` plus match-spec selectors), a binary archive (a
``url``/``path`` ending in ``.conda``/``.tar.bz2``), a ``pin-compatible`` /
``pin-subpackage`` pin, or ``{ workspace = true }`` -- an entry taken from the
workspace's ``[workspace.dependencies]`` pool with the member's fields layered on top.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from kiln.backend import conditions
from kiln.conda.package_names import is_valid_package_name
from kiln.conda.urls import InvalidChannel, channel_url
from kiln.conda.version_specs import InvalidVersionSpec, parse_version_spec
from kiln.conda.versions import is_valid_version
from kiln.errors import ManifestError
from kiln.frontend.manifest.toml_source import Table, format_key, suggest, toml_type
from kiln.protocol import types as t

#: Keys of a dependency table (pixi's ``TomlSpec``), in the order pixi documents them.
SPEC_KEYS = (
    "version", "build", "build-number", "file-name", "extras", "flags", "channel", "subdir", "license",
    "license-family", "when", "track-features", "md5", "sha256",
    "url", "git", "path", "branch", "rev", "tag", "lfs", "subdirectory",
)  # fmt: skip
LOCATION_KEYS = ("url", "git", "path", "branch", "rev", "tag", "lfs", "subdirectory", "md5", "sha256")
PIN_KEYS = ("pin-compatible", "pin-subpackage")
#: Fields a `{ workspace = true }` entry may not restate: the pool owns them.
POOL_OWNED_KEYS = ("version", "path", "git", "url")

_BUILD_NUMBER = re.compile(r"(==|!=|>=|<=|>|<)?\d+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_PIN_EXPRESSION = re.compile(r"[x.]*x[x.]*")
_ARCHIVE_SUFFIXES = (".conda", ".tar.bz2")


@dataclass(frozen=True)
class PoolEntry:
    """One entry of ``[workspace.dependencies]``: where it is written and its raw value."""

    table: Table
    name: str
    root: Path
    """The workspace directory; relative ``path`` values are relative to it."""

    @property
    def value(self) -> Any:
        return self.table.get(self.name)


@dataclass(frozen=True)
class SpecContext:
    """What resolving a dependency value needs besides the value itself."""

    manifest_dir: Path
    channel_alias: str
    pool: dict[str, PoolEntry] = field(default_factory=dict)
    """``[workspace.dependencies]`` by normalized package name."""


@dataclass(frozen=True)
class ParsedSpec:
    """A dependency as it goes on the wire, plus what the table rules check."""

    spec: t.PackageSpec
    kind: str
    """``binary``, ``url-binary``, ``path-binary``, ``source`` (path/git/url source),
    ``pin-compatible`` or ``pin-subpackage``."""

    @property
    def is_source(self) -> bool:
        return self.kind == "source"

    @property
    def is_pin(self) -> bool:
        return self.kind.startswith("pin-")


def package_name(table: Table, key: str, value: str | None = None) -> str:
    """Validate a conda package name: a dependency table key, or ``value`` written at ``key``."""
    name = key if value is None else value
    if not is_valid_package_name(name):
        raise table.error(
            f"`{name}` is not a valid package name",
            key,
            help="package names contain only letters, digits, `-`, `_` and `.`",
        )
    return name


def parse_dependency(table: Table, key: str, ctx: SpecContext) -> ParsedSpec:
    """The value of ``table[key]`` (a package-level dependency table entry)."""
    value = table.get(key)
    if isinstance(value, str):
        return _version_only(table, key, value)
    if not isinstance(value, dict):
        raise table.wrong_type(key, "a version string or a table", value)
    if "workspace" in value:
        return _inherited(table, key, value, ctx)
    if any(pin in value for pin in PIN_KEYS):
        return _pin(table, key, value)
    return spec_from_fields(value, table, (key,), ctx, base_dir=ctx.manifest_dir)


def validate_pool_entry(entry: PoolEntry, ctx: SpecContext) -> None:
    """Check a ``[workspace.dependencies]`` entry where it is written."""
    value = entry.value
    if isinstance(value, str):
        _version_only(entry.table, entry.name, value)
        return
    if not isinstance(value, dict):
        raise entry.table.wrong_type(entry.name, "a version string or a table", value)
    for bad in ("workspace", *PIN_KEYS):
        if bad in value:
            raise entry.table.error(f"`{bad}` is not allowed in `[workspace.dependencies]`", entry.name, bad)
    spec_from_fields(value, entry.table, (entry.name,), ctx, base_dir=entry.root)


def inherited_fields(table: Table, key: str, value: dict[str, Any], ctx: SpecContext, *, lookup: str) -> dict[str, Any]:
    """The pool entry for ``lookup`` with this entry's fields layered over it.

    Raises for ``workspace = false``, fields the pool owns, or a missing entry.
    """
    marker = value["workspace"]
    if not isinstance(marker, bool):
        raise table.error(
            f"`{format_key(table.path + (key, 'workspace'))}` must be a boolean, found {toml_type(marker)}",
            key,
            "workspace",
        )
    overrides = {k: v for k, v in value.items() if k != "workspace"}
    if not marker:
        if overrides:
            raise table.error("`workspace = false` cannot be combined with other fields", key)
        raise table.error(
            "`workspace` cannot be false",
            key,
            "workspace",
            help="inheritance from the workspace is opt-in: remove `workspace = false`",
        )
    for owned in POOL_OWNED_KEYS:
        if owned in overrides:
            raise table.error(
                f"`{owned}` is mutually exclusive with `workspace`",
                key,
                owned,
                help="drop `workspace = true` to give this dependency its own version or source",
            )
    entry = ctx.pool.get(lookup.lower())
    if entry is None:
        raise table.error(
            f"the workspace does not define `{lookup}` in `[workspace.dependencies]`",
            key,
            "workspace",
            help="add the package to `[workspace.dependencies]` in the workspace manifest",
        )
    base = entry.value
    fields = dict(base) if isinstance(base, dict) else {"version": base}
    path = fields.get("path")
    if isinstance(path, str):
        fields["path"] = _rebase(path, entry.root, ctx.manifest_dir)
    fields.update(overrides)
    return fields


def _inherited(table: Table, key: str, value: dict[str, Any], ctx: SpecContext) -> ParsedSpec:
    fields = inherited_fields(table, key, value, ctx, lookup=key)
    try:
        return spec_from_fields(fields, table, (key,), ctx, base_dir=ctx.manifest_dir)
    except ManifestError as exc:
        raise table.error(
            f"cannot apply member overrides to inherited workspace dependency: {exc.message}", key, "workspace"
        ) from None


def _rebase(path: str, workspace_root: Path, member_dir: Path) -> str:
    """A pool path (relative to the workspace) as seen from the member's directory."""
    if path.startswith(("/", "~")) or re.match(r"[A-Za-z]:[\\/]", path) or workspace_root == member_dir:
        return path
    return Path(os.path.relpath(workspace_root / path, member_dir)).as_posix()


# ---------------------------------------------------------------------------
# match-spec tables
# ---------------------------------------------------------------------------


def spec_from_fields(
    fields: dict[str, Any], table: Table, keys: tuple[str | int, ...], ctx: SpecContext, *, base_dir: Path
) -> ParsedSpec:
    """A ``TomlSpec`` table (no pins, no workspace marker) as a wire spec.

    Three steps: where the package comes from (:func:`_locate`), what it must match
    (:func:`_matcher`), then the wire spec of that kind.
    """
    _check_spec_keys(fields, table, keys)
    reader = _FieldReader(fields, table, keys)
    where = _locate(reader)
    matcher = _matcher(reader)
    if where.kind == "source":
        return ParsedSpec(t.PackageSpec(source=_source_spec(where, reader, matcher)), "source")
    if where.kind == "url-binary":
        return ParsedSpec(t.PackageSpec(binary=t.BinaryPackageSpec(url=where.value, md5=matcher.md5, sha256=matcher.sha256)), where.kind)
    if where.kind == "path-binary":
        archive = Path(where.value).expanduser()
        archive = archive if archive.is_absolute() else base_dir / archive
        return ParsedSpec(t.PackageSpec(binary=t.BinaryPackageSpec(url=archive.as_uri())), where.kind)
    return ParsedSpec(t.PackageSpec(binary=_binary_spec(reader, matcher, ctx, base_dir)), "binary")


@dataclass(frozen=True)
class _FieldReader:
    """The fields of one dependency table, read with errors that point at them."""

    fields: dict[str, Any]
    table: Table
    keys: tuple[str | int, ...]

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def fail(self, message: str, *sub: str, help: str | None = None) -> ManifestError:
        return self.table.error(message, *self.keys, *sub, help=help)

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"`{format_key(self.table.path + self.keys + (name,))}` must be a string, found {toml_type(value)}", name)
        return value

    def strings(self, name: str) -> list[str] | None:
        value = self.fields.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"`{format_key(self.table.path + self.keys + (name,))}` must be an array of strings", name)
        return list(value)


@dataclass(frozen=True)
class _Location:
    """Where a dependency comes from: ``url``, ``path``, ``git`` or None (a channel)."""

    location: str | None
    value: str | None
    kind: str
    """``binary``, ``url-binary``, ``path-binary`` or ``source``."""


@dataclass(frozen=True)
class _Matcher:
    """The match-spec fields of a dependency, validated."""

    version: str | None
    build: str | None
    build_number: str | None
    extras: list[str] | None
    flags: list[str] | None
    subdir: str | None
    license: str | None
    file_name: str | None
    md5: str | None
    sha256: str | None
    condition: t.MatchSpecCondition | None


def _locate(fields: _FieldReader) -> _Location:
    """The location fields, and which combinations of fields they allow."""
    fail = fields.fail
    url, git, path = fields.text("url"), fields.text("git"), fields.text("path")
    locations = [name for name, v in (("url", url), ("path", path), ("git", git)) if v is not None]
    git_refs = [name for name in ("branch", "rev", "tag") if fields.get(name) is not None]
    if git is None and (git_refs or "lfs" in fields):
        raise fail("`branch`, `rev`, `tag`, and `lfs` are only valid when `git` is specified", (git_refs or ["lfs"])[0])
    if len(locations) > 1:
        raise fail("only one of `url`, `path`, or `git` can be specified", locations[1])
    location = locations[0] if locations else None
    if location is None and "subdirectory" in fields:
        raise fail("`subdirectory` is only valid with `git` or `url`", "subdirectory")
    if location == "path" and "subdirectory" in fields:
        raise fail("`subdirectory` cannot be used with `path`", "subdirectory")
    kind = "binary"
    if location == "url":
        _check_url(url, fail, "url")
        kind = "url-binary" if _is_archive(urlparse(url).path) else "source"
    elif location == "path":
        kind = "path-binary" if _is_archive(path) else "source"
    elif location == "git":
        _check_url(git.removeprefix("git+"), fail, "git")
        kind = "source"
    if location is not None:
        for name in ("channel", "file-name", "license-family"):
            if name in fields:
                raise fail(f"`{name}` cannot be used with `{location}`", name)
    if kind in ("url-binary", "path-binary"):
        for name in ("version", "build", "build-number", "extras", "flags", "subdir", "license", "when", "track-features"):
            if name in fields:
                raise fail(
                    f"`{name}` cannot be used with `{location}`",
                    name,
                    help=f"a `{location}` to a package archive already names one exact package",
                )
    if location in ("git", "path"):
        for name in ("sha256", "md5"):
            if name in fields:
                raise fail(f"`{name}` cannot be used with `{location}`", name)
    if len(git_refs) > 1:
        raise fail("only one of `branch`, `rev`, or `tag` can be specified", git_refs[1])
    return _Location(location, {"url": url, "path": path, "git": git}.get(location or ""), kind)


def _matcher(fields: _FieldReader) -> _Matcher:
    """The match-spec fields, each checked for its own syntax."""
    fail = fields.fail
    version = _version_spec(fields.text("version"), fail, "version")
    build = fields.text("build")
    if build is not None and (not build.strip() or " " in build.strip()):
        raise fail(f"`{build}` is not a valid build string matcher", "build")
    build_number = fields.text("build-number")
    if build_number is not None:
        build_number = re.sub(r"\s+", "", build_number)
        if not _BUILD_NUMBER.fullmatch(build_number):
            raise fail(f"`{build_number}` is not a valid build number spec (e.g. `0` or `>=2`)", "build-number")
    extras, flags = fields.strings("extras"), fields.strings("flags")
    fields.strings("track-features")
    fields.text("license-family")
    subdir, license_, file_name = fields.text("subdir"), fields.text("license"), fields.text("file-name")
    md5 = _digest(fields.text("md5"), 32, fail, "md5")
    sha256 = _digest(fields.text("sha256"), 64, fail, "sha256")
    condition = _when(fields.get("when"), fields.table, fields.keys + ("when",)) if "when" in fields else None
    return _Matcher(version, build, build_number, extras, flags, subdir, license_, file_name, md5, sha256, condition)


def _binary_spec(fields: _FieldReader, m: _Matcher, ctx: SpecContext, base_dir: Path) -> t.BinaryPackageSpec:
    """A package from a channel: it must say something about which one."""
    channel = fields.text("channel")
    has_any = any(
        v is not None
        for v in (m.version, m.build, m.build_number, m.extras, m.flags, m.subdir, m.license, m.condition, m.file_name,
                  channel, m.md5, m.sha256)
    ) or "track-features" in fields  # fmt: skip
    if not has_any:
        raise fields.fail(
            "one of `version`, `build`, `build-number`, `file-name`, `channel`, `subdir`, `md5`, `sha256`, "
            "`git`, `url`, or `path` must be specified"
        )
    channel_base = None
    if channel is not None:
        try:
            channel_base = channel_url(channel, root=base_dir, alias=ctx.channel_alias)
        except InvalidChannel as exc:
            raise fields.fail(str(exc), "channel") from None
    return t.BinaryPackageSpec(
        version=m.version,
        build=m.build,
        build_number=m.build_number,
        file_name=m.file_name,
        extras=m.extras,
        flags=m.flags,
        channel=channel_base,
        subdir=m.subdir,
        md5=m.md5,
        sha256=m.sha256,
        license=m.license,
        condition=m.condition,
    )


def _version_only(table: Table, key: str, text: str) -> ParsedSpec:
    """A dependency written as a bare version spec string."""

    def fail(message: str, *sub: str, help: str | None = None) -> ManifestError:
        return table.error(message, key, help=help)

    return ParsedSpec(t.PackageSpec(binary=t.BinaryPackageSpec(version=_version_spec(text, fail, "version"))), "binary")


def _check_spec_keys(fields: dict[str, Any], table: Table, keys: tuple[str | int, ...]) -> None:
    for name in fields:
        if name in SPEC_KEYS:
            continue
        close = suggest(name, SPEC_KEYS + PIN_KEYS + ("workspace",))
        raise table.error(
            f"unknown field `{name}` in the dependency `{format_key(table.path + keys)}`",
            *keys,
            name,
            help=f"did you mean `{close}`?" if close else "see the dependency fields in pixi's manifest reference",
        )


def _source_spec(where: _Location, fields: _FieldReader, m: _Matcher) -> t.SourcePackageSpec:
    """A package built from a path, url or git source, with the match-spec fields it must meet."""
    unset = t.UNSET
    fail = fields.fail
    common = dict(
        version=m.version,
        build=m.build,
        build_number=m.build_number,
        extras=m.extras if m.extras is not None else unset,
        flags=m.flags if m.flags is not None else unset,
        subdir=m.subdir,
        license=m.license,
        condition=m.condition if m.condition is not None else unset,
    )
    subdirectory = _subdirectory(fields.get("subdirectory"), fail)
    if where.location == "path":
        return t.SourcePackageSpec(path=t.PathLocation(path=fields.get("path")), **common)
    if where.location == "url":
        return t.SourcePackageSpec(
            url=t.UrlLocation(url=fields.get("url"), md5=m.md5, sha256=m.sha256, subdirectory=subdirectory), **common
        )
    rev = None
    for ref in ("branch", "tag", "rev"):
        value = fields.get(ref)
        if value is not None:
            if not isinstance(value, str):
                raise fail(f"`{ref}` must be a string, found {toml_type(value)}", ref)
            rev = t.GitReferenceObject(**{ref: value})
    lfs = fields.get("lfs")
    if lfs is not None and not isinstance(lfs, bool):
        raise fail(f"`lfs` must be a boolean, found {toml_type(lfs)}", "lfs")
    return t.SourcePackageSpec(
        git=t.GitLocation(git=fields.get("git"), rev=rev, subdirectory=subdirectory, lfs=lfs if lfs is not None else unset),
        **common,
    )


def _subdirectory(value: Any, fail) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(f"`subdirectory` must be a string, found {toml_type(value)}", "subdirectory")
    posix = PurePosixPath(value.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts:
        raise fail(f"`subdirectory` must be a relative path inside the source, found `{value}`", "subdirectory")
    normalized = str(posix)
    return None if normalized == "." else normalized


def _is_archive(path: str) -> bool:
    return path.rstrip("/").rsplit("/", 1)[-1].endswith(_ARCHIVE_SUFFIXES)


def _check_url(url: str, fail, key: str) -> None:
    parsed = urlparse(url)
    if not parsed.scheme or not (parsed.netloc or parsed.scheme == "file"):
        raise fail(f"`{url}` is not a valid URL", key)


def _digest(value: str | None, length: int, fail, key: str) -> str | None:
    if value is None:
        return None
    if len(value) != length or not _HEX.fullmatch(value):
        raise fail(f"`{key}` must be {length} hexadecimal digits, found `{value}`", key)
    return value.lower()


# ---------------------------------------------------------------------------
# version specs
# ---------------------------------------------------------------------------


def _version_spec(text: str | None, fail, key: str) -> str | None:
    if text is None:
        return None
    try:
        return parse_version_spec(text)
    except InvalidVersionSpec as exc:
        raise fail(str(exc), key, help=_version_hint(text)) from None


def _version_hint(text: str) -> str | None:
    """What a string that is not a version spec probably meant (as pixi suggests)."""
    if text.startswith(("/", ".", "\\", "~/")):
        return f'it seems you are adding a path dependency: write it as a table, `{{ path = "{text}" }}`'
    if "git" in text:
        return f'it seems you are adding a git dependency: write it as a table, `{{ git = "{text}" }}`'
    if "://" in text:
        return f'it seems you are adding a url dependency: write it as a table, `{{ url = "{text}" }}`'
    if "::" in text or "channel" in text:
        return 'give the channel as a field: `{ version = "<spec>", channel = "<channel>" }`'
    if " " in text.strip():
        return 'a build string goes in its own field: `{ version = "<spec>", build = "<build>" }`'
    return None


# ---------------------------------------------------------------------------
# `when` conditions
# ---------------------------------------------------------------------------


def _when(value: Any, table: Table, keys: tuple[str | int, ...]) -> t.MatchSpecCondition:
    """A ``when`` value: its TOML shape is checked here, the rules are :mod:`kiln.backend.conditions`."""

    def fail(message: str, *sub: str | int, help: str | None = None) -> ManifestError:
        return table.error(message, *keys, *sub, help=help)

    if isinstance(value, str):
        return t.MatchSpecCondition(match_spec=_when_string(value, fail))
    if isinstance(value, list):
        raise fail("`when` must be a string or a table with `all`, `any`, or `package`; top-level arrays are not allowed")
    if not isinstance(value, dict):
        raise fail(f"`when` must be a string or a table, found {toml_type(value)}")
    present = [k for k in ("all", "any", "package") if k in value]
    if len(present) != 1 or (present[0] in ("all", "any") and len(value) != 1):
        raise fail("`when` tables must contain exactly one of `all`, `any`, or `package`")
    which = present[0]
    if which in ("all", "any"):
        items = value[which]
        if not isinstance(items, list):
            raise fail(f"`when.{which}` must be an array of conditions", which)
        if not items:
            raise fail(f"`when.{which}` must contain at least one condition", which)
        return conditions.combine(which, [_when(item, table, keys + (which, i)) for i, item in enumerate(items)])
    name = value["package"]
    if not isinstance(name, str) or not is_valid_package_name(name):
        raise fail(f"`when.package` must be a package name, found `{name}`", "package")
    rest = {k: v for k, v in value.items() if k != "package"}
    for name_ in rest:
        if name_ in LOCATION_KEYS:
            raise fail(
                "source-location fields (`url`, `git`, `path`, `md5`, `sha256`, ...) are not allowed inside `when` tables",
                name_,
            )
        if name_ == "channel":
            raise fail("`channel` is not supported inside `when` tables", name_)
    _check_spec_keys(rest, table, keys)
    spec = spec_from_fields(rest, table, keys, SpecContext(Path("."), ""), base_dir=Path(".")) if rest else None
    return conditions.package_condition(name, spec.spec.binary if spec is not None else t.BinaryPackageSpec())


def _when_string(text: str, fail) -> t.MatchSpecObject:
    try:
        name, version = conditions.split_when_string(text, is_valid_package_name)
    except conditions.WhenStringError as exc:
        raise fail(exc.message, help=exc.help) from None
    return t.MatchSpecObject(name=name, version=_version_spec(version, fail, "when") if version else None)


# ---------------------------------------------------------------------------
# pins
# ---------------------------------------------------------------------------


def _pin(table: Table, key: str, value: dict[str, Any]) -> ParsedSpec:
    kinds = [k for k in PIN_KEYS if k in value]
    if len(kinds) > 1:
        raise table.error("`pin-subpackage` and `pin-compatible` cannot be combined", key)
    kind = kinds[0]
    others = [k for k in value if k != kind]
    if others:
        raise table.error(f"`{kind}` cannot be combined with other fields (found `{others[0]}`)", key, others[0])
    raw = value[kind]
    if raw is True:
        pin = _default_pin()
    elif raw is False:
        raise table.error(
            f"`{kind} = false` has no meaning; remove the key or use a table to configure the pin", key, kind
        )
    elif isinstance(raw, dict):
        pin = _pin_table(Table(table.doc, table.path + (key, kind), raw))
    else:
        raise table.error(f"`{kind}` must be a boolean or a table, found {toml_type(raw)}", key, kind)
    wire = t.PackageSpec(pin_compatible=pin) if kind == "pin-compatible" else t.PackageSpec(pin_subpackage=pin)
    return ParsedSpec(wire, kind)


def _default_pin() -> t.PinSpec:
    """rattler-build's ``pin_compatible(name)`` defaults: ``>=x.x.x.x.x.x, <x``."""
    return t.PinSpec(lower_bound=t.PinBound(expression="x.x.x.x.x.x"), upper_bound=t.PinBound(expression="x"))


def _pin_table(table: Table) -> t.PinSpec:
    table.check_keys(("lower-bound", "upper-bound", "exact", "build"))
    exact = table.boolean("exact") or False
    build = table.string("build")
    lower = _pin_bound(table, "lower-bound")
    upper = _pin_bound(table, "upper-bound")
    if exact:
        if lower or upper or build is not None:
            raise table.error("`exact = true` cannot be combined with `lower-bound`, `upper-bound`, or `build`")
        return t.PinSpec(exact=True)
    default = _default_pin()
    return t.PinSpec(
        lower_bound=lower or default.lower_bound,
        upper_bound=upper or default.upper_bound,
        build=build if build is not None else t.UNSET,
    )


def _pin_bound(table: Table, key: str) -> t.PinBound | None:
    text = table.string(key)
    if text is None:
        return None
    if _PIN_EXPRESSION.fullmatch(text):
        return t.PinBound(expression=".".join("x" * text.count("x")))
    if is_valid_version(text):
        return t.PinBound(version=text)
    raise table.error(f"'{text}' is not a valid pin expression (e.g. 'x.x') or version", key)
