"""The command line every ``pixi-build-*`` executable shares (spec §1.5).

``<backend>`` with no arguments serves JSON-RPC on stdio -- that is all pixi ever
runs, so that path parses no options and imports nothing heavy. The rest is for
people: ``capabilities``, ``--version``, ``-v/-q`` and ``render``, which prints the
recipe the backend would generate for a manifest. Started by hand on a terminal, it
says in one line on stderr what it is waiting for; pixi pipes stdin, so pixi never
sees that line.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

from kiln.cli.process import exit_process

if TYPE_CHECKING:
    import argparse

    from kiln.backend.api import BackendDescriptor


def run(descriptor: BackendDescriptor, argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        _hint_on_terminal(descriptor)
        from kiln.protocol.server import serve_stdio

        exit_process(serve_stdio(descriptor))
    exit_process(_run_with_args(descriptor, args))


def _hint_on_terminal(descriptor: BackendDescriptor) -> None:
    """Someone who runs the backend by hand would otherwise see it wait in silence.
    Only when stdin is a terminal: one isatty call, nothing imported."""
    try:
        if not os.isatty(0):
            return
    except OSError:
        return
    name = descriptor.name
    sys.stderr.write(
        f"{name}: a pixi build backend, waiting for JSON-RPC requests on stdin (Ctrl-D ends); "
        f"see `{name} --help`, or `{name} render <manifest>` for the recipe it generates\n"
    )
    sys.stderr.flush()


def _parser(descriptor: BackendDescriptor) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=descriptor.name,
        description=f"{descriptor.name}: a pixi build backend (kiln). "
        "Without a subcommand it serves pixi's JSON-RPC protocol on stdin/stdout.",
    )
    parser.add_argument("--version", action="version", version=f"{descriptor.name} {descriptor.version} (kiln)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (repeatable)")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="less log output (repeatable)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("capabilities", help="print the protocol capabilities to stderr")
    render = sub.add_parser("render", help="print the recipe this backend generates for a manifest")
    render.add_argument("manifest", help="path of the manifest (pixi.toml, pyproject.toml, recipe.yaml, ...)")
    render.add_argument("--project-model", metavar="FILE", help="wire project model (JSON) to use")
    render.add_argument("--config", metavar="FILE", help="backend configuration, JSON or TOML")
    render.add_argument("--host-platform", metavar="PLATFORM", help="platform to render for (default: current)")
    render.add_argument("--build-platform", metavar="PLATFORM", help="build platform (default: current)")
    return parser


def _run_with_args(descriptor: BackendDescriptor, argv: list[str]) -> int:
    from kiln.protocol import log

    parser = _parser(descriptor)
    ns = parser.parse_args(argv)
    log.configure(verbose=ns.verbose, quiet=ns.quiet, prefix=descriptor.name)
    if ns.command is None:
        _hint_on_terminal(descriptor)
        from kiln.protocol.server import serve_stdio

        return serve_stdio(descriptor)
    if ns.command == "capabilities":
        sys.stderr.write("Supports conda/outputs: true\nSupports conda/build_v1: true\n")
        return 0
    from kiln.errors import KilnError

    try:
        return _render(descriptor, ns)
    except KilnError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1


def _render(descriptor: BackendDescriptor, ns: argparse.Namespace) -> int:
    from kiln.cli.render import render_for_manifest

    text = render_for_manifest(
        descriptor,
        manifest=ns.manifest,
        project_model_file=ns.project_model,
        config_file=ns.config,
        host_platform=ns.host_platform,
        build_platform=ns.build_platform,
    )
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
