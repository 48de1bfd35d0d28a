"""Property test: random JSON (and random bytes) never crash the server or dirty stdout."""

from __future__ import annotations

import io
import json
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiln.cli.backends import RATTLER_BUILD
from kiln.protocol.server import Server
from tests.conftest import backend_exe

METHODS = ["negotiateCapabilities", "initialize", "conda/outputs", "conda/build_v1", "other", ""]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)

requests = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "2.0", "1.0"]), "method": st.sampled_from(METHODS)},
    optional={
        "id": st.none() | st.integers() | st.text(max_size=5) | json_values,
        "params": json_values
        | st.fixed_dictionaries(
            {},
            optional={
                "manifestPath": json_values | st.just("/nonexistent/recipe.yaml"),
                "projectModel": json_values,
                "configuration": json_values,
                "hostPlatform": json_values,
                "workDirectory": json_values,
                "output": json_values,
                "capabilities": json_values,
            },
        ),
    },
)

lines = st.one_of(
    requests.map(lambda r: json.dumps(r).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),
)


def _check_stdout(raw: bytes, sent_with_id: int) -> None:
    assert raw == b"" or raw.endswith(b"\n")
    for line in raw.splitlines():
        message = json.loads(line)
        assert isinstance(message, dict) and message["jsonrpc"] == "2.0"
        assert ("result" in message) != ("error" in message)
        assert "id" in message
        if "error" in message:
            assert isinstance(message["error"]["code"], int) and isinstance(message["error"]["message"], str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=8))
def test_random_input_in_process(batch):
    out = io.BytesIO()
    stdin = io.BytesIO(b"\n".join(batch) + b"\n")
    assert Server(RATTLER_BUILD, stdin, out).serve() == 0
    _check_stdout(out.getvalue(), len(batch))


@settings(max_examples=15, deadline=None)
@given(st.lists(lines, min_size=5, max_size=40))
def test_random_input_real_process(batch):
    payload = b"\n".join(batch) + b"\n" + json.dumps({"jsonrpc": "2.0", "id": "last", "method": "negotiateCapabilities", "params": {}}).encode() + b"\n"
    proc = subprocess.run([backend_exe("pixi-build-rattler-build")], input=payload, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_stdout(proc.stdout, len(batch))
    assert json.loads(proc.stdout.splitlines()[-1])["id"] == "last"  # still serving at the end
    assert b"Traceback" not in proc.stderr or b"internal error" not in proc.stderr
