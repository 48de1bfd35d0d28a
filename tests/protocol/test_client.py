"""The protocol client against real backends, broken ones included."""

from __future__ import annotations

import time

import pytest

from kiln.errors import BackendCrashedError, BackendError, BackendNotFoundError
from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess
from tests.conftest import PROJECTS, backend_exe


def test_missing_executable(tmp_path):
    with pytest.raises(BackendNotFoundError, match="appears to be missing"):
        BackendProcess([str(tmp_path / "pixi-build-nothing")])


def test_crash_mid_request_reports_exit_code_and_stderr_tail(tmp_path):
    streamed: list[str] = []
    with pytest.raises(BackendCrashedError) as info:
        with BackendProcess([str(PROJECTS / "backend-crashes-mid-build" / "fake-backend")], on_stderr=streamed.append) as b:
            b.negotiate_capabilities()
            b.initialize(t.InitializeParams(manifest_path=str(tmp_path / "pixi.toml")))
            b.conda_outputs(t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64", work_directory=str(tmp_path)))
    text = str(info.value)
    assert "exited prematurely (exit code 11)" in text and "conda/outputs" in text
    assert "segfault in the recipe parser (simulated)" in text
    assert "fake-backend: loading recipe" in streamed


def test_timeout_kills_the_backend_and_notifications_are_skipped(tmp_path):
    seen: list[str] = []
    b = BackendProcess([str(PROJECTS / "backend-hangs" / "fake-backend")], timeout=1.0, on_stderr=seen.append)
    b.negotiate_capabilities()  # a log/message notification arrives before the response
    assert seen == ["hello from a notification"]
    start = time.monotonic()
    with pytest.raises(BackendError, match="did not answer 'initialize' within 1 s"):
        b.initialize(t.InitializeParams(manifest_path=str(tmp_path)))
    assert time.monotonic() - start < 10
    assert b._proc.poll() is not None  # stopped, not left running


def test_backend_error_carries_the_diagnostic_message(tmp_path):
    with BackendProcess([backend_exe("pixi-build-rattler-build")]) as b:
        b.negotiate_capabilities()
        with pytest.raises(BackendError) as info:
            b.initialize(t.InitializeParams(manifest_path=str(tmp_path / "nothing-here.yaml")))
        assert info.value.code == -32000
        assert "no recipe found" in str(info.value)
        assert info.value.data["severity"] == "error"


def test_method_not_implemented_and_protocol_errors(tmp_path):
    with BackendProcess([backend_exe("pixi-build-rattler-build")]) as b:
        with pytest.raises(BackendError, match="does not implement the method 'conda/getMetadata'"):
            b.call("conda/getMetadata", {})
        with pytest.raises(BackendError, match="failed to communicate"):
            b.call("conda/outputs", {"hostPlatform": "linux-64"})  # before initialize: -32600


def test_backend_exits_zero_when_stdin_closes():
    b = BackendProcess([backend_exe("pixi-build-rattler-build")])
    b.negotiate_capabilities()
    assert b.close() == 0
