"""Backend configuration: ``[package.build.config]`` and per-target overrides.

A backend declares its options as a msgspec Struct with kebab-case keys (unknown
keys rejected unless the backend says otherwise) and a ``merge(target)`` method
implementing upstream's per-field rules. :func:`effective_config` applies the
first ``[package.build.target.<selector>.config]`` whose selector matches the
platform of the request (spec ``backends.md`` §1.2).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from kiln.conda.platforms import selector_matches
from kiln.errors import ConfigurationError
from kiln.protocol import log

C = TypeVar("C")

DEPRECATED_KEYS = ("debug-dir", "debug_dir")


def _known_keys(cls: type) -> list[str]:
    return [f.encode_name for f in msgspec.structs.fields(cls)]


def parse_config(cls: type[C], raw: Any, *, where: str = "configuration") -> C:
    """Validate a JSON configuration object into ``cls`` with a helpful error."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"failed to parse {where}: expected a table, got {type(raw).__name__}")
    data = dict(raw)
    for key in DEPRECATED_KEYS:
        if key in data:
            data.pop(key)
            log.warn(f"the `{key}` option is deprecated and ignored; debug files are written to the work directory")
    try:
        return msgspec.convert(data, cls, str_keys=True)
    except msgspec.ValidationError as exc:
        text = str(exc)
        help_text = None
        if text.startswith("Object contains unknown field"):
            import difflib

            unknown = text.split("`")[1] if "`" in text else ""
            close = difflib.get_close_matches(unknown, _known_keys(cls), n=1)
            if close:
                help_text = f"did you mean `{close[0]}`?"
            else:
                help_text = "valid keys: " + ", ".join(f"`{k}`" for k in _known_keys(cls))
        raise ConfigurationError(f"failed to parse {where}: {text}", help=help_text) from None


def effective_config(
    cls: type[C], base_raw: Any, target_raw: dict[str, Any] | None, platform: str
) -> C:
    """Base config merged with the first target config whose selector matches ``platform``."""
    base = parse_config(cls, base_raw)
    for selector, raw in (target_raw or {}).items():
        if selector_matches(selector, platform):
            target = parse_config(cls, raw, where=f"target configuration `{selector}`")
            return base.merge(target)  # type: ignore[attr-defined]
    return base


def validate_target_configs(cls: type[C], target_raw: dict[str, Any] | None) -> None:
    """Parse every target config once (at initialize) so mistakes surface early."""
    for selector, raw in (target_raw or {}).items():
        target = parse_config(cls, raw, where=f"target configuration `{selector}`")
        check = getattr(target, "check_target", None)
        if check is not None:
            check(selector)


def validate_initialize(config_type: type, params: Any, *, require_model: bool = True) -> Any:
    """What a generating backend checks at ``initialize``; returns the base config."""
    from kiln.errors import KilnError

    if require_model and params.project_model is None:
        raise KilnError("project model is required")
    config = parse_config(config_type, params.configuration)
    validate_target_configs(config_type, params.target_configuration)
    return config


def replace_if_nonempty(base: list, target: list) -> list:
    return list(target) if target else list(base)


def merge_map(base: dict, target: dict) -> dict:
    merged = dict(base)
    merged.update(target)
    return merged


def override(base, target):
    return target if target is not None else base
