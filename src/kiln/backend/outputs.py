"""Render a recipe with rattler-build and describe its outputs for ``conda/outputs``.

One :class:`RenderedOutput` per output and variant, in rattler-build's render order.
Each becomes a protocol ``CondaOutput`` (spec ``backends.md`` §1.7): identity from
the rendered recipe, dependencies converted back to protocol specs -- a
``source://`` URL becomes a source spec, a bare name that is a variant key takes
the variant's value (in build/host/run-exports only), a sibling output becomes a
source spec on ``.``, and ``pin_subpackage`` resolves against the sibling's
rendered version and build string.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import msgspec

from kiln.backend.variants import variant_version_spec
from kiln.conda.match_specs import ParsedSpec, parse_spec
from kiln.conda.pins import is_pin_expression, pin_range
from kiln.conda.version_specs import normalize_version_spec
from kiln.errors import KilnError
from kiln.protocol import types as t

if TYPE_CHECKING:
    from rattler_build import VariantConfig
    from rattler_build.render import RenderedVariant


class RenderError(KilnError):
    """rattler-build could not parse or render a recipe."""


@dataclass
class RenderedOutput:
    """One rendered output variant and the facts the protocol needs from it."""

    rendered: RenderedVariant
    data: dict[str, Any]
    host_platform: str

    @property
    def name(self) -> str:
        return self.data["package"]["name"]

    @property
    def version(self) -> str:
        return str(self.data["package"]["version"])

    @property
    def build_string(self) -> str:
        return self.data["build"]["string"]

    @property
    def build_number(self) -> int:
        return int(self.data["build"].get("number", 0))

    @property
    def noarch(self) -> str | None:
        return self.data["build"].get("noarch")

    @property
    def subdir(self) -> str:
        return "noarch" if self.noarch else self.host_platform

    @property
    def variant(self) -> dict[str, Any]:
        return dict(self.rendered.variant)

    @property
    def skipped(self) -> bool:
        return bool(self.data["build"].get("skip"))


def render_recipe(
    recipe_path: Path,
    variant_config: VariantConfig,
    *,
    host_platform: str,
    build_platform: str,
    experimental: bool = False,
    v3: bool = False,
    build_string_prefix: str | None = None,
    build_number: int | None = None,
) -> list[RenderedOutput]:
    """Parse and render a recipe file for ``host_platform``; skipped outputs dropped.

    py-rattler-build's public render is used unless the model sets a build-string
    prefix or build number: its wrapper does not expose those render options yet, so
    such a render goes through :mod:`kiln.backend.rattler_private`.
    """
    from rattler_build import RepodataRevision, Stage0Recipe
    from rattler_build.render import RenderConfig
    from rattler_build.tool_config import PlatformConfig

    revision = RepodataRevision.V3 if v3 else RepodataRevision.LEGACY
    try:
        recipe = Stage0Recipe.from_file(recipe_path, repodata_revision=revision)
        if build_string_prefix is None and build_number is None:
            platform = PlatformConfig(
                target_platform=host_platform,
                build_platform=build_platform,
                host_platform=host_platform,
                experimental=experimental,
            )
            variants = recipe.render(variant_config, RenderConfig(platform=platform, repodata_revision=revision))
        else:
            from kiln.backend.rattler_private import render_with_build_overrides

            variants = render_with_build_overrides(
                recipe,
                variant_config,
                recipe_path=Path(recipe_path),
                host_platform=host_platform,
                build_platform=build_platform,
                experimental=experimental,
                revision=revision,
                build_string_prefix=build_string_prefix,
                build_number=build_number,
            )
    except KilnError:
        raise
    except Exception as exc:  # rattler-build raises its own error classes for bad recipes
        raise RenderError(f"failed to render {recipe_path}: {_error_text(exc)}{_yaml_location(recipe_path)}") from None
    outputs = [RenderedOutput(v, v.recipe.to_dict(), host_platform) for v in variants]
    return [o for o in outputs if not o.skipped]


def _yaml_location(path: Path) -> str:
    """Where plain YAML parsing fails, when it does (rattler-build's errors carry no line)."""
    import yaml

    try:
        yaml.compose(Path(path).read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        return f"\n  {path}{where}: {exc.problem or exc}"
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    return ""


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


# -- dependency conversion ------------------------------------------------------


def decode_source_url(url: str) -> t.SourcePackageSpec | None:
    """``source://?path=..`` (or ``url=``/``git=``) back into a source spec."""
    if not url.startswith("source://"):
        return None
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if "path" in query:
        return t.SourcePackageSpec(path=t.PathLocation(path=query["path"]))
    if "url" in query:
        return t.SourcePackageSpec(
            url=t.UrlLocation(
                url=query["url"],
                md5=query.get("md5"),
                sha256=query.get("sha256"),
                subdirectory=query.get("subdirectory"),
            )
        )
    if "git" in query:
        rev: Any = None
        for key in ("branch", "tag", "rev"):
            if key in query:
                rev = t.GitReferenceObject(**{key: query[key]})
        lfs = {"true": True, "false": False}.get(query.get("lfs", ""), t.UNSET)
        return t.SourcePackageSpec(
            git=t.GitLocation(git=query["git"], rev=rev, subdirectory=query.get("subdirectory"), lfs=lfs)
        )
    return None


def _binary_from_parsed(parsed: ParsedSpec) -> t.BinaryPackageSpec:
    b = parsed.brackets
    return t.BinaryPackageSpec(
        version=parsed.version,
        build=parsed.build,
        build_number=b.get("build_number"),
        file_name=b.get("fn"),
        channel=parsed.channel or b.get("channel"),
        subdir=b.get("subdir"),
        md5=b.get("md5"),
        sha256=b.get("sha256"),
        url=b.get("url"),
        license=b.get("license"),
    )


def _pin_bound(text: Any) -> t.PinBound | None:
    if text is None:
        return None
    text = str(text)
    if is_pin_expression(text):
        return t.PinBound(expression=text)
    return t.PinBound(version=text)


class DependencyConverter:
    """Turns rendered requirement items into protocol ``NamedSpec`` values."""

    def __init__(
        self,
        output: RenderedOutput,
        siblings: list[RenderedOutput],
        source_specs: dict[str, t.SourcePackageSpec] | None = None,
    ) -> None:
        self.output = output
        self.variant = output.variant
        self.siblings = siblings
        self.sibling_names = {s.name.lower() for s in siblings}
        self.source_specs = {k.lower(): v for k, v in (source_specs or {}).items()}

    def _sibling(self, name: str) -> RenderedOutput | None:
        """The sibling output a pin refers to: same name, from this render."""
        pinned = self.variant.get(name)
        for s in self.siblings:
            if s.name.lower() != name.lower():
                continue
            if pinned is None or str(pinned) == f"{s.version} {s.build_string}":
                return s
        return None

    def convert(self, item: Any, *, apply_variants: bool) -> t.NamedSpec:
        if isinstance(item, dict):
            return self._convert_pin(item)
        try:
            parsed = parse_spec(str(item))
        except ValueError as exc:
            raise RenderError(f"cannot read requirement `{item}` of {self.output.name}: {exc}") from None
        name = parsed.name
        url = parsed.brackets.get("url")
        source = decode_source_url(url) if url else None
        if source is None and name.lower() in self.source_specs:
            source = msgspec.structs.replace(self.source_specs[name.lower()])
        if source is None and name.lower() in self.sibling_names and name.lower() != self.output.name.lower():
            source = t.SourcePackageSpec(path=t.PathLocation(path="."))
        if source is not None:
            source.version = parsed.version
            source.build = parsed.build
            source.build_number = parsed.brackets.get("build_number")
            return t.NamedSpec(name=name, source=source)
        if apply_variants and parsed.is_bare and name in self.variant:
            return t.NamedSpec(name=name, binary=t.BinaryPackageSpec(version=variant_version_spec(self.variant[name])))
        return t.NamedSpec(name=name, binary=_binary_from_parsed(parsed))

    def _convert_pin(self, item: dict[str, Any]) -> t.NamedSpec:
        kind, args = next(iter(item.items()))
        name = args["name"]
        if kind == "pin_subpackage":
            sibling = self._sibling(name)
            if sibling is None:
                raise RenderError(f"`pin_subpackage('{name}')` in {self.output.name} names no output of this recipe")
            if args.get("exact"):
                version, build = f"=={sibling.version}", sibling.build_string
            else:
                version, build = self._pin_range(name, sibling.version, args), None
            return t.NamedSpec(
                name=name,
                source=t.SourcePackageSpec(path=t.PathLocation(path="."), version=version, build=build),
            )
        pin = t.PinSpec()
        if args.get("exact"):
            pin.exact = True
        else:
            pin.lower_bound = _pin_bound(args.get("lower_bound")) or t.UNSET
            pin.upper_bound = _pin_bound(args.get("upper_bound")) or t.UNSET
        if args.get("build"):
            pin.build = args["build"]
        return t.NamedSpec(name=name, pin_compatible=pin)

    def _pin_range(self, name: str, version: str, args: dict[str, Any]) -> str:
        lower, upper = args.get("lower_bound"), args.get("upper_bound")
        try:
            return pin_range(version, None if lower is None else str(lower), None if upper is None else str(upper))
        except Exception as exc:  # rattler's InvalidVersionError, an empty bound
            raise RenderError(f"`pin_subpackage('{name}')` in {self.output.name}: {exc}") from None

    def dependencies(self, depends: list[Any], constraints: list[Any], *, apply_variants: bool):
        return t.CondaOutputDependencies(
            depends=[self.convert(i, apply_variants=apply_variants) for i in depends],
            constraints=[self.convert(i, apply_variants=False) for i in constraints],
        )


def to_conda_output(
    output: RenderedOutput,
    siblings: list[RenderedOutput],
    *,
    source_specs: dict[str, t.SourcePackageSpec] | None = None,
) -> t.CondaOutput:
    data = output.data
    req = data.get("requirements", {}) or {}
    build = data.get("build", {}) or {}
    about = data.get("about", {}) or {}
    conv = DependencyConverter(output, siblings, source_specs)

    run_exports = req.get("run_exports", {}) or {}
    ignore = req.get("ignore_run_exports", {}) or {}
    extras = req.get("extras", {}) or {}
    down = int((build.get("variant") or {}).get("down_prioritize_variant", 0) or 0)
    python = build.get("python") or {}
    flags = list(build.get("flags") or [])
    metadata = t.CondaOutputMetadata(
        name=output.name,
        version=output.version,
        build=output.build_string,
        build_number=output.build_number,
        subdir=output.subdir,
        license=about.get("license"),
        license_family=about.get("license_family"),
        flags=flags if flags else t.UNSET,
        track_features=[f"{output.name}-p-{i}" for i in range(down)] if down else t.UNSET,
        noarch=output.noarch or False,
        purls=None,
        python_site_packages_path=python.get("site_packages_path"),
        variant=output.variant,
    )
    return t.CondaOutput(
        metadata=metadata,
        build_dependencies=conv.dependencies(req.get("build", []), [], apply_variants=True),
        host_dependencies=conv.dependencies(req.get("host", []), [], apply_variants=True),
        run_dependencies=conv.dependencies(req.get("run", []), req.get("run_constraints", []), apply_variants=False),
        extra_dependencies=(
            {g: [conv.convert(i, apply_variants=False) for i in items] for g, items in extras.items()}
            if extras
            else t.UNSET
        ),
        ignore_run_exports=t.CondaOutputIgnoreRunExports(
            by_name=list(ignore.get("by_name", [])), from_package=list(ignore.get("from_package", []))
        ),
        run_exports=t.CondaOutputRunExports(
            weak=[conv.convert(i, apply_variants=True) for i in run_exports.get("weak", [])],
            strong=[conv.convert(i, apply_variants=True) for i in run_exports.get("strong", [])],
            noarch=[conv.convert(i, apply_variants=True) for i in run_exports.get("noarch", [])],
            weak_constrains=[conv.convert(i, apply_variants=True) for i in run_exports.get("weak_constraints", [])],
            strong_constrains=[
                conv.convert(i, apply_variants=True) for i in run_exports.get("strong_constraints", [])
            ],
        ),
        input_globs=None,
    )


def check_unique_variants(outputs: list[RenderedOutput]) -> None:
    """API >= 3: two outputs of one name must differ in their variant."""
    seen: set[tuple[str, tuple]] = set()
    for o in outputs:
        key = (o.name, tuple(sorted((k, str(v)) for k, v in o.variant.items())))
        if key in seen:
            raise RenderError(f"two outputs named `{o.name}` have the same variant {o.variant}")
        seen.add(key)


def find_output(outputs: list[RenderedOutput], wanted: t.CondaBuildV1Output) -> RenderedOutput:
    """The rendered output ``conda/build_v1`` asks for: by name, then variant, then identity."""
    candidates = [o for o in outputs if o.name.lower() == wanted.name.lower()]
    if not candidates:
        names = ", ".join(sorted({o.name for o in outputs})) or "none"
        raise KilnError(f"the recipe has no output named `{wanted.name}` (outputs: {names})")
    for o in candidates:
        if all(str(o.variant.get(k)) == str(v) for k, v in wanted.variant.items()):
            return o
    for o in candidates:
        if (wanted.version in (None, o.version)) and (wanted.build in (None, o.build_string)) and (
            wanted.subdir == o.subdir
        ):
            return o
    raise KilnError(
        f"no output `{wanted.name}` matches the requested variant {wanted.variant} "
        f"(rendered: {[o.variant for o in candidates]})"
    )


def check_identity(output: RenderedOutput, wanted: t.CondaBuildV1Output) -> None:
    """The rendered output is the one asked for: same version, build string and subdir."""
    for what, asked, rendered in (
        ("version", wanted.version, output.version),
        ("build", wanted.build, output.build_string),
        ("subdir", wanted.subdir, output.subdir),
    ):
        if asked is not None and asked != rendered:
            raise KilnError(f"requested {wanted.name} {what} {asked}, but the recipe renders {what} {rendered}")


__all__ = [
    "RenderError",
    "RenderedOutput",
    "render_recipe",
    "to_conda_output",
    "check_unique_variants",
    "find_output",
    "check_identity",
    "decode_source_url",
    "normalize_version_spec",
]
