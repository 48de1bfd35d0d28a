"""The interface a build backend implements, and how an executable names it.

A :class:`BackendDescriptor` is what a ``pixi-build-*`` executable knows before any
request arrives: its name, its version and where its implementation lives. The
implementation module is imported only when ``initialize`` arrives, so answering
``negotiateCapabilities`` never pays for heavy imports.

:class:`Backend` is one initialized backend. ``initialize`` creates it from the
initialize params (validating configuration there), then the server forwards
``conda/outputs`` and ``conda/build_v1`` to it.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from kiln.protocol.types import (
        CondaBuildV1Params,
        CondaBuildV1Result,
        CondaOutputsParams,
        CondaOutputsResult,
        InitializeParams,
    )


class Backend(ABC):
    """An initialized backend: answers ``conda/outputs`` and ``conda/build_v1``."""

    @abstractmethod
    def conda_outputs(self, params: CondaOutputsParams) -> CondaOutputsResult:
        """Which packages the source produces for a platform, without building."""

    @abstractmethod
    def conda_build_v1(self, params: CondaBuildV1Params) -> CondaBuildV1Result:
        """Build one output into a ``.conda`` archive."""

    def render_recipe(self, host_platform: str, build_platform: str) -> str:
        """The recipe text this backend would hand to rattler-build (for ``render``)."""
        raise NotImplementedError


class DeferredBackend(Backend):
    """A backend validated at ``initialize`` and built on its first real request.

    ``initialize`` must be fast (pixi starts backends often) but must still reject a
    bad configuration; a language backend's full module graph (recipe model,
    templates, metadata readers) is only needed once ``conda/outputs`` arrives. The
    light entry module validates, and returns one of these.
    """

    def __init__(self, params: InitializeParams, factory: str) -> None:
        self.params = params
        self._factory = factory
        self._real: Backend | None = None

    @property
    def real(self) -> Backend:
        if self._real is None:
            module, _, attr = self._factory.partition(":")
            self._real = getattr(importlib.import_module(module), attr)(self.params)
        return self._real

    def conda_outputs(self, params: CondaOutputsParams) -> CondaOutputsResult:
        return self.real.conda_outputs(params)

    def conda_build_v1(self, params: CondaBuildV1Params) -> CondaBuildV1Result:
        return self.real.conda_build_v1(params)

    def render_recipe(self, host_platform: str, build_platform: str) -> str:
        return self.real.render_recipe(host_platform, build_platform)


class BackendDescriptor:
    """Identity of a backend executable and the lazy path to its implementation.

    ``factory`` is ``"module:attribute"`` of a callable ``(InitializeParams) -> Backend``.
    (A plain class: ``dataclasses`` alone would double a backend's start-up time.)
    """

    __slots__ = ("name", "factory")

    def __init__(self, name: str, factory: str) -> None:
        self.name = name
        self.factory = factory

    def __repr__(self) -> str:
        return f"BackendDescriptor({self.name!r}, {self.factory!r})"

    def load(self) -> Callable[[InitializeParams], Backend]:
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)

    @property
    def version(self) -> str:
        from kiln import __version__

        return __version__
