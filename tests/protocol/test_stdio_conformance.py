"""The real pixi-build-rattler-build executable, driven over stdio the way pixi does.

The message sequence is spec Appendix A's: negotiateCapabilities, initialize,
conda/outputs, conda/outputs again with the build work directory, conda/build_v1.
Every response is checked against the wire types, and the built archive is opened.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import msgspec
import pytest

from kiln.protocol import types as t
from tests.conftest import PROJECTS, backend_exe
from tests.helpers import extract, read_index

EXE = "pixi-build-rattler-build"


class Raw:
    """A line-by-line JSON-RPC peer on a real backend process (no kiln client)."""

    def __init__(self, tmp: Path):
        self.stderr = (tmp / "stderr.log").open("wb")
        self.proc = subprocess.Popen([backend_exe(EXE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.next_id = 0

    def send_line(self, line: bytes) -> dict:
        self.proc.stdin.write(line)
        self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        assert out.endswith(b"\n"), out
        return json.loads(out)

    def call(self, method: str, params) -> dict:
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.next_id += 1
        # pixi deletes newlines from the serialized message and appends one
        response = self.send_line(json.dumps(msg).replace("\n", "").encode() + b"\n")
        assert response["jsonrpc"] == "2.0" and response["id"] == msg["id"]
        return response

    def close(self) -> int:
        self.proc.stdin.close()
        rest = self.proc.stdout.read()
        code = self.proc.wait(timeout=30)
        self.stderr.close()
        assert rest == b"", f"unexpected bytes on stdout after the last response: {rest!r}"
        return code


def test_pixi_message_sequence_with_a_real_build(tmp_path):
    recipe = PROJECTS / "recipe-hello" / "recipe.yaml"
    channel = tmp_path / "channel"
    (channel / "noarch").mkdir(parents=True)
    meta_work = tmp_path / "ws" / ".pixi" / "meta-v0" / "recipe-hello-AbC" / "work" / "recipe-hello-XyZ"
    build_work = tmp_path / "ws" / ".pixi" / "bld" / "recipe-hello" / "Qw"

    peer = Raw(tmp_path)
    r = peer.call("negotiateCapabilities", {"capabilities": {}})
    caps = msgspec.convert(r["result"], t.NegotiateCapabilitiesResult).capabilities
    assert caps.provides_conda_outputs and caps.provides_conda_build_v1

    r = peer.call("initialize", {
        "manifestPath": str(recipe), "sourceDirectory": str(recipe.parent), "workspaceDirectory": str(recipe.parent),
        "cacheDirectory": str(tmp_path / "cache"), "workspaceScratchDirectory": str(tmp_path / "ws" / ".pixi" / "scratch-v0"),
        "projectModel": None, "configuration": None, "targetConfiguration": None,
    })  # fmt: skip
    assert r["result"] == {}

    outputs_params = {
        "channels": [str(channel)], "hostPlatform": "linux-64", "buildPlatform": "linux-64",
        "variantConfiguration": {}, "variantFiles": [], "workDirectory": str(meta_work),
    }  # fmt: skip
    r = peer.call("conda/outputs", outputs_params)
    result = msgspec.convert(r["result"], t.CondaOutputsResult)
    assert r["result"]["inputGlobs"] == ["variants.yaml", "recipe.yaml"]
    (output,) = result.outputs
    meta = output.metadata
    assert (meta.name, meta.version, meta.subdir, meta.noarch) == ("recipe-hello", "0.1.0", "linux-64", False)
    assert meta.variant == {"target_platform": "linux-64"}
    assert meta.build.startswith("h") and meta.build.endswith("_0")

    # pixi asks again with the build work directory right before building
    r = peer.call("conda/outputs", {**outputs_params, "workDirectory": str(build_work)})
    assert r["result"] == msgspec.to_builtins(result)

    r = peer.call("conda/build_v1", {
        "channels": [str(channel)], "buildPrefix": None, "hostPrefix": None,
        "runDependencies": None, "runConstraints": None, "runExports": None, "extraDependencies": {},
        "output": {"name": meta.name, "version": meta.version, "build": meta.build, "subdir": meta.subdir, "variant": meta.variant},
        "workDirectory": str(build_work), "outputDirectory": None, "editable": False, "packageFormat": None,
    })  # fmt: skip
    assert set(r["result"]) == {"output_file", "input_globs", "name", "version", "build", "subdir"}
    built = msgspec.convert(r["result"], t.CondaBuildV1Result)
    assert (built.name, built.version, built.build, built.subdir) == (meta.name, meta.version, meta.build, meta.subdir)
    archive = Path(built.output_file)
    assert archive == build_work / "output" / "linux-64" / f"recipe-hello-0.1.0-{meta.build}.conda"
    assert built.input_globs == ["**"]

    index = read_index(archive)
    assert (index["name"], index["version"], index["build_string"], index["subdir"]) == (
        meta.name, meta.version, meta.build, meta.subdir,
    )  # fmt: skip
    files = extract(archive, tmp_path / "unpacked")
    assert (files / "share" / "recipe-hello" / "message.txt").read_text() == "hello from recipe-hello\n"
    out = subprocess.run([files / "bin" / "recipe-hello"], capture_output=True, text=True, check=True).stdout
    assert out == "hello from recipe-hello\n"

    assert peer.close() == 0
    # debug files of spec §8 in both work directories
    for name in ("conda_outputs_params.json", "conda_outputs_response.json"):
        assert (meta_work / "debug" / name).is_file()
    for name in ("conda_build_v1_params.json", "conda_build_v1_response.json", "recipe.yaml"):
        assert (build_work / "debug" / name).is_file(), name
    assert "recipe-hello build script ran" in (tmp_path / "stderr.log").read_text()


def test_stdout_carries_only_responses_even_when_the_build_prints(tmp_path):
    """Build scripts and libraries print freely; none of it may reach stdout."""
    recipe = PROJECTS / "recipe-hello" / "recipe.yaml"
    work = tmp_path / "w"
    lines = [
        {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"manifestPath": str(recipe)}},
        {"jsonrpc": "2.0", "id": 1, "method": "conda/build_v1", "params": {
            "output": {"name": "recipe-hello", "subdir": "linux-64", "variant": {"target_platform": "linux-64"}},
            "workDirectory": str(work), "channels": [str(tmp_path)]}},
    ]  # fmt: skip
    stdin = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    proc = subprocess.run([backend_exe(EXE)], input=stdin, capture_output=True, timeout=120)
    assert proc.returncode == 0
    responses = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in responses] == [0, 1] and "result" in responses[1]
    assert b"recipe-hello build script ran" in proc.stderr


@pytest.mark.parametrize("args,expected", [(["capabilities"], "Supports conda/outputs: true"), (["--version"], "pixi-build-rattler-build")])
def test_cli_informational_commands(args, expected):
    proc = subprocess.run([backend_exe(EXE), *args], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    assert expected in proc.stdout + proc.stderr


def test_cli_render_prints_the_recipe(tmp_path):
    recipe = PROJECTS / "recipe-hello" / "recipe.yaml"
    proc = subprocess.run([backend_exe(EXE), "render", str(recipe)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    assert proc.stdout == recipe.read_text()


def test_cli_render_error_is_a_message_not_a_traceback(tmp_path):
    proc = subprocess.run([backend_exe(EXE), "render", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: no recipe found")
    assert "Traceback" not in proc.stderr


def test_quiet_and_verbose_flags_are_accepted():
    for flag in ("-v", "-vv", "-q"):
        proc = subprocess.run([backend_exe(EXE), flag], input=b"", capture_output=True, timeout=30)
        assert proc.returncode == 0 and proc.stdout == b""


def test_source_dependency_arrives_as_a_prefix_record_like_pixi_sends_it(tmp_path):
    """pixi builds source dependencies itself and names them only in the host prefix's
    records; kiln's backend must find them there, as no channel has them."""
    from kiln.protocol.client import BackendProcess

    ws = tmp_path / "ws"
    import shutil

    shutil.copytree(PROJECTS / "workspace-recipes", ws)
    greeting_dir = tmp_path / "greeting-build"
    with BackendProcess([backend_exe(EXE)]) as b:  # what pixi did first: build the dependency
        b.negotiate_capabilities()
        b.initialize(t.InitializeParams(manifest_path=str(ws / "greeting" / "recipe.yaml")))
        meta = b.conda_outputs(t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64",
                                                    work_directory=str(greeting_dir))).outputs[0].metadata  # fmt: skip
        greeting = b.conda_build_v1(t.CondaBuildV1Params(
            output=t.CondaBuildV1Output(name=meta.name, version=meta.version, build=meta.build, subdir=meta.subdir, variant=meta.variant),
            work_directory=str(greeting_dir), channels=[str(tmp_path)]))  # fmt: skip
    record = {"name": "greeting", "version": "1.0.0", "build": meta.build, "build_number": 0, "subdir": "noarch",
              "depends": [], "fn": Path(greeting.output_file).name, "url": Path(greeting.output_file).as_uri(),
              "channel": None}  # fmt: skip
    empty = tmp_path / "empty-channel"
    (empty / "noarch").mkdir(parents=True)
    (empty / "noarch" / "repodata.json").write_text('{"info": {"subdir": "noarch"}, "packages": {}, "packages.conda": {}}')
    lib_work = tmp_path / "lib-build"
    with BackendProcess([backend_exe(EXE)]) as b:
        b.negotiate_capabilities()
        b.initialize(t.InitializeParams(manifest_path=str(ws / "lib" / "recipe.yaml")))
        lib = b.conda_outputs(t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64",
                                                   work_directory=str(lib_work))).outputs[0].metadata  # fmt: skip
        built = b.conda_build_v1(t.CondaBuildV1Params(
            output=t.CondaBuildV1Output(name=lib.name, version=lib.version, build=lib.build, subdir=lib.subdir, variant=lib.variant),
            work_directory=str(lib_work), channels=[str(empty)],
            build_prefix=t.CondaBuildV1Prefix(prefix=str(lib_work / "bld"), platform="linux-64"),
            host_prefix=t.CondaBuildV1Prefix(prefix=str(lib_work / "host"), platform="linux-64", packages=[record])))  # fmt: skip
    files = extract(Path(built.output_file), tmp_path / "lib-files")
    assert (files / "share/lib/from-greeting.txt").read_text() == "hello from the innermost package\n"
