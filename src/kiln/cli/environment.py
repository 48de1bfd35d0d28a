"""``kiln install``, ``kiln run``, ``kiln shell-hook``: the workspace environment (pixi's commands of those names)."""

from __future__ import annotations

from pathlib import Path

import click

from kiln.cli.process import exit_process

_MANIFEST = click.option("--manifest-path", "manifest_path", type=click.Path(path_type=Path), default=None,
                         help="The workspace manifest (pixi.toml/pyproject.toml) or its directory; default: found "
                              "from the current directory.")  # fmt: skip
_ENV = click.option("-e", "--environment", "env", default=None, help="The environment (default: `default`).")


def _note(text: str) -> None:
    click.echo(text, err=True)


def _reporter():
    """One stderr line per source package built (the full live display is `kiln build`'s)."""
    from kiln.frontend.build.options import Reporter

    class Lines(Reporter):
        def state(self, label: str, state: str, detail: str = "") -> None:
            if state == "building":
                _note(f"building {label}" + (f" ({detail})" if detail else ""))

        def message(self, text: str) -> None:
            _note(text)

    return Lines()


@click.command("install")
@_MANIFEST
@_ENV
@click.option("--frozen", is_flag=True, help="Install pixi.lock as it is, without checking it against the manifest.")
@click.option("--locked", is_flag=True, help="Fail if pixi.lock is out of date instead of updating it.")
@click.option("-p", "--prefix", type=click.Path(path_type=Path), default=None, hidden=True)
@click.option("-c", "--channel", "channels", multiple=True, hidden=True)
@click.option("--platform", default=None, hidden=True)
@click.argument("specs", nargs=-1, metavar="[-p PREFIX -c CHANNEL SPEC...]")
def install_command(manifest_path, env, frozen, locked, prefix, channels, platform, specs) -> None:  # fmt: skip
    """Install the workspace environment into .pixi/envs/ENV (as `pixi install`).

    Builds the source dependencies (path, git, url) the way `kiln build` does, editable
    for path sources, solves the rest from the workspace channels, and writes pixi.lock.

    To install package specs or archives from local channels into any prefix instead,
    use `kiln channel install -p PREFIX -c CHANNEL SPEC...` (`kiln install -p ...` is
    still accepted as that).
    """
    if prefix is not None or specs:
        if prefix is None:
            raise click.UsageError("package specs are installed with `kiln channel install -p PREFIX -c CHANNEL SPEC...`")
        from kiln.cli.channel import install_specs

        install_specs(prefix, channels, platform, specs)
        return
    if channels or platform:
        raise click.UsageError("`-c`/`--platform` belong to `kiln channel install`; a workspace names its channels")
    from kiln.environment.stamp import up_to_date

    if not frozen and up_to_date(manifest_path, env) is not None:
        _note(f"environment `{env or 'default'}` is up to date")
        return
    from kiln.environment.install import install

    result = install(manifest_path, env, frozen=frozen, locked=locked, reporter=_reporter(), note=_note)
    _note(f"environment `{result.spec.name}` ({len(result.records)} packages) at {result.spec.prefix}")


@click.command("run", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@_MANIFEST
@_ENV
@click.option("--frozen", is_flag=True, help="Install from pixi.lock as it is if out of date.")
@click.option("--locked", is_flag=True, help="Fail if pixi.lock is out of date.")
@click.argument("words", nargs=-1, required=True, type=click.UNPROCESSED, metavar="TASK|COMMAND [ARGS]...")
def run_command(manifest_path, env, frozen, locked, words) -> None:
    """Run a [tasks] entry or any command inside the environment, installing it first if out of date.

    The exit code is the command's.
    """
    code = _run(manifest_path, env, frozen, locked, list(words))
    exit_process(code)


def _plan(manifest_path, env, frozen=False, locked=False) -> dict:
    """The run plan of an up-to-date environment: the stamp's, else installed first."""
    from kiln.environment.stamp import up_to_date

    plan = None if frozen else up_to_date(manifest_path, env)
    if not plan:
        from kiln.environment.install import install
        from kiln.environment.run import run_plan

        plan = run_plan(install(manifest_path, env, frozen=frozen, locked=locked, reporter=_reporter(), note=_note).spec)
    return plan


def _run(manifest_path, env, frozen, locked, words) -> int:
    plan = _plan(manifest_path, env, frozen, locked)
    from kiln.environment.run import run

    return run(plan, words)


@click.command("shell-hook")
@_MANIFEST
@_ENV
@click.option("--shell", type=click.Choice(["bash", "zsh"]), default="bash", show_default=True)
def shell_hook_command(manifest_path, env, shell) -> None:
    """Print the environment's activation, for `eval "$(kiln shell-hook)"` in bash or zsh."""
    click.echo(_plan(manifest_path, env)["activation"], nl=False)
