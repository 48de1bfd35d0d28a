"""pixi-build-python's ``initialize``: validate with light modules, build the backend later.

Only the configuration Struct and the SDK's validation are imported here; the
backend proper (recipe model, pyproject reader, templates) loads on the first
``conda/outputs`` or ``conda/build_v1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.backend.api import DeferredBackend
from kiln.backend.config import validate_initialize
from kiln.backends.python.config import PythonConfig

if TYPE_CHECKING:
    from kiln.protocol.types import InitializeParams


def create(params: InitializeParams) -> DeferredBackend:
    validate_initialize(PythonConfig, params)
    return DeferredBackend(params, "kiln.backends.python.backend:create")
