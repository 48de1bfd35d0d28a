"""A backend started by hand on a terminal says what it waits for; started by pixi
(stdin a pipe) it says nothing."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import backend_exe
from tests.terminal import Terminal, plain

BACKENDS = ["pixi-build-python", "pixi-build-rattler-build"]


@pytest.mark.parametrize("name", BACKENDS)
def test_on_a_terminal_the_bare_backend_says_it_speaks_json_rpc_on_stdin(name):
    term = Terminal([backend_exe(name)])
    text = term.wait_for(lambda text: "\n" in text, timeout=60)
    term.send(b"\x04")  # Ctrl-D: end of input, the backend leaves
    code, text, stdout = term.finish(timeout=60)
    lines = plain(text).replace("\x04", "").replace("^D", "").strip().splitlines()
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith(f"{name}: ") and "JSON-RPC" in line and "stdin" in line
    assert f"`{name} --help`" in line and f"`{name} render <manifest>`" in line
    assert code == 0 and stdout == ""


@pytest.mark.parametrize("name", BACKENDS)
def test_with_stdin_a_pipe_the_backend_prints_no_hint_even_to_a_terminal(name):
    term = Terminal([backend_exe(name)], stdin_tty=False)  # stderr is still a terminal
    term.proc.stdin.close()
    code, text, _ = term.finish(timeout=60)
    assert code == 0
    assert "JSON-RPC" not in text and plain(text).strip() == ""


@pytest.mark.parametrize("name", BACKENDS)
def test_as_pixi_runs_it_all_pipes_stderr_is_empty(name):
    proc = subprocess.run([backend_exe(name)], input=b"", capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert b"JSON-RPC" not in proc.stderr and proc.stderr == b""
