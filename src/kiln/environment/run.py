"""``kiln run``: a ``[tasks]`` entry (its ``depends-on`` first) or any command, in the activated environment."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from kiln.environment.activation import activation_script, path_with, shell
from kiln.environment.spec import EnvironmentSpec, Task, check_no_cycle
from kiln.errors import KilnError


class UnknownTask(KilnError):
    """Neither a task of the environment nor a command on its PATH."""


def run(spec: EnvironmentSpec, words: list[str]) -> int:
    """Run ``words`` (a task name and extra arguments, or a command); its exit code."""
    name, args = words[0], words[1:]
    task = spec.tasks.get(name)
    if task is None:
        if shutil.which(name, path=path_with(spec)) is None and not Path(name).is_file():
            known = ", ".join(sorted(spec.tasks)) or "none"
            raise UnknownTask(
                f"`{name}` is neither a task of the environment `{spec.name}` nor a command in it",
                help=f"known tasks: {known}",
            )
        return _shell(spec, 'exec "$@"', spec.root, {}, words)
    for step in check_no_cycle(spec.tasks, task.name):
        if step.cmd is None:
            continue
        extra = args if step is task else []
        code = _run_task(spec, step, extra)
        if code != 0:
            return code
    return 0


def _run_task(spec: EnvironmentSpec, task: Task, args: list[str]) -> int:
    command = task.cmd or ""
    if args:
        command += " " + " ".join(shlex.quote(a) for a in args)
    return _shell(spec, command, task.cwd or spec.root, task.env, [])


def _shell(spec: EnvironmentSpec, command: str, cwd: Path, env: dict[str, str], argv: list[str]) -> int:
    lines = [activation_script(spec)]
    lines += [f'export {k}="{v}"' for k, v in env.items()]
    lines.append(command)
    script = "\n".join(lines)
    try:
        return subprocess.run([shell(), "-c", script, "kiln-run", *argv], cwd=cwd).returncode
    except FileNotFoundError as exc:
        raise KilnError(f"cannot run the task shell: {exc}") from None
