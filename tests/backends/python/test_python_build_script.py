"""The install script, byte for byte (§2.6), and what decides its flavour and editability."""

from __future__ import annotations

import pytest
from tests.backends.python.pyhelpers import backend_factory, recipe_data  # noqa: F401 (fixture)

from kiln.backends.python.build_script import BuildScript

ROOT = "/work/my project"

UV_UNIX = """\
uv pip install --python "$PYTHON" --reinstall -vv \\
        --no-deps \\
        --no-build-isolation \\
        --no-index "/work/my project\""""

PIP_UNIX_EXTRA_EDITABLE = """\
"$PYTHON" -m pip install --force-reinstall -vv \\
        --no-deps \\
        --no-build-isolation \\
        --no-index \\
        --config-settings=a=b \\
        --editable "/work/my project\""""

UV_WINDOWS = """\
uv pip install --python "%PYTHON%" --reinstall -vv ^
        --no-deps ^
        --no-build-isolation ^
        --no-index "C:\\src\\pkg"
if errorlevel 1 exit 1"""

PIP_WINDOWS_EXTRA = """\
"%PYTHON%" -m pip install --force-reinstall -vv ^
        --no-deps ^
        --no-build-isolation ^
        --no-index ^
        -q "C:\\src\\pkg"
if errorlevel 1 exit 1"""


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (BuildScript("uv", windows=False, editable=False, manifest_root=ROOT), UV_UNIX),
        (
            BuildScript("pip", windows=False, editable=True, manifest_root=ROOT, extra_args=["--config-settings=a=b"]),
            PIP_UNIX_EXTRA_EDITABLE,
        ),
        (BuildScript("uv", windows=True, editable=False, manifest_root="C:\\src\\pkg"), UV_WINDOWS),
        (
            BuildScript("pip", windows=True, editable=False, manifest_root="C:\\src\\pkg", extra_args=["-q"]),
            PIP_WINDOWS_EXTRA,
        ),
    ],
    ids=["uv-unix", "pip-unix-extra-editable", "uv-windows", "pip-windows-extra"],
)
def test_script_text(script: BuildScript, expected: str) -> None:
    assert script.render() == expected


def test_uv_unix_is_four_lines() -> None:
    lines = BuildScript("uv", windows=False, editable=False, manifest_root="/r").render().split("\n")
    assert len(lines) == 4 and all(line.startswith(" " * 8) for line in lines[1:])


def script_of(data) -> str:
    return data["build"]["script"]["content"][0]


IGNORE = {"ignore-pyproject-manifest": True}


def test_flavour_follows_the_machine_not_the_host(backend_factory) -> None:
    on_linux = backend_factory(config=IGNORE, build_platform="linux-64")
    assert "$PYTHON" in script_of(recipe_data(on_linux, host_platform="win-64"))
    on_windows = backend_factory(config=IGNORE, build_platform="win-64")
    assert script_of(recipe_data(on_windows, host_platform="linux-64")).endswith("if errorlevel 1 exit 1")


def test_manifest_root_is_the_source_directory(backend_factory) -> None:
    backend = backend_factory(config=IGNORE)
    assert script_of(recipe_data(backend)).endswith(f'--no-index "{backend.source_dir}"')


@pytest.mark.parametrize(
    ("env", "requested", "editable"),
    [(None, False, False), (None, True, True), ("true", False, True), ("false", True, False), ("1", True, False)],
)
def test_build_editable_python_overrides_the_request(backend_factory, monkeypatch, env, requested, editable) -> None:
    if env is None:
        monkeypatch.delenv("BUILD_EDITABLE_PYTHON", raising=False)
    else:
        monkeypatch.setenv("BUILD_EDITABLE_PYTHON", env)
    backend = backend_factory(config=IGNORE)
    assert backend.resolve_editable(requested) is editable
    assert ("--editable" in script_of(recipe_data(backend, editable=requested))) is editable
    # The same effective value decides whether `**/*.py` is a build input.
    globs = backend.build_input_globs(
        backend.config_for("linux-64"), backend.source_dir, backend.resolve_editable(requested)
    )
    assert ("**/*.py" in globs) is not editable


def test_uv_cache_dir_is_read_once_at_startup(backend_factory, monkeypatch) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", "/at/start")
    backend = backend_factory(config=IGNORE)
    monkeypatch.setenv("UV_CACHE_DIR", "/later")
    assert recipe_data(backend)["build"]["script"]["env"] == {"UV_CACHE_DIR": "/at/start"}
