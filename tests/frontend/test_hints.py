"""Where a user is stuck, the error says what to do: the real `kiln` executable, no traceback.

A missing version, a backend kiln has not got, a workspace root with no
``[package]``, a TOML syntax error, a channel the machine cannot reach.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from tests.conftest import PROJECTS, kiln_exe

from kiln.backends import BUILTIN

WORKSPACE = """\
[workspace]
name = "w"
channels = {channels}
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
{version}
[package.build.backend]
name = "{backend}"
version = "*"
"""


def project(tmp_path: Path, *, backend="pixi-build-python", version='version = "0.1.0"\n', channels="[]",
            dynamic=False) -> Path:  # fmt: skip
    root = tmp_path / "demo"
    (root / "src" / "demo").mkdir(parents=True)
    (root / "src" / "demo" / "__init__.py").write_text("X = 1\n")
    pyproject_version = 'dynamic = ["version"]' if dynamic else 'version = "0.1.0"'
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\n{pyproject_version}\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    (root / "pixi.toml").write_text(WORKSPACE.format(channels=channels, version=version, backend=backend))
    return root


def kiln(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def error(proc: subprocess.CompletedProcess) -> list[str]:
    lines = proc.stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("error: ")):]


def test_a_dynamic_version_says_to_set_it_in_package(tmp_path):
    root = project(tmp_path, version="", dynamic=True)
    assert error(kiln("build", "--no-progress", "--path", root, "-o", tmp_path / "out")) == [
        f"error: {root / 'pixi.toml'}:7: There was no version defined for the recipe (key `package`)",
        '  help: set `version` in `[package]` of the manifest (e.g. `version = "0.1.0"`): a version computed at '
        'build time (`dynamic = ["version"]` in pyproject.toml) is not read',
    ]


#: Every backend of the registry, as the hint lists them (sorted).
SHIPPED = ", ".join(f"`{name}`" for name in sorted(BUILTIN))


def test_a_misspelt_backend_names_the_nearest_of_kilns_own(tmp_path, local_channel):
    root = project(tmp_path, backend="pixi-build-pyhton", channels=f'["{local_channel}"]')
    lines = error(kiln("build", "--no-progress", "--path", root, "-o", tmp_path / "out"))
    assert lines[0].startswith(f"error: {root / 'pixi.toml'}:12: cannot install the build backend 'pixi-build-pyhton'")
    assert "No candidates were found for pixi-build-pyhton" in lines[0]
    assert lines[-2:] == [
        "  help: did you mean `pixi-build-python`?",
        f"        kiln ships {SHIPPED}; any other backend (such as "
        "`pixi-build-pyhton`) is installed from conda channels: list them in `[package.build.backend] channels = "
        "[...]` or in `[workspace] channels`, or pass `--channel`",
    ]


def test_a_backend_kiln_does_not_ship_and_no_channel_says_how_to_add_channels(tmp_path):
    root = project(tmp_path, backend="pixi-build-go")
    lines = error(kiln("build", "--no-progress", "--path", root, "-o", tmp_path / "out"))
    assert lines[0] == (
        f"error: {root / 'pixi.toml'}:12: the build backend 'pixi-build-go' is not one of kiln's and no channels "
        "are configured to install it from (key `package.build.backend.name`)"
    )
    assert f"kiln ships {SHIPPED}; any other backend" in lines[-1]


def test_build_at_a_workspace_root_lists_the_packages_below_it(tmp_path):
    ws = shutil.copytree(PROJECTS / "workspace-recipes", tmp_path / "ws")
    assert error(kiln("build", "--no-progress", cwd=ws)) == [
        f"error: no package found in {ws}: expected a pixi.toml or pyproject.toml with a [package] section, "
        "or a recipe.yaml",
        "  help: the packages below it, and how to build each:",
        "    kiln build --path app    # app",
        "    kiln build --path greeting    # greeting",
        "    kiln build --path lib    # lib",
    ]


def test_a_toml_syntax_error_gives_line_column_and_a_caret(tmp_path):
    root = project(tmp_path)
    manifest = root / "pixi.toml"
    manifest.write_text(manifest.read_text() + '\n[package.host-dependencies]\nhatchling = "*" x\n')
    assert error(kiln("build", "--no-progress", "--path", root)) == [
        f"error: {manifest}:16:17: invalid TOML: Expected newline or end of document after a statement",
        '  16 | hatchling = "*" x',
        "     |                 ^",
    ]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


def test_an_unreachable_channel_is_named_once_and_early_with_what_to_do(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/conda-forge"
    root = project(tmp_path, channels=f'["{url}"]')
    lines = error(kiln("build", "--no-progress", "--path", root, "-o", tmp_path / "out"))
    assert lines[0] == f"error: {root / 'pixi.toml'}:3: cannot reach the channel {url} (a `[workspace]` channel): " \
        "Connection refused (through the proxy http://127.0.0.1:9)"
    assert lines[1:] == [
        "  help: on a machine that reaches no conda channel, `kiln channel bootstrap DIR` makes a local one from "
        "this machine's own tools;",
        f"        list it in `[workspace]` of {root / 'pixi.toml'} -- `channels = [\"DIR\"]` and "
        '`build-variants-files = ["DIR/variants.yaml"]` -- to save passing `--channel DIR -m DIR/variants.yaml` '
        "on every call",
    ]
    assert "Retry" not in kiln("build", "--no-progress", "-v", "--path", root).stderr
