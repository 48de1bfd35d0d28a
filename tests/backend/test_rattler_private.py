"""The private py-rattler-build API kiln uses is still there, and its loss is reported clearly."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from kiln.backend import rattler_private
from kiln.backend.outputs import render_recipe
from kiln.backend.rattler_private import PRIVATE_API, TESTED_VERSION, PrivateApiMissing, installed_version
from kiln.backend.variants import build_variant_config

RECIPE = """\
package:
  name: tiny
  version: "1.0"
build:
  noarch: generic
  script: echo hi
"""


def _instances(tmp_path: Path) -> dict[str, object]:
    """One live object per class whose instance attributes kiln reads."""
    from rattler_build import Stage0Recipe, VariantConfig

    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE)
    recipe = Stage0Recipe.from_file(path)
    config = VariantConfig({})
    return {
        "rattler_build.stage0:Stage0Recipe": recipe,
        "rattler_build.variant_config:VariantConfig": config,
        "rattler_build.render:RenderedVariant": recipe.render(config)[0],
    }


@pytest.mark.parametrize(("owner", "attribute"), PRIVATE_API, ids=[f"{o}.{a}" for o, a in PRIVATE_API])
def test_private_api_is_present(owner: str, attribute: str, tmp_path: Path) -> None:
    if ":" in owner:
        obj = _instances(tmp_path)[owner]
    else:
        obj = _resolve(owner)
    assert hasattr(obj, attribute), _gone(f"{owner}.{attribute}")


def _resolve(dotted: str) -> object:
    """A module path whose tail may be attributes of a native module (``_rattler_build.render``)."""
    parts = dotted.split(".")
    obj: object = importlib.import_module(".".join(parts[:2]))
    for i, part in enumerate(parts[2:], start=2):
        if not hasattr(obj, part):
            pytest.fail(_gone(".".join(parts[: i + 1])))
        obj = getattr(obj, part)
    return obj


def _gone(what: str) -> str:
    return (
        f"py-rattler-build {installed_version()} removed `{what}`, which kiln.backend.rattler_private uses "
        f"(written for py-rattler-build {TESTED_VERSION}): port that module to the new API"
    )


def test_native_render_options_are_accepted() -> None:
    from rattler_build._rattler_build import render as native

    native.RenderConfig(**{option: None for option in rattler_private.NATIVE_RENDER_OPTIONS})


def test_overrides_reach_the_rendered_recipe(tmp_path: Path) -> None:
    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE)
    (out,) = render_recipe(
        path, build_variant_config(), host_platform="linux-64", build_platform="linux-64",
        build_string_prefix="pfx", build_number=7,
    )  # fmt: skip
    assert out.build_number == 7 and out.build_string.startswith("pfx") and out.build_string.endswith("_7")
    (plain,) = render_recipe(path, build_variant_config(), host_platform="linux-64", build_platform="linux-64")
    assert plain.build_number == 0 and not plain.build_string.startswith("pfx")


def test_a_missing_attribute_is_named_with_the_version(tmp_path: Path) -> None:
    """An upgrade that drops ``Stage0Recipe._wrapper`` fails like this, not with an AttributeError."""
    with pytest.raises(PrivateApiMissing) as info:
        rattler_private.render_with_build_overrides(
            object(),  # type: ignore[arg-type]  # no `_wrapper`
            build_variant_config(),
            recipe_path=tmp_path / "recipe.yaml",
            host_platform="linux-64",
            build_platform="linux-64",
            experimental=False,
            revision=__import__("rattler_build").RepodataRevision.LEGACY,
            build_string_prefix="pfx",
            build_number=None,
        )
    text = str(info.value)
    assert "`Stage0Recipe._wrapper`" in text and f"py-rattler-build {installed_version()}" in text
    assert TESTED_VERSION in text
