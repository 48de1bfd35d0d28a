"""``kiln run``: a ``[tasks]`` entry (its ``depends-on`` first) or any command, in the activated environment.

It runs from a *run plan*: plain data (tasks, the activation script, paths) made from
the manifest after an install and kept in the environment's stamp, so a run in an
up-to-date environment neither parses the manifest nor imports the front end. Errors
that need the manifest's lines (a ``depends-on`` cycle or unknown name) are reported
from the manifest itself.
"""

from __future__ import annotations

import os

from kiln.errors import KilnError

TYPE_CHECKING = False  # an up-to-date `kiln run` imports this module: keep typing, pathlib, subprocess off it
if TYPE_CHECKING:
    from typing import Any


class UnknownTask(KilnError):
    """Neither a task of the environment nor a command on its PATH."""


def run_plan(spec: Any) -> dict[str, Any]:
    """What running needs, as JSON data, from an :class:`~kiln.environment.spec.EnvironmentSpec`."""
    from kiln.environment.activation import activation_script

    return {
        "env": spec.name,
        "root": str(spec.root),
        "manifest": str(spec.workspace.manifest_path),
        "prefix": str(spec.prefix),
        "activation": activation_script(spec),
        "tasks": {
            name: {"cmd": task.cmd, "depends_on": task.depends_on, "cwd": str(task.cwd) if task.cwd else None,
                   "env": task.env}
            for name, task in spec.tasks.items()
        },  # fmt: skip
    }


def run(plan: dict[str, Any], words: list[str]) -> int:
    """Run ``words`` (a task name and extra arguments, or a command); its exit code."""
    name, args = words[0], words[1:]
    tasks: dict[str, dict[str, Any]] = plan["tasks"]
    root = plan["root"]
    if name not in tasks:
        path = os.path.join(plan["prefix"], "bin") + ":" + os.environ.get("PATH", "")
        if _which(name, path=path) is None and not os.path.isfile(name):
            known = ", ".join(sorted(tasks)) or "none"
            raise UnknownTask(
                f"`{name}` is neither a task of the environment `{plan['env']}` nor a command in it",
                help=f"known tasks: {known}",
            )
        return _shell(plan, 'exec "$@"', root, {}, words, last=True)
    steps = [step for step in _order(plan, name) if tasks[step]["cmd"] is not None]
    for step in steps:
        task = tasks[step]
        command = task["cmd"]
        if step == name and args:
            import shlex

            command += " " + " ".join(shlex.quote(a) for a in args)
        cwd = task["cwd"] or root
        code = _shell(plan, command, cwd, task["env"], [], last=step == steps[-1])
        if code != 0:
            return code
    return 0


def _order(plan: dict[str, Any], start: str) -> list[str]:
    """``start`` and what it depends on, dependencies first."""
    tasks = plan["tasks"]
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str) -> bool:
        if state.get(name) == 2:
            return True
        if state.get(name) == 1 or name not in tasks:
            return False
        state[name] = 1
        if not all(visit(dep) for dep in tasks[name]["depends_on"]):
            return False
        state[name] = 2
        order.append(name)
        return True

    if not visit(start):
        from kiln.conda.platforms import current_platform
        from kiln.environment.spec import check_no_cycle, read_environment

        from pathlib import Path

        spec = read_environment(Path(plan["manifest"]), plan["env"], current_platform())
        check_no_cycle(spec.tasks, start)  # raises, at the manifest's line
        raise KilnError(f"the tasks of {plan['manifest']} changed while kiln ran")
    return order


def _which(name: str, path: str | None = None) -> str | None:
    """``shutil.which`` for POSIX, without importing shutil (its fnmatch pulls in ``re``)."""
    if os.sep in name:
        return name if os.access(name, os.X_OK) and not os.path.isdir(name) else None
    for directory in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def _shell(plan: dict[str, Any], command: str, cwd: str, env: dict[str, str], argv: list[str], *, last: bool) -> int:
    """Run ``command`` in bash after the activation; the last one replaces this process
    (its exit code is then kiln's, and kiln's own exit costs nothing)."""
    import sys

    lines = [plan["activation"]]
    lines += [f'export {k}="{v}"' for k, v in env.items()]
    lines.append(command)
    script = "\n".join(lines)
    shell = _which(os.environ.get("KILN_TASK_SHELL") or "bash")
    if shell is None:
        raise KilnError("cannot run the task: no `bash` on PATH")
    argv = [shell, "-c", script, "kiln-run", *argv]
    if not os.path.isdir(cwd):
        raise KilnError(f"the task's directory {cwd} does not exist", help="check the task's `cwd`")
    if not last:
        import subprocess

        return subprocess.run(argv, cwd=cwd).returncode
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os.chdir(cwd)
    os.execv(shell, argv)
