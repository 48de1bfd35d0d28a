"""What the stdio server serves: the handler interface, typed here so the server needs no SDK.

The server knows requests and responses, not backends. A backend (``kiln.backend``)
satisfies :class:`Handler` structurally; its descriptor satisfies
:class:`HandlerSource`. Nothing here is imported at run time by the server, so
these types cost a backend's start-up nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from kiln.protocol.types import (
        CondaBuildV1Params,
        CondaBuildV1Result,
        CondaOutputsParams,
        CondaOutputsResult,
        InitializeParams,
    )


class Handler(Protocol):
    """One initialized backend: answers ``conda/outputs`` and ``conda/build_v1``."""

    def conda_outputs(self, params: CondaOutputsParams) -> CondaOutputsResult: ...

    def conda_build_v1(self, params: CondaBuildV1Params) -> CondaBuildV1Result: ...


#: Called with the ``initialize`` params; validates them and returns the handler.
HandlerFactory = Callable[["InitializeParams"], Handler]


class HandlerSource(Protocol):
    """Where a server finds its handler factory once ``initialize`` arrives (lazily)."""

    name: str

    def load(self) -> HandlerFactory: ...
