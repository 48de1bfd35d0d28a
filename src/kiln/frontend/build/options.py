"""What one ``kiln build`` is asked to do, and where it reports progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.conda.platforms import current_platform
from kiln.protocol import types as t


class Reporter:
    """Receives progress events; the CLI renders them. The default ignores them."""

    def state(self, label: str, state: str, detail: str = "") -> None:
        pass

    def log(self, label: str, line: str) -> None:
        pass

    def message(self, text: str) -> None:
        pass


@dataclass
class BuildOptions:
    path: Path
    output_dir: Path | None = None
    target_platform: str = field(default_factory=current_platform)
    build_platform: str = field(default_factory=current_platform)
    channels: list[str] = field(default_factory=list)
    variants: dict[str, list[Any]] = field(default_factory=dict)
    variant_files: list[Path] = field(default_factory=list)
    build_number: int | None = None
    build_string_prefix: str | None = None
    package_format: t.PackageFormat | None = None
    jobs: int = 1
    force: bool = False
    clean: bool = False
    render_only: bool = False
    build_dir: Path | None = None
    editable: bool = False
    """Ask backends for editable builds of path (mutable) sources, as pixi does for the
    workspace environment (protocol ``editable``); ``kiln build``/``publish`` keep False."""
    scheduler: str | None = None
    """``tcp://HOST:PORT`` of a Dask scheduler, or ``local:N``: build there (:mod:`.cluster`)."""
    reporter: Reporter = field(default_factory=Reporter)
