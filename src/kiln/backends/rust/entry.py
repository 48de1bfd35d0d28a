"""pixi-build-rust's ``initialize``: validate with light modules, build the backend later.

Only the configuration Struct and the SDK's validation are imported here; the
backend proper (recipe model, Cargo.toml reader, script) loads on the first
``conda/outputs`` or ``conda/build_v1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.rust.config import RustConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(RustConfig, params)
    return DeferredBackend(params, "kiln.backends.rust.backend:create")
