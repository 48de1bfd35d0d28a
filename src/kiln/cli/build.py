"""``kiln build`` and ``kiln publish``: pixi's flags, plus what users ask pixi for.

pixi's: ``--path``/``--manifest-path``, ``-o/--output-dir``, ``-t/--target-platform``,
``--build-platform``, ``-b/--build-dir``, ``-c/--clean``, ``--variant``,
``-m/--variant-config``, ``--package-format``, ``--build-number``,
``--build-string-prefix``, ``-v/-q``, ``--color``, ``--no-progress``.
kiln's: ``--force``, ``--render-only``, ``--explain``, ``--json``, ``-j/--jobs``,
``--channel``, ``--scheduler``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click


def _parse_variants(values: tuple[str, ...]) -> dict[str, list[str]]:
    variants: dict[str, list[str]] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise click.BadParameter(f"`{value}`: expected KEY=VALUE[,VALUE...]", param_hint="--variant")
        variants.setdefault(key.strip(), []).extend(v.strip() for v in rest.split(",") if v.strip())
    return variants


def _parse_package_format(value: str | None):
    if value is None:
        return None
    from kiln.protocol.types import PackageFormat

    m = re.fullmatch(r"(conda|tar-bz2|tar\.bz2)(?::(-?\d+|min|max|lowest|highest|default))?", value)
    if not m:
        raise click.BadParameter(f"`{value}`: expected conda[:LEVEL] or tar-bz2[:LEVEL]", param_hint="--package-format")
    kind = "conda" if m.group(1) == "conda" else "tar_bz2"
    level_text = m.group(2) or "default"
    level: int | str = {"min": "lowest", "max": "highest"}.get(level_text, level_text)
    if isinstance(level, str) and re.fullmatch(r"-?\d+", level):
        level = int(level)
        bounds = (-7, 22) if kind == "conda" else (1, 9)
        if not bounds[0] <= level <= bounds[1]:
            raise click.BadParameter(f"compression level {level} is out of range {bounds}", param_hint="--package-format")
    return PackageFormat(archive_type=kind, compression_level=level)


def build_options(f):
    options = [
        click.option("--path", "--manifest-path", "path", type=click.Path(path_type=Path), default=None,
                     help="Package directory or manifest (pixi.toml, pyproject.toml, recipe.yaml); default `.`."),
        click.option("-t", "--target-platform", default=None, help="Platform the package is for (default: current)."),
        click.option("--build-platform", default=None, help="Platform the build runs on (default: current)."),
        click.option("-b", "--build-dir", type=click.Path(path_type=Path), default=None,
                     help="Directory for conda/outputs work files (default: .pixi/meta-v0)."),
        click.option("-c", "--clean", is_flag=True, help="Drop the cached artifacts of the packages built."),
        click.option("--variant", "variants", multiple=True, metavar="KEY=V1,V2", help="Variant override."),
        click.option("-m", "--variant-config", "variant_files", multiple=True, type=click.Path(path_type=Path),
                     help="Variant configuration file."),
        click.option("--package-format", default=None, metavar="conda[:LEVEL]|tar-bz2[:LEVEL]",
                     help="Archive format and compression."),
        click.option("--build-number", type=int, default=None, help="Override the build number."),
        click.option("--build-string-prefix", default=None, help="Prefix for the build string."),
        click.option("--channel", "channels", multiple=True, help="Extra channel (URL or directory), before the workspace's."),
        click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
                     help="Independent packages built at once."),
        click.option("--scheduler", default=None, metavar="tcp://HOST:PORT|local:N",
                     help="Build on a Dask cluster (its scheduler's address), or on N local worker processes; "
                          "needs `pip install 'kiln[dask]'`."),
        click.option("--force", is_flag=True, help="Rebuild even what is cached."),
        click.option("--render-only", is_flag=True, help="Print the generated recipes and outputs; build nothing."),
        click.option("--explain", is_flag=True, help="Say for each package why it was rebuilt or reused."),
        click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary (only that) on stdout."),
        click.option("-v", "--verbose", count=True, help="Stream the backends' logs."),
        click.option("-q", "--quiet", count=True, help="Print only errors."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True),
        click.option("--no-progress", is_flag=True, help="Plain lines instead of the live display."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def run_build(output_dir: Path | None, kw: dict, publish_to: Path | None = None):
    """Build as ``kw`` says; returns the summary and the reporter (for :func:`_report`)."""
    from kiln.conda.platforms import current_platform
    from kiln.cli.progress import make_reporter
    from kiln.frontend.build.session import BuildOptions, build

    reporter = make_reporter(
        verbose=kw["verbose"], quiet=kw["quiet"], progress=not (kw["no_progress"] or kw["as_json"]), color=kw["color"]
    )
    options = BuildOptions(
        path=kw["path"] or Path("."),
        output_dir=output_dir.absolute() if output_dir else None,
        target_platform=kw["target_platform"] or current_platform(),
        build_platform=kw["build_platform"] or current_platform(),
        channels=list(kw["channels"]),
        variants=_parse_variants(kw["variants"]),
        variant_files=list(kw["variant_files"]),
        build_number=kw["build_number"],
        build_string_prefix=kw["build_string_prefix"],
        package_format=_parse_package_format(kw["package_format"]),
        jobs=kw["jobs"],
        force=kw["force"],
        clean=kw["clean"],
        render_only=kw["render_only"],
        build_dir=kw["build_dir"],
        scheduler=kw["scheduler"],
        reporter=reporter,
    )
    with reporter:
        summary = build(options)
    if publish_to is not None and not kw["render_only"]:
        from kiln.frontend.build.publish import publish

        summary.delivered = publish(summary.delivered, publish_to)
    return summary, reporter


def _report(summary, kw: dict, reporter) -> None:
    if kw["as_json"]:
        click.echo(json.dumps(_as_json(summary), indent=2))
        return
    if kw["render_only"]:
        for label, recipe in summary.rendered.items():
            click.echo(f"# --- {label}: generated recipe ---")
            click.echo(recipe.rstrip("\n") or "# (no recipe file)")
        for pkg in summary.packages:
            click.echo(f"# --- {pkg.label}: outputs ---")
            for line in pkg.reasons:
                click.echo(f"#   {line}")
        return
    if kw["explain"]:
        for pkg in summary.packages:
            reporter.explain(pkg.label, pkg.status, pkg.reasons)
    if not kw["quiet"] and summary.delivered:
        rows = [[a.name, a.version, a.build, a.subdir, str(a.path)] for a in summary.delivered]
        reporter.table("archives written", ["package", "version", "build", "subdir", "file"], rows)


def _as_json(summary) -> dict:
    def artifact(a):
        return {"name": a.name, "version": a.version, "build": a.build, "subdir": a.subdir, "path": str(a.path),
                "sha256": a.sha256}  # fmt: skip

    return {
        "workspace": str(summary.workspace),
        "backends_started": summary.backends_started,
        "packages": [
            {"label": p.label, "source": p.source, "status": p.status, "reasons": p.reasons,
             "elapsed": round(p.elapsed, 3), "artifacts": [artifact(a) for a in p.artifacts]}
            for p in summary.packages
        ],  # fmt: skip
        "delivered": [artifact(a) for a in summary.delivered],
        "rendered": summary.rendered,
    }


def register(cli: click.Group) -> None:
    @cli.command("build")
    @click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=Path("."), show_default=True,
                  help="Where the archives are written, as flat <name>-<version>-<build>.conda files.")  # fmt: skip
    @build_options
    def build_command(output_dir: Path, **kw) -> None:
        """Build the package at --path (and the source packages it needs)."""
        summary, reporter = run_build(output_dir, kw)
        _report(summary, kw, reporter)

    @cli.command("publish")
    @click.option("--target-channel", "--to", "target_channel", type=click.Path(path_type=Path), default=None,
                  help="Local channel directory to add the archives to (created and indexed).")
    @click.option("--target-dir", type=click.Path(path_type=Path), default=None,
                  help="Directory to copy the archives into, flat and not indexed (default: `.`).")
    @build_options
    def publish_command(target_channel: Path | None, target_dir: Path | None, **kw) -> None:
        """Build, then add the archives to a local channel or copy them into a directory (as `pixi publish`).

        Without --path, every package of the workspace with `publish = true` in its
        [package] is published, dependencies first; when none opts in, the package at `.`.
        """
        if target_channel is not None and target_dir is not None:
            raise click.UsageError("--target-channel/--to and --target-dir are mutually exclusive")
        if target_channel is not None and "://" in str(target_channel) and not str(target_channel).startswith("file://"):
            raise click.UsageError(
                f"{target_channel}: kiln publishes to local channels only (a directory or a file:// URL)"
            )
        if target_channel is not None and str(target_channel).startswith("file://"):
            from urllib.parse import urlparse
            from urllib.request import url2pathname

            target_channel = Path(url2pathname(urlparse(str(target_channel)).path))
        paths = [kw["path"]] if kw["path"] is not None else _publish_set() or [Path(".")]
        summaries = []
        reporter = None
        for path in paths:
            one = {**kw, "path": path}
            if target_channel is not None:
                import tempfile

                with tempfile.TemporaryDirectory(prefix="kiln-publish-") as tmp:
                    summary, reporter = run_build(Path(tmp), one, publish_to=target_channel)
            else:
                summary, reporter = run_build(target_dir or Path("."), one)
            summaries.append(summary)
        _report(_merge(summaries), kw, reporter)


def _publish_set() -> list[Path]:
    from kiln.frontend.build.publish import publish_set
    from kiln.frontend.manifest.workspace import load_workspace

    return [p.directory for p in publish_set(load_workspace(Path(".")).root)]


def _merge(summaries: list):
    """One summary for a publish of several packages: each archive once."""
    first = summaries[0]
    if len(summaries) == 1:
        return first
    seen: set[str] = set()
    delivered = []
    packages = []
    for summary in summaries:
        packages.extend(summary.packages)
        for artifact in summary.delivered:
            if str(artifact.path) not in seen:
                seen.add(str(artifact.path))
                delivered.append(artifact)
    first.packages = packages
    first.delivered = delivered
    first.backends_started = sum(s.backends_started for s in summaries)
    for summary in summaries[1:]:
        first.rendered.update(summary.rendered)
    return first
