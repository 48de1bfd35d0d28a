"""JSON-RPC 2.0 framing as pixi uses it: one compact JSON object per line.

This module has no third-party imports so that a backend can answer its first
requests quickly. Error objects follow spec §7: backend failures use code -32000
with a miette-shaped ``data`` object whose ``message`` is what pixi shows.
"""

from __future__ import annotations

import json
from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
BACKEND_ERROR = -32000

#: Largest request line a server accepts (bytes, newline excluded).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

METHOD_NEGOTIATE = "negotiateCapabilities"
METHOD_INITIALIZE = "initialize"
METHOD_CONDA_OUTPUTS = "conda/outputs"
METHOD_CONDA_BUILD_V1 = "conda/build_v1"


def diagnostic(message: str, *, causes: list[str] | None = None, help: str | None = None) -> dict[str, Any]:
    """A miette JSON report with the keys pixi reads (spec §7.1)."""
    data: dict[str, Any] = {
        "message": message,
        "severity": "error",
        "causes": causes or [],
        "filename": "",
        "labels": [],
        "related": [],
    }
    if help:
        data["help"] = help
    return data


def error_object(code: int, message: str, data: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return err


def error_response(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": error_object(code, message, data), "id": request_id}


def result_response(request_id: Any, result: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "result": result, "id": request_id}


def request(request_id: int, method: str, params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}


def dumps_line(message: Any) -> bytes:
    """Compact JSON + ``\\n``. ``ensure_ascii`` keeps the line free of raw newlines."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=True).encode("ascii") + b"\n"


class Rejected(Exception):
    """A request that gets a JSON-RPC error response instead of a result."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
