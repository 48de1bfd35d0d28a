"""Every use of py-rattler-build's private API, in one module: the render-time build overrides.

py-rattler-build 0.73's public ``Stage0Recipe.render`` takes a ``RenderConfig`` with
no build-string prefix and no build-number override, though its native render
accepts both (pixi's ``[package] build-string-prefix``/``build-number``,
spec ``backends.md`` §1.7 step 4). Only a render that needs one comes here; every
other render uses the public API (``kiln.backend.outputs``).

What this module touches is listed in :data:`PRIVATE_API`; ``tests/backend/
test_rattler_private.py`` fails naming the missing attribute and the installed
version when an upgrade removes one, and so does a render here, instead of an
``AttributeError`` from deep inside.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from rattler_build import Stage0Recipe, VariantConfig
    from rattler_build.render import RenderedVariant

#: The py-rattler-build release this module was written and tested against.
TESTED_VERSION = "0.73.0"

#: (owner, attribute) pairs used below; the owner is a module path or ``module:Class``.
PRIVATE_API: tuple[tuple[str, str], ...] = (
    ("rattler_build._rattler_build", "render"),
    ("rattler_build._rattler_build.render", "RenderConfig"),
    ("rattler_build._rattler_build.render", "render_recipe"),
    ("rattler_build.stage0:Stage0Recipe", "_wrapper"),  # instance attribute, set by from_file
    ("rattler_build.variant_config:VariantConfig", "_inner"),  # instance attribute
    ("rattler_build.render:RenderedVariant", "_siblings"),  # instance attribute, read by run_build
)

#: Keyword arguments of the native ``RenderConfig`` that the public wrapper does not expose.
NATIVE_RENDER_OPTIONS = ("build_string_prefix", "build_number_override")


class PrivateApiMissing(RuntimeError):
    """The installed py-rattler-build lacks a private attribute kiln relies on.

    Not a :class:`KilnError`: nothing the user wrote is wrong, kiln and its installed
    dependency disagree, so it surfaces as the internal failure it is."""


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("py-rattler-build")
    except PackageNotFoundError:
        return "(not installed)"


def missing(what: str) -> PrivateApiMissing:
    return PrivateApiMissing(
        f"py-rattler-build {installed_version()} has no `{what}`, which kiln uses to render with a "
        f"build-string prefix or build-number override (tested with py-rattler-build {TESTED_VERSION}); "
        "install the py-rattler-build version of constraints.txt, or port kiln.backend.rattler_private"
    )


def _attr(obj: Any, name: str, what: str) -> Any:
    try:
        return getattr(obj, name)
    except AttributeError:
        raise missing(what) from None


def render_with_build_overrides(
    recipe: Stage0Recipe,
    variant_config: VariantConfig,
    *,
    recipe_path: Path,
    host_platform: str,
    build_platform: str,
    experimental: bool,
    revision: Any,
    build_string_prefix: str | None,
    build_number: int | None,
) -> list[RenderedVariant]:
    """``recipe.render(...)`` with the two native options the public wrapper drops."""
    from rattler_build.render import RenderedVariant

    try:
        from rattler_build._rattler_build import render as native
    except ImportError:
        raise missing("rattler_build._rattler_build.render") from None
    config_type = _attr(native, "RenderConfig", "rattler_build._rattler_build.render.RenderConfig")
    render = _attr(native, "render_recipe", "rattler_build._rattler_build.render.render_recipe")
    try:
        config = config_type(
            target_platform=host_platform,
            build_platform=build_platform,
            host_platform=host_platform,
            experimental=experimental,
            repodata_revision=revision,
            recipe_path=Path(recipe_path),
            extra_context=None,
            build_string_prefix=build_string_prefix,
            build_number_override=build_number,
        )
    except TypeError as exc:  # a renamed or removed keyword
        raise missing(f"RenderConfig({', '.join(NATIVE_RENDER_OPTIONS)})") from exc
    raw = render(
        _attr(recipe, "_wrapper", "Stage0Recipe._wrapper"),
        _attr(variant_config, "_inner", "VariantConfig._inner"),
        config,
    )
    variants = [RenderedVariant(r, Path(recipe_path), repodata_revision=revision) for r in raw]
    for v in variants:
        _attr(v, "_siblings", "RenderedVariant._siblings")  # run_build reads it for pin_subpackage
        v._siblings = variants
    return variants
