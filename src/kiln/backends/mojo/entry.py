"""pixi-build-mojo's ``initialize``: validate the configuration, build the backend later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.mojo.config import MojoConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(MojoConfig, params)
    return DeferredBackend(params, "kiln.backends.mojo.backend:create")
