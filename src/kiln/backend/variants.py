"""Variant configuration: where values come from, and in which order they win.

Backend defaults, then each variant file in order, then pixi's
``variantConfiguration`` (``[workspace.build-variants]`` plus ``--variant``); a
later source replaces a key wholesale (spec ``backends.md`` §1.7). Files are read
with rattler-build so that its ``zip_keys`` and jinja in variant files work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError

if TYPE_CHECKING:
    from rattler_build import VariantConfig


class VariantFileError(KilnError):
    """A variant file could not be read."""


def build_variant_config(
    *,
    defaults: dict[str, list[Any]] | None = None,
    files: list[str | Path] = (),  # type: ignore[assignment]
    overrides: dict[str, list[Any]] | None = None,
) -> VariantConfig:
    from rattler_build import VariantConfig

    config = VariantConfig(dict(defaults or {}))
    for path in files:
        path = Path(path)
        if not path.is_file():
            raise VariantFileError(f"variant file {path} does not exist")
        try:
            config = config.merge(VariantConfig.from_file(path))
        except Exception as exc:  # rattler-build raises several error types here
            raise VariantFileError(f"failed to read variant file {path}: {exc}") from None
    if overrides:
        config = config.merge(VariantConfig({k: list(v) for k, v in overrides.items()}))
    return config


def single_values(variant: dict[str, Any]) -> dict[str, list[Any]]:
    """A used variant (one value per key) as a variant configuration."""
    return {key: [value] for key, value in variant.items() if key != "target_platform"}


def variant_version_spec(value: Any) -> str:
    """The version spec a variant value imposes on a bare dependency.

    A value of only alphanumerics and dots means "starts with" (``3.10`` ->
    ``3.10.*``); anything else is a spec already (``>=1.2``).
    """
    text = str(value).strip()
    if text and all(c.isalnum() or c == "." for c in text):
        return f"{text}.*"
    return text
