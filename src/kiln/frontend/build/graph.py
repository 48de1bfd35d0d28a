"""The source-package graph of one ``kiln build``: packages, their output edges, and the orders they build in.

A node is one source package for one host platform; an edge goes from an output to
an output of a package it needs in its build, host or run environment. One
depth-first walk (:func:`depth_first`) gives every order here and is the only cycle
check: between outputs when marking what is needed, between packages (which build as
units) when ordering them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kiln.errors import DependencyCycleError, KilnError
from kiln.frontend.build.cache import CachedArtifact
from kiln.frontend.build.command import BackendCommand
from kiln.frontend.build.discovery import Discovered
from kiln.frontend.build.sources import Checkout
from kiln.protocol import types as t

if TYPE_CHECKING:
    from kiln.frontend.manifest.toml_source import Table

#: The requirement lists an edge can come from, as named in ``conda/outputs``.
BUCKETS = ("build", "host", "run")

N = TypeVar("N")


@dataclass(eq=False)
class Package:
    """One source package to build for one host platform."""

    checkout: Checkout
    found: Discovered
    command: BackendCommand
    build_checkout: Checkout | None
    host_platform: str
    build_platform: str
    label: str
    meta_components: dict[str, Any] = field(default_factory=dict)
    meta_key: str = ""
    meta_dir: Path | None = None
    outputs: list[t.CondaOutput] = field(default_factory=list)
    #: output name -> [(dependency package, dependency output name)]
    edges: dict[str, list[tuple[Package, str]]] = field(default_factory=dict)
    #: output name -> (id of dependency package, dependency output name) -> buckets it is in
    edge_buckets: dict[str, dict[tuple[int, str], set[str]]] = field(default_factory=dict)
    #: outputs built (not reused) in this session, for ``--explain`` of their dependents
    rebuilt: set[str] = field(default_factory=set)
    needed: set[str] = field(default_factory=set)
    #: the metadata phase's input globs (relative to ``source_dir``)
    input_globs: list[str] = field(default_factory=list)
    artifacts: dict[str, list[CachedArtifact]] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        manifest = self.found.manifest_path
        return manifest.parent if manifest.is_file() or manifest.suffix else manifest

    @property
    def source_dir(self) -> Path:
        """Where the backend builds from: a fetched ``[package.build].source``, else the package."""
        return self.build_checkout.directory if self.build_checkout else self.found.source_dir

    @property
    def mutable(self) -> bool:
        """Path sources change under us and are fingerprinted; git/url pins are enough."""
        return self.checkout.mutable and (self.build_checkout is None or self.build_checkout.mutable)

    @property
    def identity(self) -> str:
        extra = f"+build-source:{self.build_checkout.identity}" if self.build_checkout else ""
        return self.checkout.identity + extra

    @property
    def table(self) -> Table | None:
        """The package's ``[package]`` table (None for a bare recipe): where its keys are written."""
        return self.found.package.table if self.found.package is not None else None


def depth_first(roots: Iterable[N], successors: Callable[[N], Iterable[N]], label: Callable[[N], str]) -> list[N]:
    """Every node reachable from ``roots``, each after all it leads to; a cycle is an error naming it."""
    order: list[N] = []
    finished: set[N] = set()
    path: list[N] = []
    on_path: set[N] = set()

    def visit(node: N) -> None:
        if node in finished:
            return
        if node in on_path:
            cycle = path[path.index(node):] + [node]
            raise DependencyCycleError([label(n) for n in cycle])
        path.append(node)
        on_path.add(node)
        for successor in successors(node):
            visit(successor)
        path.pop()
        on_path.discard(node)
        finished.add(node)
        order.append(node)

    for root in roots:
        visit(root)
    return order


def _node_label(node: tuple[Package, str]) -> str:
    pkg, name = node
    return name if name == pkg.label else f"{name} ({pkg.label})"


def mark_needed(root: Package) -> None:
    """Mark the root's outputs needed, and every output they depend on, transitively."""

    def successors(node: tuple[Package, str]) -> list[tuple[Package, str]]:
        pkg, name = node
        if name not in {o.metadata.name for o in pkg.outputs}:
            produced = ", ".join(sorted({o.metadata.name for o in pkg.outputs}))
            raise KilnError(f"the source package at {pkg.checkout.directory} does not produce `{name}` (it produces {produced})")
        return pkg.edges.get(name, [])

    for pkg, name in depth_first([(root, o.metadata.name) for o in root.outputs], successors, _node_label):
        pkg.needed.add(name)


def dependencies(pkg: Package) -> list[Package]:
    """The other packages that ``pkg``'s needed outputs depend on."""
    deps: list[Package] = []
    for name in pkg.needed:
        for dep, _ in pkg.edges.get(name, []):
            if dep is not pkg and dep not in deps:
                deps.append(dep)
    return deps


def build_order(root: Package) -> list[Package]:
    """Packages in the order they can build, dependencies first. Packages build as
    units, so a cycle between packages is one even when their outputs form none."""
    return depth_first([root], dependencies, lambda p: p.label)


def sibling_order(pkg: Package) -> list[t.CondaOutput]:
    """Needed outputs, siblings that others in the package depend on first."""
    by_name: dict[str, list[t.CondaOutput]] = {}
    for output in pkg.outputs:
        if output.metadata.name in pkg.needed:
            by_name.setdefault(output.metadata.name, []).append(output)

    def siblings(name: str) -> list[str]:
        return [dep_name for dep, dep_name in pkg.edges.get(name, []) if dep is pkg and dep_name != name]

    ordered = depth_first(by_name, siblings, str)
    return [o for name in ordered for o in by_name.get(name, [])]


def run_only(pkg: Package, output_name: str) -> list[tuple[Package, str]]:
    """The source dependencies of an output that are in none of its build/host environments."""
    buckets = pkg.edge_buckets.get(output_name, {})
    return [
        (dep, name)
        for dep, name in pkg.edges.get(output_name, [])
        if buckets.get((id(dep), name), set()) <= {"run"}
    ]


def environment_archives(pkg: Package, output_name: str) -> list[tuple[str, CachedArtifact]]:
    """The archives of the source dependencies installed into an output's build/host
    environments, by dependency output name."""
    skip = {(id(dep), name) for dep, name in run_only(pkg, output_name)}
    return [
        (dep_name, art)
        for dep, dep_name in pkg.edges.get(output_name, [])
        if (id(dep), dep_name) not in skip
        for art in dep.artifacts.get(dep_name, [])
    ]


def environment_closure(pkg: Package, output_name: str) -> list[CachedArtifact]:
    """Every archive an output's build and host environments may install from the
    workspace channel: its build/host source dependencies and, transitively, the source
    packages those need at run time (a build elsewhere has no workspace channel)."""
    found: list[CachedArtifact] = []
    seen: set[tuple[int, str]] = set()
    skip = {(id(dep), name) for dep, name in run_only(pkg, output_name)}
    pending = [(dep, name) for dep, name in pkg.edges.get(output_name, []) if (id(dep), name) not in skip]
    while pending:
        dep, name = pending.pop()
        if (id(dep), name) in seen:
            continue
        seen.add((id(dep), name))
        found.extend(dep.artifacts.get(name, []))
        buckets = dep.edge_buckets.get(name, {})
        pending.extend(
            (target, target_name)
            for target, target_name in dep.edges.get(name, [])
            if "run" in buckets.get((id(target), target_name), set())
        )
    return found
