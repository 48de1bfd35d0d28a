"""Project-model dependencies -> recipe requirement items (spec ``backends.md`` §1.5).

Binary specs become match-spec text (a version ``*`` with no other constraint
becomes the bare name so that rattler-build can treat it as a variant key); source
specs keep their location in a ``source://`` URL; pins become ``pin_compatible`` /
``pin_subpackage`` templates. Items of a conditional target are wrapped one by one
in ``{if: <expression>, then: <item>}``; the expression is passed through verbatim
and evaluated by rattler-build at render time.
"""

from __future__ import annotations

from functools import lru_cache

from kiln.backend.recipe import RUN_EXPORT_BUCKETS, Conditional, Item, Requirements
from kiln.conda.match_specs import format_spec
from kiln.conda.version_specs import normalize_version_spec
from kiln.errors import KilnError
from kiln.protocol.types import (
    UNSET,
    BinaryPackageSpec,
    GitLocation,
    PackageSpec,
    PathLocation,
    PinSpec,
    ProjectModel,
    SourcePackageSpec,
    Target,
    UrlLocation,
)


class SpecConversionError(KilnError):
    """A project-model dependency cannot be expressed in a recipe."""


# -- single specs -------------------------------------------------------------


def binary_item(name: str, spec: BinaryPackageSpec) -> str:
    version = spec.version
    if version is not None:
        version = normalize_version_spec(version)
    if version in ("*", "") and not spec.has_constraints_besides_version():
        version = None
    brackets: dict[str, str | list[str]] = {}
    if spec.extras:
        brackets["extras"] = list(spec.extras)
    if spec.flags:
        brackets["flags"] = list(spec.flags)
    for key, value in (
        ("md5", spec.md5),
        ("sha256", spec.sha256),
        ("build_number", spec.build_number),
        ("fn", spec.file_name),
        ("url", spec.url),
        ("license", spec.license),
        ("channel", spec.channel),
        ("subdir", spec.subdir),
    ):
        if value is not None:
            brackets[key] = value
    if spec.condition is not None:
        brackets["when"] = spec.condition.to_expression()
    return format_spec(name, version, spec.build, brackets)


_FORM_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")


def form_urlencode(value: str) -> str:
    """``application/x-www-form-urlencoded`` byte serialisation (as Rust's url crate)."""
    out = []
    for byte in value.encode("utf-8"):
        if byte in _FORM_SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def source_url(spec: SourcePackageSpec) -> str:
    """``source://?path=...`` / ``?url=...`` / ``?git=...`` encoding of a location."""
    loc = spec.location
    pairs: list[tuple[str, str]] = []
    if isinstance(loc, PathLocation):
        pairs.append(("path", loc.path))
    elif isinstance(loc, UrlLocation):
        pairs.append(("url", loc.url))
        for key in ("md5", "sha256", "subdirectory"):
            if getattr(loc, key) is not None:
                pairs.append((key, getattr(loc, key)))
    elif isinstance(loc, GitLocation):
        pairs.append(("git", loc.git))
        if loc.subdirectory is not None:
            pairs.append(("subdirectory", loc.subdirectory))
        rev = loc.rev
        if rev is not None and rev != "defaultBranch":
            for key in ("branch", "rev", "tag"):
                if getattr(rev, key) is not None:
                    pairs.append((key, getattr(rev, key)))
        if loc.lfs is not UNSET and loc.lfs is not None:
            pairs.append(("lfs", "true" if loc.lfs else "false"))
    return "source://?" + "&".join(f"{k}={form_urlencode(v)}" for k, v in pairs)


def source_item(name: str, spec: SourcePackageSpec) -> str:
    version = normalize_version_spec(spec.version) if spec.version is not None else None
    if version == "*" and spec.build is None:
        version = None
    brackets: dict[str, str | list[str]] = {}
    if spec.build_number is not None:
        brackets["build_number"] = spec.build_number
    brackets["url"] = source_url(spec)
    if spec.license is not None:
        brackets["license"] = spec.license
    if spec.subdir is not None:
        brackets["subdir"] = spec.subdir
    return format_spec(name, version, spec.build, brackets)


def _jinja_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pin_item(function: str, name: str, pin: PinSpec) -> str:
    """``${{ pin_compatible("name", lower_bound=..., upper_bound=...) }}`` and friends."""
    exact = pin.exact is True
    build = pin.build if isinstance(pin.build, str) else None
    if exact and build is not None:
        raise SpecConversionError(f"pin on `{name}`: `exact` and `build` cannot be combined")
    args = [_jinja_string(name)]
    if exact:
        args.append("exact=True")
    else:
        for key, bound in (("lower_bound", pin.lower_bound), ("upper_bound", pin.upper_bound)):
            if bound is UNSET or bound is None:
                args.append(f"{key}=None")
            else:
                text = bound.expression if bound.expression is not None else bound.version
                args.append(f"{key}={_jinja_string(text)}")
    if build is not None:
        args.append(f"build={_jinja_string(build)}")
    return "${{ " + f"{function}({', '.join(args)})" + " }}"


def spec_item(name: str, spec: PackageSpec, *, bucket: str) -> str:
    """One dependency as a requirement item; ``bucket`` names where it goes."""
    kind = spec.kind
    if kind in ("pin_compatible", "pin_subpackage"):
        if bucket == "build":
            raise SpecConversionError(f"`{name}`: pin specs are not supported in build dependencies")
        function = "pin_compatible" if kind == "pin_compatible" else "pin_subpackage"
        return pin_item(function, name, getattr(spec, kind))
    if kind == "source":
        return source_item(name, spec.source)  # type: ignore[arg-type]
    return binary_item(name, spec.binary)  # type: ignore[arg-type]


# -- whole targets ------------------------------------------------------------


@lru_cache(maxsize=256)
def validate_expression(expression: str) -> None:
    """Reject a selector expression that rattler-build's jinja could not parse."""
    import jinja2

    try:
        jinja2.Environment().parse("{{ " + expression + " }}")
    except jinja2.TemplateSyntaxError as exc:
        raise SpecConversionError(f"invalid selector expression `{expression}`: {exc.message}") from None
    if not expression.strip():
        raise SpecConversionError("empty selector expression")


_TARGET_BUCKETS = (
    ("build", "build_dependencies"),
    ("host", "host_dependencies"),
    ("run", "run_dependencies"),
    ("run_constraints", "run_constraints"),
)
_RUN_EXPORT_FIELDS = {
    "noarch": "noarch",
    "strong": "strong",
    "weak": "weak",
    "strong_constraints": "strong_constraints",
    "weak_constraints": "weak_constraints",
}


def _wrap(condition: str | None, item: Item) -> Item:
    return item if condition is None else Conditional(condition, [item])


def requirements_from_model(model: ProjectModel | None) -> Requirements:
    """All dependency buckets of the model: default target first, then conditionals."""
    req = Requirements()
    if model is None:
        return req
    targets = list(model.iter_targets())
    for condition, _ in targets:
        if condition is not None:
            validate_expression(condition)
    for bucket, attr in _TARGET_BUCKETS:
        items: list[Item] = getattr(req, bucket)
        for condition, target in targets:
            for name, spec in (getattr(target, attr) or {}).items():
                items.append(_wrap(condition, spec_item(name, spec, bucket=bucket)))
    for condition, target in targets:
        for group, deps in _extras(target).items():
            bucket_items = req.extras.setdefault(group, [])
            for name, spec in deps.items():
                bucket_items.append(_wrap(condition, spec_item(name, spec, bucket="extras")))
    for bucket in RUN_EXPORT_BUCKETS:
        for condition, target in targets:
            exports = target.run_exports
            if exports is UNSET or exports is None:
                continue
            deps = getattr(exports, _RUN_EXPORT_FIELDS[bucket])
            if deps is UNSET or not deps:
                continue
            bucket_items = req.run_exports.setdefault(bucket, [])
            for name, spec in deps.items():
                bucket_items.append(_wrap(condition, spec_item(name, spec, bucket=f"run_exports.{bucket}")))
    return req


def _extras(target: Target) -> dict[str, dict[str, PackageSpec]]:
    extras = target.extra_dependencies
    if extras is UNSET or not extras:
        return {}
    return extras  # type: ignore[return-value]


def without_source_url(item: Item) -> Item:
    """A source dependency as a plain spec, other items unchanged.

    pixi installs source dependencies into the prefixes itself; when rattler-build
    solves the environments (kiln), it must find them in a channel by name -- kiln's
    front end puts every built source package in its workspace channel.
    """
    if isinstance(item, Conditional):
        return Conditional(
            item.condition,
            [without_source_url(i) for i in item.then],
            [without_source_url(i) for i in item.otherwise],
        )
    if item.startswith("${{") or "source://" not in item:
        return item
    from kiln.conda.match_specs import parse_spec

    parsed = parse_spec(item)
    brackets = {k: v for k, v in parsed.brackets.items() if k != "url"}
    return format_spec(parsed.name, parsed.version, parsed.build, brackets)


def solvable_requirements(req: Requirements) -> Requirements:
    """``req`` with every source dependency turned into a plain spec (see above)."""
    import dataclasses

    def convert(items: list[Item]) -> list[Item]:
        return [without_source_url(i) for i in items]

    return dataclasses.replace(
        req,
        build=convert(req.build),
        host=convert(req.host),
        run=convert(req.run),
        run_constraints=convert(req.run_constraints),
        extras={g: convert(items) for g, items in req.extras.items()},
        run_exports={b: convert(items) for b, items in req.run_exports.items()},
    )
