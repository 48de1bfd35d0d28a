"""pixi-build-python end to end: the real executable over stdio, real builds, offline.

Each project under ``tests/projects/python-*`` is copied, its ``pixi.toml`` turned
into the project model and configuration pixi would send, and driven through
``negotiateCapabilities`` -> ``initialize`` -> ``conda/outputs`` ->
``conda/build_v1`` against the session's local channel only. Good packages are
then installed into a fresh prefix with ``kiln channel install`` and run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from tests.conftest import PROJECTS, backend_exe
from tests.helpers import kiln_install, read_index, run_kiln

from kiln.errors import BackendError
from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess


def project_model(pixi_toml: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The wire project model and configuration for a project's pixi.toml (as pixi sends them)."""
    manifest = tomllib.loads(pixi_toml.read_text())
    package = manifest.get("package", {})
    deps = {name: {"binary": {"version": spec}} for name, spec in package.get("host-dependencies", {}).items()}
    model = {
        "name": package.get("name"),
        "version": package.get("version"),
        "targets": {"defaultTarget": {"hostDependencies": deps, "buildDependencies": {}, "runDependencies": {}}},
    }
    return model, package.get("build", {}).get("config", {})


class PythonBackendRun:
    """One project driven through the protocol by a spawned ``pixi-build-python``."""

    def __init__(self, project: str, tmp_path: Path, channel: Path, **config_overrides: Any) -> None:
        self.source = shutil.copytree(PROJECTS / project, tmp_path / project)
        self.tmp = tmp_path
        self.channel = channel
        self.out = tmp_path / "out"
        model, config = project_model(self.source / "pixi.toml")
        config.update(config_overrides)
        self.process = BackendProcess([backend_exe("pixi-build-python")])
        try:
            self.process.negotiate_capabilities()
            self.process.initialize(
                t.InitializeParams(
                    manifest_path=str(self.source / "pixi.toml"),
                    source_directory=str(self.source),
                    project_model=msgspec.convert(model, t.ProjectModel),
                    configuration=config,
                    cache_directory=str(tmp_path / "pixi-cache"),
                )
            )
        except BaseException:
            self.process.close()
            raise

    def outputs(self) -> t.CondaOutputsResult:
        return self.process.conda_outputs(
            t.CondaOutputsParams(
                host_platform="linux-64",
                build_platform="linux-64",
                work_directory=str(self.tmp / "work"),
                channels=[str(self.channel)],
                variant_files=[str(self.channel / "variants.yaml")],
            )
        )

    def build(self, *, editable: bool | None = None) -> t.CondaBuildV1Result:
        meta = self.outputs().outputs[0].metadata
        return self.process.conda_build_v1(
            t.CondaBuildV1Params(
                output=t.CondaBuildV1Output(
                    name=meta.name, subdir=meta.subdir, version=meta.version, build=meta.build, variant=meta.variant
                ),
                work_directory=str(self.tmp / "work"),
                channels=[str(self.channel)],
                output_directory=str(self.out),
                editable=editable,
            )
        )

    def install(self, name: str) -> Path:
        run_kiln("channel", "index", str(self.out))
        return kiln_install(self.tmp / "prefix", [name], [self.out, self.channel])

    def close(self) -> None:
        self.process.close()


@pytest.fixture
def drive(tmp_path: Path, local_channel: Path):
    runs: list[PythonBackendRun] = []

    def start(project: str, **config: Any) -> PythonBackendRun:
        runs.append(PythonBackendRun(project, tmp_path, local_channel, **config))
        return runs[-1]

    yield start
    for run in runs:
        run.close()


def run(*command: str | Path) -> str:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, check=True).stdout.strip()


# -- good projects ------------------------------------------------------------------------


@pytest.mark.build
def test_hatchling_console_script(drive) -> None:
    project = drive("python-hatchling-script")
    outputs = project.outputs()
    assert outputs.input_globs == ["pyproject.toml"]
    assert [o.metadata.name for o in outputs.outputs] == ["greet-hatch"]
    result = project.build()
    archive = Path(result.output_file)
    assert archive.parent == project.out / "noarch" and archive.name.endswith(".conda")
    index = read_index(archive)
    assert index["noarch"] == "python" and index["depends"] == ["python >=3.9"]
    assert "README.md" in result.input_globs and "src/**" in result.input_globs
    prefix = project.install("greet-hatch")
    assert run(prefix / "bin" / "greet-hatch") == f"hello from greet-hatch on {prefix}/bin/python3.11"


@pytest.mark.build
def test_editable_build_reads_the_sources_in_place(drive) -> None:
    """An editable package points at the source tree: an edit shows without a rebuild.

    (setuptools: hatchling's editable wheels need `editables`, which the channel lacks.)
    """
    project = drive("python-setuptools-data")
    result = project.build(editable=True)
    assert "**/*.py" not in result.input_globs and "src/**" not in result.input_globs
    prefix = project.install("fortune-data")
    code = "import fortune_data; print(fortune_data.fortune())"
    assert run(prefix / "bin" / "python", "-c", code) == "A conda package found its data file."
    (project.source / "src" / "fortune_data" / "data" / "fortune.txt").write_text("Edited in place.\n")
    assert run(prefix / "bin" / "python", "-c", code) == "Edited in place."


@pytest.mark.build
def test_setuptools_package_data(drive) -> None:
    project = drive("python-setuptools-data")  # installer = "pip" in its pixi.toml
    result = project.build()
    assert result.subdir == "noarch"
    prefix = project.install("fortune-data")
    fortune = run(prefix / "bin" / "python", "-c", "import fortune_data; print(fortune_data.fortune())")
    assert fortune == "A conda package found its data file."


@pytest.mark.build
@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc for the compiler shim")
def test_c_extension_is_platform_specific(drive) -> None:
    project = drive("python-c-extension")  # compilers = ["c"] in its pixi.toml
    meta = project.outputs().outputs[0].metadata
    assert (meta.subdir, meta.noarch) == ("linux-64", False)
    result = project.build()
    assert Path(result.output_file).parent == project.out / "linux-64"
    assert "**/*.{c,h}" in result.input_globs
    prefix = project.install("fastsum")
    code = "import fastsum, fastsum._fastsum as m; print(fastsum.total(range(101)), m.__file__.endswith('.so'))"
    assert run(prefix / "bin" / "python", "-c", code) == "5050 True"


# -- broken projects ----------------------------------------------------------------------


def test_missing_pyproject_fails_conda_outputs(drive) -> None:
    project = drive("python-no-pyproject")
    with pytest.raises(BackendError, match="requires a `pyproject.toml`") as info:
        project.outputs()
    assert "help: add one, or set `ignore-pyproject-manifest = true` in [package.build.config]" in str(info.value)


def test_invalid_toml_names_file_and_line(drive) -> None:
    project = drive("python-bad-toml")
    with pytest.raises(BackendError) as info:
        project.outputs()
    assert f"{project.source / 'pyproject.toml'}:8:44: invalid TOML" in str(info.value)
    assert str(info.value).splitlines()[-1] == "     | " + " " * 43 + "^"  # under the end of the line


@pytest.mark.build
def test_failing_build_reports_pip_and_leaves_no_output(drive) -> None:
    project = drive("python-failing-build")  # installer = "pip"
    with pytest.raises(BackendError) as info:
        project.build()
    message = str(info.value)
    assert message.startswith("failed to build failing-build 0.1.0")
    assert "pip reported:" in message
    assert "failing-build: the build step refuses to run (deliberate test failure)" in message
    assert not project.out.exists() or not any(p.is_file() for p in project.out.rglob("*"))


@pytest.mark.build
def test_unknown_build_backend_is_named_with_help(drive) -> None:
    project = drive("python-unknown-backend", installer="uv")
    with pytest.raises(BackendError) as info:
        project.build()
    message = str(info.value)
    assert "uv reported:" in message and "No module named 'nonexistent_backend'" in message
    assert "add the package that provides it to [package.host-dependencies]" in message
    assert not project.out.exists() or not any(p.is_file() for p in project.out.rglob("*"))


def test_bad_configuration_fails_initialize(tmp_path: Path, local_channel: Path) -> None:
    with pytest.raises(BackendError, match="(?s)unknown field `instaler`.*did you mean `installer`"):
        PythonBackendRun("python-hatchling-script", tmp_path, local_channel, instaler="pip")


# -- start-up -------------------------------------------------------------------------------

_STARTUP_PROBE = """
import json, sys
from kiln.protocol import types as t
from kiln.backends.python.backend import create
create(t.InitializeParams(manifest_path=sys.argv[1], project_model=t.ProjectModel(name="x", version="1"),
                          configuration={"env": {"A": "1"}, "installer": "pip"}))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[2:])))
"""


def test_initialize_imports_nothing_heavy(tmp_path: Path) -> None:
    """negotiateCapabilities/initialize must not pay for rattler-build, rattler, jinja2 or rich."""
    heavy = ["rattler_build", "rattler", "jinja2", "rich"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE, str(tmp_path / "pixi.toml"), *heavy],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.build
def test_pyproject_in_toml_1_1_builds(drive) -> None:
    """The backend reads pyproject.toml with the front end's TOML 1.1 reader (issue 8, point 7)."""
    project = drive("python-toml-1.1")  # a multi-line inline table, a trailing comma, `\e`
    outputs = project.outputs()
    assert [o.metadata.name for o in outputs.outputs] == ["toml-one-one"]
    result = project.build()
    about = yaml.safe_load((project.tmp / "work" / "debug" / "recipe.yaml").read_text())["about"]
    # from the multi-line inline table
    assert (about["homepage"], about["repository"]) == ("https://example.com/toml-one-one", "https://example.com/toml-one-one.git")
    assert result.subdir == "noarch"
    prefix = project.install("toml-one-one")
    assert run(prefix / "bin" / "toml-one-one") == "hello from toml-one-one"
