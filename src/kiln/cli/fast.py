"""The ``kiln`` entry point: ``kiln run`` in an up-to-date environment without click, else :mod:`.main`.

An up-to-date ``kiln run TASK`` is the edit-and-run loop's cost, and importing click
and the command modules is a third of it; so when the arguments are only
``--manifest-path``/``-e`` and the environment's stamp holds, the run plan is run
here. Anything else (other options, ``--help``, an out-of-date environment) goes to
the full command line, which behaves the same.
"""

from __future__ import annotations

import sys


def _parse(args: list[str]) -> tuple[str | None, str | None, list[str]] | None:
    """``[--manifest-path P] [-e ENV] WORDS...`` as ``kiln run`` reads them; None for anything else."""
    manifest: str | None = None
    env: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name not in ("--manifest-path", "-e", "--environment"):
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        if name == "--manifest-path":
            manifest = value
        else:
            env = value
        i += 1
    words = args[i:]
    return (manifest, env, words) if words else None


def main() -> None:
    args = sys.argv[1:]
    parsed = _parse(args[1:]) if args[:1] == ["run"] else None
    if parsed is not None:
        from kiln.environment.stamp import up_to_date

        manifest, env, words = parsed
        plan = up_to_date(manifest, env)
        if plan:
            from kiln.cli.process import exit_process
            from kiln.environment.run import run
            from kiln.errors import KilnError

            try:
                code = run(plan, words)
            except KilnError as exc:
                print(f"error: {exc}", file=sys.stderr)
                exit_process(1)
            except KeyboardInterrupt:
                print("interrupted", file=sys.stderr)
                exit_process(130)
            exit_process(code)
    from kiln.cli.main import main as full

    full()
