"""Serve a backend over stdio: newline-delimited JSON-RPC 2.0 (spec §1).

Guarantees, whatever arrives on stdin:

* stdout carries nothing but one compact JSON response per line. At start the
  process moves its real stdout aside and points file descriptor 1 at stderr, so
  stray prints -- ours, a library's, or a build script's -- land on stderr;
* every request gets an answer: malformed JSON, invalid UTF-8, over-long lines,
  wrong params and handler failures become JSON-RPC errors and serving goes on;
* stdin EOF ends the process with exit code 0.

The state machine of spec §1.4: ``negotiateCapabilities`` any time, ``initialize``
exactly once, ``conda/outputs`` and ``conda/build_v1`` only after it. Debug files
(spec §8) are written under ``<workDirectory>/debug/``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, TYPE_CHECKING, Any, Callable

from kiln.protocol import jsonrpc, log
from kiln.protocol.jsonrpc import Rejected

if TYPE_CHECKING:
    from kiln.protocol.handler import Handler, HandlerFactory, HandlerSource


def _write_debug_file(directory: str, name: str, payload: Any) -> None:
    """Pretty-printed JSON (2-space indent), written atomically."""
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(payload, indent=2) + "\n")
    os.replace(tmp, os.path.join(directory, name))


class Server:
    """One backend process's request loop."""

    def __init__(
        self,
        descriptor: HandlerSource,
        stdin: IO[bytes],
        stdout: IO[bytes],
        *,
        factory: HandlerFactory | None = None,
        max_message_bytes: int = jsonrpc.MAX_MESSAGE_BYTES,
    ) -> None:
        self.descriptor = descriptor
        self._stdin = stdin
        self._stdout = stdout
        self._factory = factory
        self._max = max_message_bytes
        self._backend: Handler | None = None
        self._project_model_raw: Any = None
        self._project_model_written = False
        self._initialized = False

    # -- the loop ---------------------------------------------------------

    def serve(self) -> int:
        while True:
            line, complete = self._read_line()
            if line is None:
                return 0
            if line.strip():
                self._handle_line(line)
            if not complete:  # EOF in the middle of a line: answered it, now stop
                return 0

    def _read_line(self) -> tuple[bytes | None, bool]:
        """Next line without its terminator; ``(None, _)`` at EOF.

        A line longer than the limit is consumed to its end and replaced by a
        marker so that memory stays bounded.
        """
        chunk = self._stdin.readline(self._max + 1)
        if not chunk:
            return None, False
        if chunk.endswith(b"\n"):
            return chunk[:-1].rstrip(b"\r"), True
        if len(chunk) <= self._max:
            return chunk, False  # EOF without a final newline
        # over-long: drain the rest of this line
        while True:
            more = self._stdin.readline(1 << 20)
            if not more:
                return b"\0too-long", False
            if more.endswith(b"\n"):
                return b"\0too-long", True

    def _send(self, message: dict[str, Any]) -> None:
        try:
            data = jsonrpc.dumps_line(message)
        except (TypeError, ValueError):
            data = jsonrpc.dumps_line(
                jsonrpc.error_response(message.get("id"), jsonrpc.INTERNAL_ERROR, "response could not be encoded")
            )
        self._stdout.write(data)
        self._stdout.flush()

    def _handle_line(self, line: bytes) -> None:
        if line == b"\0too-long":
            self._send(
                jsonrpc.error_response(
                    None, jsonrpc.INVALID_REQUEST, f"message exceeds the limit of {self._max} bytes"
                )
            )
            return
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._send(jsonrpc.error_response(None, jsonrpc.PARSE_ERROR, f"Parse error: invalid UTF-8 ({exc.reason})"))
            return
        try:
            message = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self._send(jsonrpc.error_response(None, jsonrpc.PARSE_ERROR, f"Parse error: {exc}"))
            return
        if isinstance(message, list):
            self._send(jsonrpc.error_response(None, jsonrpc.INVALID_REQUEST, "batch requests are not supported"))
            return
        if not isinstance(message, dict):
            self._send(jsonrpc.error_response(None, jsonrpc.INVALID_REQUEST, "a request must be a JSON object"))
            return
        has_id = "id" in message
        request_id = message.get("id")
        if has_id and not (request_id is None or isinstance(request_id, (str, int)) and not isinstance(request_id, bool)):
            self._send(jsonrpc.error_response(None, jsonrpc.INVALID_REQUEST, "`id` must be a string, number or null"))
            return
        if message.get("jsonrpc") != "2.0" or not isinstance(message.get("method"), str):
            if has_id:
                self._send(
                    jsonrpc.error_response(
                        request_id, jsonrpc.INVALID_REQUEST, "Invalid request: expected jsonrpc \"2.0\" and a method"
                    )
                )
            return
        if not has_id:
            log.debug(f"ignoring notification `{message['method']}`")
            return
        try:
            result = self._dispatch(message["method"], message.get("params", {}))
        except Rejected as rej:
            self._send(jsonrpc.error_response(request_id, rej.code, rej.message, rej.data))
            return
        self._send(jsonrpc.result_response(request_id, result))

    # -- dispatch ---------------------------------------------------------

    def _dispatch(self, method: str, params: Any) -> Any:
        handler = {
            jsonrpc.METHOD_NEGOTIATE: self._negotiate,
            jsonrpc.METHOD_INITIALIZE: self._initialize,
            jsonrpc.METHOD_CONDA_OUTPUTS: self._conda_outputs,
            jsonrpc.METHOD_CONDA_BUILD_V1: self._conda_build_v1,
        }.get(method)
        if handler is None:
            raise Rejected(jsonrpc.METHOD_NOT_FOUND, f"Method not found: {method}")
        if not isinstance(params, dict):
            raise Rejected(jsonrpc.INVALID_PARAMS, "Invalid params: expected a JSON object")
        return handler(params)

    def _negotiate(self, params: dict[str, Any]) -> Any:
        caps = params.get("capabilities", {})
        if not isinstance(caps, dict):
            raise Rejected(jsonrpc.INVALID_PARAMS, "Invalid params: `capabilities` must be an object")
        return {"capabilities": {"providesCondaOutputs": True, "providesCondaBuildV1": True}}

    def _initialize(self, params: dict[str, Any]) -> Any:
        if self._initialized:
            raise Rejected(jsonrpc.INVALID_REQUEST, "Invalid request: the backend is already initialized")
        from kiln.protocol import types

        init = _convert(params, types.InitializeParams)
        factory = self._factory or self.descriptor.load()
        self._backend = _run_handler(lambda: factory(init))
        self._initialized = True
        self._project_model_raw = params.get("projectModel")
        return {}

    def _require_backend(self) -> Handler:
        if self._backend is None:
            raise Rejected(jsonrpc.INVALID_REQUEST, "Invalid request: `initialize` must be called first")
        return self._backend

    def _conda_outputs(self, params: dict[str, Any]) -> Any:
        from kiln.protocol import types

        backend = self._require_backend()
        typed = _convert(params, types.CondaOutputsParams)
        return self._with_debug_files(
            typed.work_directory, "conda_outputs", params, lambda: backend.conda_outputs(typed)
        )

    def _conda_build_v1(self, params: dict[str, Any]) -> Any:
        from kiln.protocol import types

        backend = self._require_backend()
        typed = _convert(params, types.CondaBuildV1Params)
        return self._with_debug_files(
            typed.work_directory, "conda_build_v1", params, lambda: backend.conda_build_v1(typed)
        )

    def _with_debug_files(self, work_dir: str, stem: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        from kiln.protocol import types

        debug_dir = os.path.join(work_dir, "debug")
        if not self._project_model_written and self._project_model_raw is not None:
            _write_debug_or_reject(debug_dir, "project_model.json", self._project_model_raw)
            self._project_model_written = True
        _write_debug_or_reject(debug_dir, f"{stem}_params.json", params)
        try:
            result = types.to_builtins(_run_handler(call))
        except Rejected as rej:
            try:
                _write_debug_file(debug_dir, f"{stem}_error.json", jsonrpc.error_object(rej.code, rej.message, rej.data))
            except OSError:
                pass
            raise
        _write_debug_or_reject(debug_dir, f"{stem}_response.json", result)
        return result


def _write_debug_or_reject(directory: str, name: str, payload: Any) -> None:
    """As upstream: a debug file that cannot be written fails the request."""
    try:
        _write_debug_file(directory, name, payload)
    except OSError as exc:
        raise Rejected(
            jsonrpc.BACKEND_ERROR,
            "failed to write debug files",
            jsonrpc.diagnostic(f"failed to write debug files to {directory}: {exc}"),
        ) from None


def _convert(params: dict[str, Any], type_: type) -> Any:
    import msgspec

    try:
        return msgspec.convert(params, type_)
    except msgspec.ValidationError as exc:
        raise Rejected(jsonrpc.INVALID_PARAMS, f"Invalid params: {exc}") from None


def _run_handler(call: Callable[[], Any]) -> Any:
    """Run a handler; user-facing failures become -32000 with a diagnostic."""
    from kiln.errors import KilnError

    try:
        return call()
    except Rejected:
        raise
    except KilnError as exc:
        log.error(str(exc))
        data = getattr(exc, "data", None) or jsonrpc.diagnostic(str(exc))
        raise Rejected(jsonrpc.BACKEND_ERROR, exc.message, data) from None
    except Exception as exc:  # a bug in a backend must not kill the server
        import traceback

        tb = traceback.format_exc()
        sys.stderr.write(tb)
        message = f"internal error in the backend: {type(exc).__name__}: {exc}"
        raise Rejected(jsonrpc.BACKEND_ERROR, message, jsonrpc.diagnostic(message, causes=[tb])) from None


def serve_stdio(descriptor: HandlerSource) -> int:
    """Serve on this process's stdin/stdout; returns the exit code."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer
    server = Server(descriptor, stdin, protocol_out)
    try:
        return server.serve()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
