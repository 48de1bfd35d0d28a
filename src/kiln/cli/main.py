"""``kiln``: the front end's command line (pixi's ``pixi build`` / ``pixi publish``)."""

from __future__ import annotations

import click

from kiln import __version__
from kiln.cli.process import exit_process
from kiln.errors import KilnError


class KilnGroup(click.Group):
    """Turns a ``KilnError`` into ``error: <message>`` and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KilnError as exc:
            click.echo(f"error: {exc}", err=True)
            exit_process(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            exit_process(130)


@click.group(cls=KilnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kiln")
def cli() -> None:
    """kiln builds conda packages from source trees, the way `pixi build` does."""


from kiln.cli.build import register as _register_build  # noqa: E402

_register_build(cli)


from kiln.cli.channel import channel_group  # noqa: E402
from kiln.cli.environment import install_command, run_command, shell_hook_command  # noqa: E402

cli.add_command(channel_group)
cli.add_command(install_command)
cli.add_command(run_command)
cli.add_command(shell_hook_command)


from kiln.cli.migrate import migrate_command  # noqa: E402

cli.add_command(migrate_command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        exit_process(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        exit_process(exc.exit_code)
    except click.exceptions.Exit as exc:
        exit_process(exc.exit_code)
    except KilnError as exc:
        click.echo(f"error: {exc}", err=True)
        exit_process(1)
    exit_process(0)
