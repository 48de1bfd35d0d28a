"""The stdio server's state machine and its answers to bad input (in-process)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiln.cli.backends import RATTLER_BUILD
from kiln.protocol import jsonrpc
from kiln.protocol.server import Server

PROJECTS = Path(__file__).parents[1] / "projects"
RECIPE = PROJECTS / "recipe-hello" / "recipe.yaml"


def negotiate(i=0):
    return {"jsonrpc": "2.0", "id": i, "method": "negotiateCapabilities", "params": {"capabilities": {}}}


def initialize(i=1, **overrides):
    params = {
        "manifestPath": str(RECIPE),
        "sourceDirectory": str(RECIPE.parent),
        "workspaceDirectory": str(RECIPE.parent),
        "cacheDirectory": None,
        "workspaceScratchDirectory": None,
        "projectModel": None,
        "configuration": None,
        "targetConfiguration": None,
    }
    params.update(overrides)
    return {"jsonrpc": "2.0", "id": i, "method": "initialize", "params": params}


def outputs(work: Path, i=2):
    return {
        "jsonrpc": "2.0",
        "id": i,
        "method": "conda/outputs",
        "params": {"channels": [], "hostPlatform": "linux-64", "buildPlatform": "linux-64",
                   "variantConfiguration": None, "variantFiles": None, "workDirectory": str(work)},
    }  # fmt: skip


def run(*lines: bytes | dict, max_bytes: int | None = None) -> tuple[int, list[dict]]:
    data = b"".join(json.dumps(x).encode() + b"\n" if isinstance(x, dict) else x for x in lines)
    out = io.BytesIO()
    kwargs = {"max_message_bytes": max_bytes} if max_bytes else {}
    code = Server(RATTLER_BUILD, io.BytesIO(data), out, **kwargs).serve()
    raw = out.getvalue()
    assert raw == b"" or raw.endswith(b"\n")
    return code, [json.loads(line) for line in raw.splitlines()]


def error_code(response: dict) -> int:
    assert "result" not in response, response
    return response["error"]["code"]


def test_happy_sequence_and_exit_on_eof(tmp_path):
    code, (r0, r1, r2) = run(negotiate(), initialize(), outputs(tmp_path))
    assert code == 0
    assert r0 == {"jsonrpc": "2.0", "result": {"capabilities": {"providesCondaOutputs": True, "providesCondaBuildV1": True}}, "id": 0}
    assert r1 == {"jsonrpc": "2.0", "result": {}, "id": 1}
    assert r2["id"] == 2 and r2["result"]["outputs"][0]["metadata"]["name"] == "recipe-hello"


def test_negotiate_is_answered_in_any_state(tmp_path):
    _, responses = run(initialize(0), negotiate(1), outputs(tmp_path, 2), negotiate(3))
    assert [("result" in r) for r in responses] == [True, True, True, True]


def test_malformed_json_is_a_parse_error_and_serving_goes_on():
    _, (bad, good) = run(b'{"jsonrpc": "2.0", "id": 1, "method": \n', negotiate(2))
    assert error_code(bad) == jsonrpc.PARSE_ERROR and bad["id"] is None
    assert good["id"] == 2 and "result" in good


@pytest.mark.parametrize("params", [[1, 2], "text", 3, None, True])
def test_non_object_params_are_invalid_params(params):
    _, (bad, good) = run({"jsonrpc": "2.0", "id": 7, "method": "negotiateCapabilities", "params": params}, negotiate(8))
    assert error_code(bad) == jsonrpc.INVALID_PARAMS and bad["id"] == 7
    assert "result" in good


def test_unknown_method():
    _, (bad, good) = run({"jsonrpc": "2.0", "id": 3, "method": "conda/getMetadata", "params": {}}, negotiate(4))
    assert error_code(bad) == jsonrpc.METHOD_NOT_FOUND
    assert "result" in good


def test_wrong_param_types_are_invalid_params(tmp_path):
    _, responses = run(
        initialize(1, manifestPath=42),
        initialize(2, projectModel={"name": ["not", "a", "string"]}),
        initialize(3),
        {**outputs(tmp_path, 4), "params": {"hostPlatform": 64, "buildPlatform": "linux-64", "workDirectory": "/w"}},
        outputs(tmp_path, 5),
    )
    assert [error_code(r) for r in responses[:2]] == [jsonrpc.INVALID_PARAMS, jsonrpc.INVALID_PARAMS]
    assert "manifestPath" in responses[0]["error"]["message"]
    assert responses[2]["result"] == {}  # the failed initialize calls did not count
    assert error_code(responses[3]) == jsonrpc.INVALID_PARAMS
    assert "result" in responses[4]


def test_calls_before_initialize_are_invalid_requests(tmp_path):
    build = {"jsonrpc": "2.0", "id": 2, "method": "conda/build_v1", "params": {"output": {"name": "x", "subdir": "noarch"}, "workDirectory": str(tmp_path)}}
    _, (r1, r2) = run(outputs(tmp_path, 1), build)
    assert error_code(r1) == jsonrpc.INVALID_REQUEST and "initialize" in r1["error"]["message"]
    assert error_code(r2) == jsonrpc.INVALID_REQUEST


def test_second_initialize_is_an_invalid_request():
    _, (r1, r2) = run(initialize(1), initialize(2))
    assert r1["result"] == {}
    assert error_code(r2) == jsonrpc.INVALID_REQUEST


def test_backend_error_on_initialize_is_32000_with_a_diagnostic(tmp_path):
    _, (r,) = run(initialize(1, manifestPath=str(tmp_path / "pixi.toml")))
    assert error_code(r) == jsonrpc.BACKEND_ERROR
    data = r["error"]["data"]
    assert "no recipe found" in data["message"]
    assert {"message", "severity", "causes", "labels", "related"} <= set(data)


def test_over_long_line_is_rejected_without_buffering_it_and_serving_goes_on():
    huge = b'{"jsonrpc":"2.0","id":1,"method":"negotiateCapabilities","params":{"pad":"' + b"x" * 2_000_000 + b'"}}\n'
    _, (bad, good) = run(huge, negotiate(2), max_bytes=1_000_000)
    assert error_code(bad) == jsonrpc.INVALID_REQUEST and "limit" in bad["error"]["message"]
    assert good["id"] == 2 and "result" in good


def test_ten_megabyte_request_within_the_limit_is_answered():
    pad = "x" * 10_000_000
    _, (r, good) = run({**negotiate(1), "params": {"capabilities": {}, "pad": pad}}, negotiate(2))
    assert "result" in r and "result" in good


def test_invalid_utf8_is_a_parse_error():
    _, (bad, good) = run(b'{"jsonrpc":"2.0","id":1,"method":"\xff\xfe"}\n', negotiate(2))
    assert error_code(bad) == jsonrpc.PARSE_ERROR and "UTF-8" in bad["error"]["message"]
    assert "result" in good


def test_eof_in_the_middle_of_a_line():
    # a complete message without its newline is still answered; garbage gets an error
    code, (r,) = run(json.dumps(negotiate(5)).encode())
    assert code == 0 and r["id"] == 5
    code, (r,) = run(b'{"jsonrpc":"2.0","id":6,"meth')
    assert code == 0 and error_code(r) == jsonrpc.PARSE_ERROR


@pytest.mark.parametrize(
    "message",
    [
        b"[]\n",
        b'[{"jsonrpc":"2.0","id":1,"method":"negotiateCapabilities","params":{}}]\n',
        b"42\n",
        b'"text"\n',
        b'{"jsonrpc":"1.0","id":1,"method":"negotiateCapabilities","params":{}}\n',
        b'{"jsonrpc":"2.0","id":{"a":1},"method":"negotiateCapabilities","params":{}}\n',
        b'{"jsonrpc":"2.0","id":1,"method":5}\n',
    ],
)
def test_invalid_requests(message):
    _, (bad, good) = run(message, negotiate(9))
    assert error_code(bad) == jsonrpc.INVALID_REQUEST
    assert good["id"] == 9


def test_notifications_get_no_response_and_blank_lines_are_skipped():
    _, responses = run({"jsonrpc": "2.0", "method": "negotiateCapabilities", "params": {}}, b"\n\r\n", negotiate(1))
    assert [r["id"] for r in responses] == [1]


def test_debug_files_are_written(tmp_path):
    model = {"name": "recipe-hello", "version": "0.1.0", "targets": {"defaultTarget": {"runDependencies": {}}}}
    run(initialize(1, projectModel=model), outputs(tmp_path, 2))
    debug = tmp_path / "debug"
    assert json.loads((debug / "project_model.json").read_text()) == model
    assert json.loads((debug / "conda_outputs_params.json").read_text())["workDirectory"] == str(tmp_path)
    response = json.loads((debug / "conda_outputs_response.json").read_text())
    assert response["outputs"][0]["metadata"]["name"] == "recipe-hello"
    assert (debug / "conda_outputs_response.json").read_text().startswith('{\n  "outputs"')  # 2-space pretty JSON


def test_debug_error_file_and_no_project_model_for_recipe_discovery(tmp_path):
    bad = {**outputs(tmp_path, 2)}
    bad["params"] = {**bad["params"], "variantFiles": [str(tmp_path / "missing-variants.yaml")]}
    _, (_, r) = run(initialize(1), bad)
    assert error_code(r) == jsonrpc.BACKEND_ERROR
    err = json.loads((tmp_path / "debug" / "conda_outputs_error.json").read_text())
    assert err["code"] == -32000 and "missing-variants.yaml" in err["data"]["message"]
    assert not (tmp_path / "debug" / "project_model.json").exists()
