"""pixi-build-cmake's ``initialize``: validate with light modules, build the backend later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.cmake.config import CMakeConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(CMakeConfig, params)
    return DeferredBackend(params, "kiln.backends.cmake.backend:create")
