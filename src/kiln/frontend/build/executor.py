"""Where the outputs of a ``kiln build`` are built: the executor interface and the local one.

The session plans the graph, looks up the caches and stores what is built; an
executor only turns one :class:`BuildJob` -- an output whose archive is not cached
-- into a ``conda/build_v1`` result whose ``output_file`` is an archive on this
machine. :class:`LocalExecutor` (the default, ``-j``) asks the package's backend
process from the pool; :mod:`.cluster` sends the job to a Dask cluster instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiln.protocol import types as t

if TYPE_CHECKING:
    from pathlib import Path

    from kiln.frontend.build.cache import CachedArtifact
    from kiln.frontend.build.channel import LocalChannel
    from kiln.frontend.build.graph import Package
    from kiln.frontend.build.pool import Backends


@dataclass
class BuildJob:
    """One output to build, with everything a build of it needs besides the backend."""

    package: Package
    output: t.CondaOutput
    key: str
    """The output's artifact-cache key."""
    model: t.ProjectModel | None
    params: t.CondaBuildV1Params
    """The request as a local build sends it (work directory and channels of this machine)."""
    workspace: Path
    """The workspace directory a local build's backend is initialized with."""
    local_channel: str
    """The workspace channel in ``params.channels``: where source dependencies are found here."""
    environment: list[CachedArtifact]
    """The archives of the source packages its build and host environments install (and
    what those need at run time): the workspace channel's share of this build."""
    source_globs: list[str]
    """Globs (relative to the package's source directory) known to select its inputs,
    some perhaps above it (``../Cargo.toml``); a remote build needs these files too."""
    ignore: list[str]
    """What never counts as an input (kiln's own directories and archives)."""
    backend_channels: list[str]
    """Where a backend kiln does not ship is installed from."""
    backend_additional: list[str]
    """The ``additional-dependencies`` installed with such a backend."""
    said: str = ""
    """Why it is built, as the progress display says it (``new``, ``--force``, ...)."""


class Executor(Protocol):
    """Builds jobs; the session decides what and when."""

    width: int
    """How many packages may be in flight at once."""

    def build(self, job: BuildJob) -> t.CondaBuildV1Result:
        """Build the job's output; the result's ``output_file`` is a local archive,
        removed by the session (see :attr:`owns_archives`) once it is stored."""
        ...

    @property
    def owns_archives(self) -> bool:
        """Are result archives the executor's temporary copies, to be deleted once stored?"""
        ...

    def stop(self) -> None:
        """Interrupted: end what is running now, without waiting for it."""
        ...

    def close(self) -> None:
        """The build is over: release what the executor holds."""
        ...


class LocalExecutor:
    """Today's ``-j``: the package's backend process on this machine builds its outputs."""

    owns_archives = False

    def __init__(self, backends: Backends, jobs: int, channel: LocalChannel) -> None:
        self.backends = backends
        self.width = max(1, jobs)
        self.channel = channel

    def build(self, job: BuildJob) -> t.CondaBuildV1Result:
        if job.environment:  # its environments install source packages: the workspace channel must list them
            self.channel.index()
        backend = self.backends.get(job.package, job.model)
        return backend.conda_build_v1(job.params)

    def stop(self) -> None:
        self.backends.kill_all()

    def close(self) -> None:
        pass

