"""pixi-build-r's ``initialize``: validate the configuration, build the backend later.

Only the configuration Struct is imported here; the DESCRIPTION reader, recipe model
and templates load on the first ``conda/outputs`` or ``conda/build_v1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.r.config import RConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(RConfig, params)
    return DeferredBackend(params, "kiln.backends.r.backend:create")
