"""Spawn a backend executable and call it over stdio (the front end's side).

The client always drains the backend's stderr on a thread -- unlike pixi, which
reads it only while a request is in flight, so a chatty backend cannot block on a
full pipe here. The last lines are kept for error reports and optionally streamed
to a callback (``kiln build -v``). Responses are read on a second thread so that a
request can time out cleanly: the process is killed and a ``BackendError`` raised.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import signal
import subprocess
import threading
from typing import Any, Callable, Sequence

from kiln.errors import BackendCrashedError, BackendError, BackendNotFoundError
from kiln.protocol import jsonrpc
from kiln.protocol import types as t

_EOF = object()


class BackendProcess:
    """A running backend with typed calls for the four protocol methods."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        on_stderr: Callable[[str], None] | None = None,
        timeout: float = 86_400.0,
        stderr_lines: int = 200,
        new_session: bool = False,
    ) -> None:
        """``new_session``: the backend leads a process group of its own, and :meth:`kill`
        ends the whole group (the build scripts it started too)."""
        self.command = list(command)
        self._new_session = new_session
        self.timeout = timeout
        self._on_stderr = on_stderr
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=stderr_lines)
        self._responses: queue.Queue[Any] = queue.Queue()
        self._next_id = 0
        self._lock = threading.Lock()
        try:
            self._proc = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=cwd,
                start_new_session=new_session,
            )
        except FileNotFoundError:
            raise BackendNotFoundError(
                f"the build backend executable '{self.command[0]}' appears to be missing"
            ) from None
        except PermissionError:
            raise BackendNotFoundError(f"the build backend executable '{self.command[0]}' is not executable") from None
        self._stderr_thread = threading.Thread(target=self._pump_stderr, daemon=True)
        self._stdout_thread = threading.Thread(target=self._pump_stdout, daemon=True)
        self._stderr_thread.start()
        self._stdout_thread.start()

    # -- plumbing ---------------------------------------------------------

    @property
    def name(self) -> str:
        return os.path.basename(self.command[0])

    def _pump_stderr(self) -> None:
        assert self._proc.stderr is not None
        for raw in self._proc.stderr:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            self._stderr_tail.append(line)
            if self._on_stderr is not None:
                try:
                    self._on_stderr(line)
                except Exception:  # a display problem must not stop draining
                    pass

    def _pump_stdout(self) -> None:
        assert self._proc.stdout is not None
        for raw in self._proc.stdout:
            self._responses.put(raw)
        self._responses.put(_EOF)

    def stderr_tail(self, lines: int = 40) -> str:
        if self._proc.poll() is not None:
            self._stderr_thread.join(timeout=0.5)
        return "\n".join(list(self._stderr_tail)[-lines:])

    def call(self, method: str, params: Any) -> Any:
        """Send one request and wait for its response (one request at a time)."""
        with self._lock:
            request_id = self._next_id
            self._next_id += 1
            line = jsonrpc.dumps_line(jsonrpc.request(request_id, method, params))
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(line)
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError):
                raise self._crashed(method) from None
            return self._await(request_id, method)

    def _await(self, request_id: int, method: str) -> Any:
        while True:
            try:
                raw = self._responses.get(timeout=self.timeout)
            except queue.Empty:
                self.kill()
                raise BackendError(
                    f"the build backend ({self.name}) did not answer '{method}' within {self.timeout:g} s; it was stopped"
                ) from None
            if raw is _EOF:
                raise self._crashed(method)
            try:
                message = json.loads(raw)
            except ValueError:
                raise BackendError(
                    f"received invalid response from the build backend ({self.name}) when calling '{method}'"
                ) from None
            if not isinstance(message, dict):
                raise BackendError(f"received invalid response from the build backend ({self.name})")
            if "id" not in message:  # a notification, e.g. log/message: show it, keep waiting
                self._notification(message)
                continue
            if message.get("id") != request_id:
                raise BackendError(
                    f"the build backend ({self.name}) answered request {message.get('id')!r}, expected {request_id}"
                )
            if "error" in message:
                raise self._error(method, message["error"])
            return message.get("result")

    def _notification(self, message: dict[str, Any]) -> None:
        params = message.get("params")
        if self._on_stderr is not None and isinstance(params, dict) and isinstance(params.get("message"), str):
            self._on_stderr(params["message"])

    def _crashed(self, method: str) -> BackendCrashedError:
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr_thread.join(timeout=2)
        status = f" (exit code {code})" if code is not None else ""
        return BackendCrashedError(
            f"the build backend ({self.name}) exited prematurely{status} while answering '{method}'",
            stderr_tail=self.stderr_tail(),
        )

    def _error(self, method: str, error: Any) -> BackendError:
        if not isinstance(error, dict):
            return BackendError(f"failed to communicate with the build backend ({self.name})")
        code = error.get("code")
        data = error.get("data")
        if code == jsonrpc.METHOD_NOT_FOUND:
            return BackendError(f"the build backend ({self.name}) does not implement the method '{method}'", code=code)
        if isinstance(code, int) and code > -32001:
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, str) or not message:
                message = str(error.get("message") or "")
            return BackendError(message, code=code, data=data if isinstance(data, dict) else None)
        return BackendError(
            f"failed to communicate with the build backend ({self.name}): {error.get('message')}",
            code=code if isinstance(code, int) else jsonrpc.INTERNAL_ERROR,
        )

    # -- typed methods ----------------------------------------------------

    def negotiate_capabilities(self) -> t.NegotiateCapabilitiesResult:
        result = self.call(jsonrpc.METHOD_NEGOTIATE, {"capabilities": {}})
        return _typed(result, t.NegotiateCapabilitiesResult, self.name)

    def initialize(self, params: t.InitializeParams) -> None:
        self.call(jsonrpc.METHOD_INITIALIZE, t.to_builtins(params))

    def conda_outputs(self, params: t.CondaOutputsParams) -> t.CondaOutputsResult:
        result = self.call(jsonrpc.METHOD_CONDA_OUTPUTS, t.to_builtins(params))
        return _typed(result, t.CondaOutputsResult, self.name)

    def conda_build_v1(self, params: t.CondaBuildV1Params) -> t.CondaBuildV1Result:
        result = self.call(jsonrpc.METHOD_CONDA_BUILD_V1, t.to_builtins(params))
        return _typed(result, t.CondaBuildV1Result, self.name)

    # -- lifetime ---------------------------------------------------------

    def close(self, timeout: float = 10.0) -> int | None:
        """Close stdin (the backend exits on EOF) and wait for it."""
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        except OSError:
            pass
        try:
            return self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        if self._new_session:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._proc.poll() is None:
            self._proc.kill()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    @property
    def pid(self) -> int:
        return self._proc.pid

    def __enter__(self) -> BackendProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.kill()


def _typed(result: Any, type_: type, backend: str) -> Any:
    import msgspec

    try:
        return msgspec.convert(result, type_)
    except msgspec.ValidationError as exc:
        raise BackendError(f"received an invalid result from the build backend ({backend}): {exc}") from None
