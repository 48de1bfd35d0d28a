"""The backend processes of one ``kiln build``: one per package, started on first need, ended together."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiln.errors import BackendError
from kiln.frontend.build.graph import Package
from kiln.frontend.build.options import Reporter
from kiln.frontend.manifest.error_locations import locate_config_error
from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess


class Backends:
    """Backend processes by package, started on first need and closed at the end."""

    def __init__(
        self, workspace: Path, pixi_dir: Path, reporter: Reporter, before_start: Callable[[], None] | None = None
    ) -> None:
        self.workspace = workspace
        self.pixi_dir = pixi_dir
        self.reporter = reporter
        self.before_start = before_start
        """Called before each backend starts (the channel check: it runs once)."""
        self.started = 0
        self._procs: dict[int, BackendProcess] = {}
        self._lock = threading.Lock()

    def get(self, package: Package, model: t.ProjectModel | None) -> BackendProcess:
        with self._lock:
            proc = self._procs.get(id(package))
            if proc is not None:
                return proc
            self.started += 1
        if self.before_start is not None:
            self.before_start()
        label = package.label
        proc = BackendProcess(
            list(package.command.argv),
            env=package.command.env,
            on_stderr=lambda line: self.reporter.log(label, line),
        )
        try:
            proc.negotiate_capabilities()
            proc.initialize(
                initialize_params(
                    manifest=package.found.manifest_path,
                    source=package.source_dir,
                    workspace=self.workspace,
                    scratch=self.pixi_dir / "scratch-v0",
                    model=model,
                    configuration=package.found.configuration,
                    target_configuration=package.found.target_configuration,
                    checkout_root=_checkout_root(package),
                )
            )
        except BackendError as exc:
            proc.kill()
            located = locate_config_error(exc, package.table)
            if located is None:
                raise
            raise located from None
        except BaseException:
            proc.kill()
            raise
        with self._lock:
            self._procs[id(package)] = proc
        return proc

    def close_all(self) -> None:
        for proc in self._procs.values():
            proc.close()
        self._procs.clear()

    def kill_all(self) -> None:
        for proc in self._procs.values():
            proc.kill()
        self._procs.clear()


def initialize_params(
    *,
    manifest: Path,
    source: Path,
    workspace: Path,
    scratch: Path,
    model: t.ProjectModel | None,
    configuration: Any,
    target_configuration: dict[str, Any] | None,
    checkout_root: Path | None = None,
) -> t.InitializeParams:
    """What a backend is initialized with, here or on a cluster's worker (with its paths there)."""
    extra = {"checkout_root": str(checkout_root)} if checkout_root is not None else {}
    return t.InitializeParams(
        manifest_path=str(manifest),
        source_directory=str(source),
        workspace_directory=str(workspace),
        cache_directory=os.environ.get("PIXI_CACHE_DIR") or os.environ.get("RATTLER_CACHE_DIR"),
        workspace_scratch_directory=str(scratch),
        project_model=model,
        configuration=configuration,
        target_configuration=target_configuration,
        **extra,
    )


def _checkout_root(package: Package) -> Path | None:
    checkout = package.build_checkout or package.checkout
    return checkout.root
