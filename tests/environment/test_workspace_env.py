"""``kiln install`` / ``kiln run`` / ``kiln shell-hook`` on pixi's python_rich example, made offline.

The workspace depends on its own package by path (pixi-build-python, a console
script) which needs, at run time, a second source package built from a
``recipe.yaml``. Everything is really built, solved from the session's local
channel, installed into ``.pixi/envs/<env>`` and run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.helpers import run_kiln

DATA = Path(__file__).resolve().parents[1] / "data" / "environment" / "python_rich"


def workspace(tmp_path: Path, channel: Path, extra: str = "", name: str = "ws") -> Path:
    root = shutil.copytree(DATA, tmp_path / name)
    manifest = root / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("@CHANNEL@", str(channel)) + extra)
    return root


def kiln(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_kiln(*args, cwd=root, check=check)


def site_packages(prefix: Path) -> Path:
    return next(prefix.glob("lib/python3*/site-packages"))


def test_run_start_builds_installs_and_runs_editable(tmp_path: Path, local_channel: Path):
    root = workspace(tmp_path, local_channel)
    first = kiln(root, "run", "start")
    assert first.stdout.splitlines() == ["Hello from python_rich!", "greeting 1.0.0, from a recipe.yaml"], first.stderr
    env = root / ".pixi" / "envs" / "default"
    assert (env / "conda-meta").is_dir() and (env / "bin" / "rich-example-main").is_file()
    lock = (root / "pixi.lock").read_text()
    for name in ("python_rich-0.1.0-", "greeting-1.0.0-", "python-3"):
        assert name in lock
    # editable, as pixi asks for the workspace environment: the env points at the source tree
    sp = site_packages(env)
    assert not (sp / "python_rich").exists()
    assert str(root / "src") in "".join(p.read_text() for p in sp.glob("*.pth"))
    init = root / "src" / "python_rich" / "__init__.py"
    init.write_text(init.read_text().replace("Hello from", "Edited:"))
    again = kiln(root, "run", "start")
    assert again.stdout.splitlines()[0] == "Edited: python_rich!"
    prefix = kiln(root, "run", "python", "-c", "import sys; print(sys.prefix)")
    assert prefix.stdout.strip() == str(env)
    # the exit code comes through, arguments stay whole
    code = kiln(root, "run", "bash", "-c", 'echo "$1"; exit 7', "x", "two words", check=False)
    assert (code.returncode, code.stdout) == (7, "two words\n")
    # shell-hook: eval'd in bash, the console script and CONDA_PREFIX are there
    hook = kiln(root, "shell-hook").stdout
    shell = subprocess.run(["bash", "-c", hook + '\necho "$CONDA_PREFIX"; rich-example-main'],
                           capture_output=True, text=True, cwd=root)  # fmt: skip
    assert shell.stdout.splitlines() == [str(env), "Edited: python_rich!", "greeting 1.0.0, from a recipe.yaml"]


def test_kiln_build_stays_not_editable(tmp_path: Path, local_channel: Path):
    root = workspace(tmp_path, local_channel)
    out = tmp_path / "out"
    run_kiln("build", "--path", str(root), "-o", str(out))
    archive = next(out.glob("python_rich-*.conda"))
    prefix = tmp_path / "p"
    run_kiln("channel", "install", "-p", str(prefix), "-c", str(local_channel), str(archive), *map(str, out.glob("greeting-*")))
    assert (site_packages(prefix) / "python_rich" / "__init__.py").is_file()


def test_lock_unchanged_frozen_locked_and_updated(tmp_path: Path, local_channel: Path):
    root = workspace(tmp_path, local_channel)
    kiln(root, "install")
    lock = root / "pixi.lock"
    locked_text = lock.read_text()
    # nothing changed: the cheap check says so
    same = kiln(root, "install")
    assert "is up to date" in same.stderr and lock.read_text() == locked_text
    # environment gone, lock still right: installed from the lock without solving
    shutil.rmtree(root / ".pixi" / "envs" / "default")
    again = kiln(root, "install")
    assert "installing `default` from it without solving" in again.stderr
    assert "solving" not in again.stderr.replace("without solving", "")
    assert lock.read_text() == locked_text
    assert (root / ".pixi" / "envs" / "default" / "bin" / "rich-example-main").is_file()
    # a changed manifest: --locked refuses, --frozen installs the lock as it is
    manifest = root / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("[tasks]", 'pip = "*"\n\n[tasks]'))
    refused = kiln(root, "install", "--locked", check=False)
    assert refused.returncode == 1
    assert "--locked:" in refused.stderr and "out of date: `pip` is not in it" in refused.stderr
    assert "Traceback" not in refused.stderr and lock.read_text() == locked_text
    frozen = kiln(root, "install", "--frozen")
    assert frozen.returncode == 0 and lock.read_text() == locked_text
    assert not (root / ".pixi" / "envs" / "default" / "bin" / "pip").exists()
    # and without either, the lock is updated
    updated = kiln(root, "install")
    assert "solving `default`" in updated.stderr
    assert "/pip-" in lock.read_text() and (root / ".pixi" / "envs" / "default" / "bin" / "pip").is_file()
    # a changed source (the recipe) updates it too
    recipe = root / "greeting" / "recipe.yaml"
    recipe.write_text(recipe.read_text().replace('version: "1.0.0"', 'version: "1.1.0"'))
    kiln(root, "install")
    assert "greeting-1.1.0-" in lock.read_text() and "greeting-1.0.0-" not in lock.read_text()


def test_feature_environment(tmp_path: Path, local_channel: Path):
    root = workspace(tmp_path, local_channel)
    kiln(root, "install", "-e", "test")
    test_env = root / ".pixi" / "envs" / "test"
    assert (test_env / "bin" / "pip").is_file()
    assert not (root / ".pixi" / "envs" / "default").exists()
    done = kiln(root, "run", "-e", "test", "check")  # depends-on `start`, then runs pip
    lines = done.stdout.splitlines()
    assert lines[0] == "Hello from python_rich!" and lines[-1].startswith("pip ") and str(test_env) in lines[-1]
    unknown = kiln(root, "run", "check", check=False)  # not a task of the default environment
    assert unknown.returncode == 1 and "known tasks: start" in unknown.stderr
    nope = kiln(root, "install", "-e", "nope", check=False)
    assert nope.returncode == 1 and "unknown environment `nope`" in nope.stderr and "default, test" in nope.stderr


# -- bad input, on workspaces without source packages (nothing to build) -------------------


def plain_workspace(tmp_path: Path, channel: Path, body: str) -> Path:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "pixi.toml").write_text(
        f'[workspace]\nname = "plain"\nchannels = ["{channel}"]\nplatforms = ["linux-64", "osx-arm64"]\n\n{body}'
    )
    return root


def test_unknown_task_lists_the_known_ones(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, '[tasks]\nhello = "echo hi"\nbye = "echo bye"\n')
    done = kiln(root, "run", "nosuch", check=False)
    assert done.returncode == 1
    assert "error: `nosuch` is neither a task of the environment `default` nor a command in it" in done.stderr
    assert "known tasks: bye, hello" in done.stderr and "Traceback" not in done.stderr
    assert kiln(root, "run", "hello").stdout == "hi\n"


def test_task_table_env_cwd_and_depends_on(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, """
[tasks]
prepare = { cmd = "echo prepared > made.txt", cwd = "sub" }
show = { cmd = "cat sub/made.txt; echo $GREETING; echo $ACTIVATED", depends-on = ["prepare"], env = { GREETING = "hey" } }

[activation]
env = { ACTIVATED = "from [activation]" }
""")
    (root / "sub").mkdir()
    done = kiln(root, "run", "show")
    assert done.stdout.splitlines() == ["prepared", "hey", "from [activation]"]


def test_task_cycle_is_an_error(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, """
[tasks]
a = { cmd = "echo a", depends-on = ["b"] }
b = { cmd = "echo b", depends-on = ["a"] }
""")
    done = kiln(root, "run", "a", check=False)
    assert done.returncode == 1
    assert "pixi.toml:" in done.stderr and "cycle: a -> b -> a" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_unsolvable_dependency_shows_the_solver(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, '[dependencies]\npython = "*"\nno-such-package = ">=1"\n')
    done = kiln(root, "install", check=False)
    assert done.returncode == 1
    assert "cannot solve the environment `default`" in done.stderr
    assert "No candidates were found for no-such-package >=1" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "pixi.lock").exists()


def test_pypi_dependencies_are_refused_at_their_line(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, '[dependencies]\npython = "*"\n\n[pypi-dependencies]\nrich = "*"\n')
    done = kiln(root, "install", check=False)
    assert done.returncode == 1
    line = (root / "pixi.toml").read_text().splitlines().index("[pypi-dependencies]") + 1
    assert f"pixi.toml:{line}:" in done.stderr
    assert "`[pypi-dependencies]` is not supported by kiln" in done.stderr and "Traceback" not in done.stderr
    assert not (root / ".pixi" / "envs").exists()


def test_old_prefix_install_still_works(tmp_path: Path, local_channel: Path):
    prefix = tmp_path / "p"
    done = run_kiln("install", "--prefix", str(prefix), "-c", str(local_channel), "python")
    assert "python " in done.stdout and (prefix / "conda-meta").is_dir()
    help_text = run_kiln("install", "--help").stdout
    assert "kiln channel install" in help_text and ".pixi/envs" in help_text


def test_build_editable_python_false_wins(tmp_path: Path, local_channel: Path):
    """As in the python backend: BUILD_EDITABLE_PYTHON=false forbids the editable install pixi asks for."""
    import os

    root = workspace(tmp_path, local_channel)
    kiln(root, "install")
    sp = site_packages(root / ".pixi" / "envs" / "default")
    assert not (sp / "python_rich").exists()
    env = {**os.environ, "BUILD_EDITABLE_PYTHON": "false"}
    run_kiln("install", cwd=root, env=env)
    assert (sp / "python_rich" / "__init__.py").is_file()
    assert not any(str(root / "src") in p.read_text() for p in sp.glob("*.pth"))


def test_target_dependencies_apply_to_their_platform(tmp_path: Path, local_channel: Path):
    from kiln.conda.platforms import current_platform

    other = "osx-arm64" if current_platform() != "osx-arm64" else "linux-64"
    root = plain_workspace(tmp_path, local_channel, f"""
[dependencies]
python = "*"

[target.{current_platform()}.dependencies]
pip = "*"

[target.{other}.dependencies]
no-such-package = "*"
""")
    kiln(root, "install")
    assert (root / ".pixi" / "envs" / "default" / "bin" / "pip").is_file()


def test_frozen_without_a_lock_and_no_workspace(tmp_path: Path, local_channel: Path):
    root = plain_workspace(tmp_path, local_channel, '[dependencies]\npython = "*"\n')
    done = kiln(root, "install", "--frozen", check=False)
    assert done.returncode == 1 and "--frozen:" in done.stderr and "has no environment `default`" in done.stderr
    assert not (root / "pixi.lock").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = kiln(empty, "run", "true", check=False)
    assert nothing.returncode == 1 and "no pixi workspace found" in nothing.stderr and "Traceback" not in nothing.stderr


def test_an_unchanged_lock_is_installed_without_reading_the_channel(tmp_path: Path):
    """No solve: with the channel's index gone, only the lock can say what to install."""
    from tests.helpers import make_channel

    channel = make_channel(tmp_path / "small", [
        {"name": "alpha", "version": "1.0", "depends": ["beta"], "files": {"bin/alpha": ("#!/bin/sh\necho alpha\n", "755")}},
        {"name": "beta", "version": "2.0"},
    ])  # fmt: skip
    root = plain_workspace(tmp_path, channel, '[dependencies]\nalpha = "*"\n\n[tasks]\nhi = "alpha"\n')
    assert kiln(root, "run", "hi").stdout == "alpha\n"
    assert "- conda: " in (root / "pixi.lock").read_text() and "beta-2.0-" in (root / "pixi.lock").read_text()
    (channel / "noarch" / "repodata.json").unlink()
    shutil.rmtree(root / ".pixi" / "envs")
    done = kiln(root, "run", "hi")
    assert done.stdout == "alpha\n" and "without solving" in done.stderr
    # a spec the lock still satisfies needs no solve either; one it does not now fails on the channel
    manifest = root / "pixi.toml"
    manifest.write_text(manifest.read_text().replace('alpha = "*"', 'alpha = "*"\nbeta = ">=2"'))
    assert "without solving" in kiln(root, "install").stderr
    manifest.write_text(manifest.read_text().replace('beta = ">=2"', 'beta = "<2"'))
    failed = kiln(root, "install", check=False)
    assert failed.returncode == 1 and "solving `default` (the locked beta 2.0 0 does not match `beta <2`)" in failed.stderr


def test_activation_scripts_of_packages_and_manifest(tmp_path: Path):
    from tests.helpers import make_channel

    channel = make_channel(tmp_path / "small", [
        {"name": "tool", "version": "1.0", "files": {
            "etc/conda/activate.d/tool.sh": ('export TOOL_HOME="$CONDA_PREFIX/share/tool"\n', "644")}},
    ])  # fmt: skip
    root = plain_workspace(tmp_path, channel, """
[dependencies]
tool = "*"

[activation]
scripts = ["setup.sh"]
env = { FROM_ENV = "$TOOL_HOME/x" }

[tasks]
show = 'echo "$TOOL_HOME|$FROM_SCRIPT|$FROM_ENV|$PIXI_ENVIRONMENT_NAME"'
""")
    (root / "setup.sh").write_text("export FROM_SCRIPT=scripted\n")
    prefix = root / ".pixi" / "envs" / "default"
    assert kiln(root, "run", "show").stdout == f"{prefix}/share/tool|scripted|{prefix}/share/tool/x|default\n"
    # the hook says the same to an interactive shell
    hook = kiln(root, "shell-hook").stdout
    shell = subprocess.run(["bash", "-c", hook + 'echo "$TOOL_HOME|$FROM_SCRIPT"'], capture_output=True, text=True)
    assert shell.stdout == f"{prefix}/share/tool|scripted\n"
    # an edited activation script counts as a change: the next run sees it
    (root / "setup.sh").write_text("export FROM_SCRIPT=edited\n")
    assert "|edited|" in kiln(root, "run", "show").stdout


def test_a_path_source_in_another_workspace(tmp_path: Path, local_channel: Path):
    """Built in its own workspace (its .pixi channel), installed into this one."""
    workspace(tmp_path, local_channel, name="ws")
    root = plain_workspace(tmp_path, local_channel, '[dependencies]\npython_rich = { path = "../ws" }\n\n'
                                                    '[tasks]\nstart = "rich-example-main"\n')  # fmt: skip
    assert kiln(root, "run", "start").stdout.startswith("Hello from python_rich!\n")
    assert (tmp_path / "ws" / ".pixi" / "channel-v0").is_dir()
    shutil.rmtree(root / ".pixi" / "envs")
    assert "without solving" in kiln(root, "install").stderr


def test_an_up_to_date_run_loads_only_what_running_needs(tmp_path: Path, local_channel: Path):
    """The edit-and-run loop: in an up-to-date environment `kiln run` imports neither click,
    the front end, py-rattler, nor the stdlib's heavier modules (its speed is in bench/)."""
    import sys

    root = plain_workspace(tmp_path, local_channel, '[tasks]\nhello = "echo hi"\n')
    assert kiln(root, "run", "hello").stdout == "hi\n"  # installs first
    exe = str(Path(sys.executable).parent / "kiln")
    done = subprocess.run([sys.executable, "-X", "importtime", exe, "run", "hello"], cwd=root,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout == "hi\n"
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "import time:" in line}
    heavy = {"click", "rattler", "kiln.frontend", "kiln.cli.main", "json", "re", "pathlib", "subprocess", "typing"}
    assert loaded & heavy == set(), sorted(loaded & heavy)
    assert "kiln.environment.stamp" in loaded  # the fast path really ran
