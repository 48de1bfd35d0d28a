"""What ``kiln build`` reports back: each package's outcome and the archives delivered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiln.frontend.build.cache import CachedArtifact


@dataclass
class Artifact:
    name: str
    version: str
    build: str
    subdir: str
    path: Path
    sha256: str

    @classmethod
    def of(cls, cached: CachedArtifact) -> Artifact:
        r = cached.result
        return cls(r["name"], r["version"], r["build"], r["subdir"], cached.path, cached.sha256)


@dataclass
class PackageResult:
    label: str
    source: str
    status: str
    """``built``, ``cached``, ``partly-cached`` or ``rendered``."""
    reasons: list[str]
    artifacts: list[Artifact]
    elapsed: float = 0.0


@dataclass
class BuildSummary:
    workspace: Path
    packages: list[PackageResult]
    delivered: list[Artifact]
    backends_started: int
    rendered: dict[str, str] = field(default_factory=dict)
