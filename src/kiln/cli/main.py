"""``kiln``: the front end's command line (pixi's ``pixi build`` / ``pixi publish``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kiln import __version__
from kiln.errors import KilnError


def _exit(code: int) -> None:
    """Flush and leave without interpreter teardown (py-rattler can crash there)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


class KilnGroup(click.Group):
    """Turns a ``KilnError`` into ``error: <message>`` and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KilnError as exc:
            click.echo(f"error: {exc}", err=True)
            _exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            _exit(130)


@click.group(cls=KilnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kiln")
def cli() -> None:
    """kiln builds conda packages from source trees, the way `pixi build` does."""


def _parse_variant(values: tuple[str, ...]) -> dict[str, list[str]]:
    variants: dict[str, list[str]] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise click.BadParameter(f"`{value}`: expected KEY=VALUE[,VALUE...]", param_hint="--variant")
        variants.setdefault(key.strip(), []).extend(v.strip() for v in rest.split(",") if v.strip())
    return variants


@cli.command("build")
@click.option("--path", "--manifest-path", "path", type=click.Path(path_type=Path), default=Path("."),
              help="Package directory or manifest (pixi.toml, pyproject.toml, recipe.yaml).")
@click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=Path("."),
              help="Directory the archives are written to (as <dir>/<subdir>/<file>).")
@click.option("-t", "--target-platform", default=None, help="Platform the package is for (default: current).")
@click.option("--build-platform", default=None, help="Platform the build runs on (default: current).")
@click.option("-c", "--channel", "channels", multiple=True, help="Extra channel (URL or local directory).")
@click.option("--variant", "variants", multiple=True, metavar="KEY=V1,V2", help="Variant override.")
@click.option("-m", "--variant-config", "variant_files", multiple=True, type=click.Path(path_type=Path),
              help="Variant configuration file.")
@click.option("--build-number", type=int, default=None, help="Override the build number.")
@click.option("--build-string-prefix", default=None, help="Prefix for the build string.")
@click.option("-v", "--verbose", count=True, help="Show the backends' logs.")
@click.option("-q", "--quiet", count=True, help="Print only errors.")
def build_command(path, output_dir, target_platform, build_platform, channels, variants, variant_files,
                  build_number, build_string_prefix, verbose, quiet) -> None:  # fmt: skip
    """Build the package at --path into .conda archives."""
    from kiln.backend.platforms import current_platform
    from kiln.frontend.build import BuildOptions, build

    def on_log(line: str) -> None:
        if verbose:
            click.echo(line, err=True)

    def on_status(name: str, state: str) -> None:
        if not quiet:
            click.echo(f"{name}: {state}", err=True)

    options = BuildOptions(
        path=path,
        output_dir=output_dir.absolute(),
        target_platform=target_platform or current_platform(),
        build_platform=build_platform or current_platform(),
        channels=list(channels),
        variants=_parse_variant(variants),
        variant_files=list(variant_files),
        build_number=build_number,
        build_string_prefix=build_string_prefix,
        on_log=on_log,
        on_status=on_status,
    )
    artifacts = build(options)
    for artifact in artifacts:
        click.echo(str(artifact.path))


from kiln.cli.channel import channel_group, install_command  # noqa: E402

cli.add_command(channel_group)
cli.add_command(install_command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        _exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        _exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        _exit(exc.exit_code)
    except KilnError as exc:
        click.echo(f"error: {exc}", err=True)
        _exit(1)
    _exit(0)
