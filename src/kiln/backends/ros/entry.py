"""pixi-build-ros's ``initialize``: validate the configuration, build the backend later.

Only the configuration Struct is imported here; package.xml parsing, the RoboStack
table and the templates load on the first ``conda/outputs`` or ``conda/build_v1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.ros.config import RosConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(RosConfig, params, require_model=False)
    return DeferredBackend(params, "kiln.backends.ros.backend:create")
