"""``kiln channel bootstrap|add|index|install``: local channels from the command line."""

from __future__ import annotations

from pathlib import Path

import click

_DIR = click.Path(path_type=Path, file_okay=True, dir_okay=True)


@click.group("channel")
def channel_group() -> None:
    """Make and maintain local conda channels (for builds without channel access)."""


@channel_group.command("bootstrap")
@click.argument("directory", type=_DIR)
@click.option("--only", multiple=True, metavar="KIND[,KIND]",
              help="Make only these kinds: python, python-packages, cmake, ninja, patchelf, c, cxx, fortran, rust, "
                   "stdlib, r (groups: tools, compilers).")
@click.option("--skip", multiple=True, metavar="KIND[,KIND]", help="Do not make these kinds.")
@click.option("--python-package", "python_packages", multiple=True, metavar="NAME",
              help="Also package this distribution installed next to kiln, with its dependencies "
                   "(e.g. flit-core, poetry-core, scikit-build-core).")
@click.option("-q", "--quiet", is_flag=True, help="Print no table.")
def bootstrap_command(directory: Path, only, skip, python_packages, quiet: bool) -> None:  # fmt: skip
    """Create or refresh an offline channel in DIRECTORY from this machine's toolchain.

    It holds a python that wraps the interpreter kiln runs with, the Python build
    tools installed next to kiln, cmake/ninja/patchelf and the compilers on PATH,
    plus DIRECTORY/variants.yaml to pass to builds with -m.
    """
    from kiln.channels.bootstrap import bootstrap, select_kinds

    kinds = select_kinds(only, skip)
    report = bootstrap(
        directory, kinds=kinds, python_packages=python_packages, note=lambda text: click.echo(f"note: {text}", err=True)
    )
    if not quiet:
        _print_table(report)


def _print_table(report) -> None:
    import sys

    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"channel {report.channel}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("package", "version", "subdir", "kind", "size", "status"):
        table.add_column(column, justify="right" if column == "size" else "left", no_wrap=True)
    for row in report.rows:
        table.add_row(row.name, row.version, row.subdir, row.kind, _size(row.size), row.status)
    console = Console(width=None if sys.stdout.isatty() else 100)
    console.print(table)
    total = sum(row.size for row in report.rows)
    console.print(f"{len(report.rows)} packages, {_size(total)}; variants: {report.variants_file}", highlight=False)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@channel_group.command("add")
@click.argument("directory", type=_DIR)
@click.argument("archives", nargs=-1, required=True, type=click.Path(path_type=Path))
def add_command(directory: Path, archives: tuple[Path, ...]) -> None:
    """Copy package ARCHIVES (.conda/.tar.bz2) into the channel DIRECTORY and re-index it."""
    from kiln.channels.index import add_archives

    for path in add_archives(directory, archives):
        click.echo(str(path))


@channel_group.command("index")
@click.argument("directory", type=_DIR)
def index_command(directory: Path) -> None:
    """Re-index the channel DIRECTORY (every archive is hashed again)."""
    from kiln.channels.index import index_channel

    index_channel(directory)


@channel_group.command("install")
@click.option("-p", "--prefix", required=True, type=click.Path(path_type=Path), help="Environment to create.")
@click.option("-c", "--channel", "channels", multiple=True,
              help="Local channel (directory or file:// URL), highest priority first.")
@click.option("--platform", default=None, help="Platform of the environment (default: this machine's).")
@click.argument("specs", nargs=-1, required=True)
def install_command(prefix: Path, channels: tuple[str, ...], platform: str | None, specs: tuple[str, ...]) -> None:
    """Install SPECS from local channels into a fresh environment at PREFIX, to try a built package.

    A SPEC may be a package archive (what `kiln build -o` writes): that package is
    installed. Only local channels are read: nothing is downloaded. (`kiln install`
    without `-p` installs the workspace environment instead.)
    """
    install_specs(prefix, channels, platform, specs)


def install_specs(prefix: Path, channels: tuple[str, ...], platform: str | None, specs: tuple[str, ...]) -> None:
    from kiln.channels.install import install

    records = install(prefix, specs, channels, platform=platform)
    for record in records:
        click.echo(f"{record.name} {record.version} {record.build} ({record.channel})")
