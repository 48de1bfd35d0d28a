"""A failing build reaches the caller with its log, and leaves no archive behind."""

from __future__ import annotations

import pytest

from kiln.errors import BackendError
from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess
from tests.conftest import PROJECTS, backend_exe


def test_failing_script_is_a_32000_error_with_the_log_tail_and_no_archive(tmp_path):
    recipe = PROJECTS / "recipe-bad-script" / "recipe.yaml"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    work = tmp_path / "work"
    with BackendProcess([backend_exe("pixi-build-rattler-build")]) as b:
        b.negotiate_capabilities()
        b.initialize(t.InitializeParams(manifest_path=str(recipe)))
        result = b.conda_outputs(
            t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64", work_directory=str(work), channels=[str(tmp_path)])
        )
        meta = result.outputs[0].metadata
        with pytest.raises(BackendError) as info:
            b.conda_build_v1(
                t.CondaBuildV1Params(
                    output=t.CondaBuildV1Output(name=meta.name, version=meta.version, build=meta.build, subdir=meta.subdir, variant=meta.variant),
                    work_directory=str(work),
                    output_directory=str(out_dir),
                    channels=[str(tmp_path)],
                )
            )
        # the backend keeps serving after a failed build
        again = b.conda_outputs(
            t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64", work_directory=str(work))
        )
        assert again.outputs[0].metadata.name == "recipe-bad-script"
    err = info.value
    assert err.code == -32000
    message = err.data["message"]
    assert "failed to build recipe-bad-script 1.0.0" in message and "Script failed" in message
    assert "about to fail - marker-7f3a" in message  # the script's own output
    assert "this goes to stderr" in message
    assert "Script failed with status 3" in message
    # nothing at all in the output directory, and no archive (or partial one) anywhere
    assert list(out_dir.iterdir()) == []
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith((".conda", ".tar.bz2", ".partial"))]
    assert leftovers == []
    err_file = work / "debug" / "conda_build_v1_error.json"
    assert err_file.is_file() and "marker-7f3a" in err_file.read_text()


def test_unsolvable_host_dependency_explains_why(tmp_path):
    recipe_dir = tmp_path / "needs-missing"
    recipe_dir.mkdir()
    (recipe_dir / "recipe.yaml").write_text(
        "package: {name: needs-missing, version: '1.0'}\n"
        "build:\n  script:\n    - echo never\n"
        "requirements:\n  host:\n    - does-not-exist >=1\n"
    )
    channel = tmp_path / "channel"
    (channel / "noarch").mkdir(parents=True)
    (channel / "noarch" / "repodata.json").write_text('{"info": {"subdir": "noarch"}, "packages": {}, "packages.conda": {}}')
    with BackendProcess([backend_exe("pixi-build-rattler-build")]) as b:
        b.negotiate_capabilities()
        b.initialize(t.InitializeParams(manifest_path=str(recipe_dir / "recipe.yaml")))
        meta = b.conda_outputs(
            t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64", work_directory=str(tmp_path / "w"))
        ).outputs[0].metadata
        with pytest.raises(BackendError) as info:
            b.conda_build_v1(
                t.CondaBuildV1Params(
                    output=t.CondaBuildV1Output(name=meta.name, version=meta.version, build=meta.build, subdir=meta.subdir, variant=meta.variant),
                    work_directory=str(tmp_path / "w"),
                    channels=[str(channel)],
                )
            )
    message = str(info.value)
    assert "Failed to resolve dependencies" in message
    assert "does-not-exist" in message and "cannot be solved" in message
