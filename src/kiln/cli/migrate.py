"""``kiln migrate``: rewrite a pixi manifest's older forms into the current ones, printing the diff."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("migrate")
@click.option("--manifest-path", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The manifest (pixi.toml, pyproject.toml, mojoproject.toml) or its directory.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Print the diff; change nothing.")
def migrate_command(manifest_path: Path, dry_run: bool) -> None:
    """Rewrite older manifest forms (`[project]`, `[build-system]`, ...) as pixi writes them now.

    Comments, order and formatting stay as written. A manifest whose meaning the
    rewrite cannot keep is left unchanged, with the reason.
    """
    from kiln.frontend.manifest.migrate import apply_migration, plan_migration

    migration = plan_migration(manifest_path)
    if not migration.changed:
        click.echo(f"{migration.path}: nothing to migrate", err=True)
        return
    click.echo(migration.diff(), nl=False)
    if dry_run:
        click.echo(f"{migration.path}: {len(migration.findings)} older forms (dry run: nothing written)", err=True)
        return
    apply_migration(migration)
    click.echo(f"{migration.path}: rewrote {len(migration.findings)} older forms", err=True)
