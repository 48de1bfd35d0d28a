"""``kiln build``: plan source packages recursively, build what changed, reuse the rest.

1. **Plan.** Discover the package at ``--path`` and ask its backend which outputs it
   produces (``conda/outputs``, answered from the metadata cache when its inputs are
   unchanged). Every source dependency of those outputs -- in build, host or run
   requirements -- is located (path, git or url), discovered and planned the same
   way, recursively; a cycle is an error naming it.
2. **Build.** In dependency order, independent packages in parallel (``jobs``), each
   needed output is taken from the artifact cache when nothing it depends on changed,
   else built with ``conda/build_v1``. Every artifact lands in the workspace channel,
   which later builds list first: that is how a dependent's host environment finds
   the dependency it needs. As in pixi, a dependent is rebuilt through its build and
   host source dependencies (their archives are part of its key); a run-only source
   dependency counts only through the requirement on it that the dependent's archive
   records (an exact ``pin_subpackage`` names its version and build string).
3. **Deliver.** The root package's archives, and the source packages they need at run
   time, are copied atomically to ``<output-dir>/<subdir>/``.

A package whose metadata and artifacts are all cached starts no backend at all.
The session orchestrates: the graph and its orders are :mod:`.graph`, the backend
processes :mod:`.pool`, the cache keys :mod:`.cache`, the results :mod:`.results`.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import msgspec

from kiln.backend.specs import binary_item
from kiln.backends import RECIPE_NAMES
from kiln.channels.index import ARCHIVE_SUFFIXES
from kiln.errors import BackendError, BackendNotFoundError, KilnError, ManifestError
from kiln.frontend.build import graph
from kiln.frontend.build.cache import (
    ArtifactCache,
    CachedArtifact,
    MetadataCache,
    artifact_components,
    cache_key,
    kiln_fingerprint,
    metadata_components,
)
from kiln.frontend.build.channel import LocalChannel
from kiln.frontend.build.discovery import Discovered, discover
from kiln.frontend.build.executor import BuildJob, Executor, LocalExecutor
from kiln.frontend.build.graph import BUCKETS, Package
from kiln.frontend.build.launch import command_is_override, resolve_backend, unknown_backend_help
from kiln.frontend.build.lock import WorkspaceLock
from kiln.frontend.build.options import BuildOptions, Reporter
from kiln.frontend.build.pool import Backends
from kiln.frontend.build.publish import deliver_flat
from kiln.frontend.build.reachability import offline_help, unreachable
from kiln.frontend.build.results import Artifact, BuildSummary, PackageResult
from kiln.frontend.build.sources import Checkout, SourceError, locate
from kiln.frontend.manifest.error_locations import locate_config_error, locate_package_error, locate_source_error
from kiln.frontend.manifest.labels import recipe_package_name
from kiln.protocol import types as t

__all__ = ["BuildOptions", "BuildSession", "BuildSummary", "PackageResult", "Reporter", "build"]


class BuildSession:
    """One ``kiln build`` run over a workspace."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.reporter = options.reporter
        root_found = discover(options.path)
        self.root_found = root_found
        workspace = root_found.package.workspace if root_found.package is not None else None
        self.workspace_root = Path(workspace.root) if workspace is not None else root_found.source_dir
        self.pixi_dir = self.workspace_root / ".pixi"
        self.workspace_channels = list(workspace.channels or []) if workspace is not None else []
        variants: dict[str, list[Any]] = dict(workspace.variants_for(options.target_platform)) if workspace else {}
        variants.update(options.variants)
        self.variants = {k: variants[k] for k in sorted(variants)}
        files = [Path(f) for f in (workspace.build_variants_files or [])] if workspace is not None else []
        self.variant_files = [f.absolute() for f in [*files, *options.variant_files]]
        for f in self.variant_files:
            if not f.is_file():
                raise KilnError(f"variant file {f} does not exist")
        self.channel = LocalChannel(self.pixi_dir / "channel-v0", [options.target_platform, options.build_platform])
        self.channels = [self.channel.url, *(_channel_arg(c) for c in options.channels), *self.workspace_channels]
        meta_root = options.build_dir.absolute() if options.build_dir else self.pixi_dir / "meta-v0"
        ignore = ["**/__pycache__/**", "**/*.pyc", str(meta_root)]
        if options.output_dir is not None:
            # the archives kiln writes there (flat, as pixi does) are never inputs;
            # the rest of the directory (`-o .` in a package) may well be
            out = options.output_dir.absolute()
            ignore.extend(str(out / f"*{suffix}") for suffix in ARCHIVE_SUFFIXES)
        self.ignore = ignore
        self.metadata = MetadataCache(meta_root, ignore)
        self.artifacts = ArtifactCache(self.pixi_dir / "artifacts-v0", ignore)
        self.workspace = workspace
        self._channels_checked = False
        self._check_lock = threading.Lock()
        self.backends = Backends(self.workspace_root, self.pixi_dir, self.reporter, self._check_channels)
        self.executor = self._executor()
        # set (under the lock) once the run is interrupted or failed: no artifact is stored after it
        self._stopping = threading.Event()
        self._store_lock = threading.Lock()
        self.packages: dict[tuple[str, str], Package] = {}
        self._kiln_id = kiln_fingerprint()

    def _executor(self) -> Executor:
        """Where outputs are built: this machine's backends (``-j``), or a Dask cluster."""
        if self.options.scheduler is None:
            return LocalExecutor(self.backends, self.options.jobs, self.channel)
        if self.options.editable:
            raise KilnError("editable builds point at this machine's sources: they cannot run on a cluster")
        from kiln.frontend.build.cluster import DaskExecutor  # not Dask itself: that comes on the first build

        return DaskExecutor(self.options.scheduler, self.reporter, self.options.build_platform)

    def _check_channels(self) -> None:
        """Say an unreachable channel once, before a backend spends seconds retrying it."""
        with self._check_lock:
            if self._channels_checked:
                return
            self._channels_checked = True
            failed = unreachable(self.channels)
        if not failed:
            return
        manifest = self.workspace.manifest_path if self.workspace is not None else None
        channel, error = failed[0]
        line = _channel_line(manifest, channel) if channel in self.workspace_channels else None
        origin = "given with `--channel`" if channel not in self.workspace_channels else "a `[workspace]` channel"
        others = "".join(f"\n  also unreachable: {c}: {e}" for c, e in failed[1:])
        raise ManifestError(
            f"cannot reach the channel {channel} ({origin}): {error}{others}",
            path=manifest if line else None,
            line=line,
            help=offline_help(manifest),
        )

    # -- planning --------------------------------------------------------------------------

    def _package(self, checkout: Checkout, found: Discovered | None, host: str) -> Package:
        found = found or discover(checkout.directory)
        # a path checkout is the package its manifest declares, however it was reached (the
        # root's directory, `../pkg`, a sibling's `.` from `recipe/recipe.yaml`); a pinned
        # git/url checkout is a separate copy of it
        pinned = "" if checkout.mutable else "|" + checkout.identity
        key = (str(found.manifest_path.resolve()) + pinned, host)
        existing = self.packages.get(key)
        if existing is not None:
            return existing
        manifest = found.package
        spec = manifest.backend if manifest is not None else None
        try:
            command = resolve_backend(
                found.backend,
                version=spec.version if spec is not None else None,
                channels=self._backend_channels(found),
                additional=_backend_additional(found),
            )
        except BackendNotFoundError as exc:
            table = manifest.table if manifest is not None else None
            if table is None or command_is_override():
                raise
            message = exc.message.strip()
            raise table.error(message, "build", "backend", "name", help=unknown_backend_help(found.backend)) from None
        build_source = manifest.build_source if manifest is not None else None
        try:
            build_checkout = (
                locate(build_source, found.manifest_path.parent, self.pixi_dir / "sources-v0") if build_source else None
            )
        except SourceError as exc:
            raise locate_source_error(exc, manifest.table if manifest is not None else None, None) from None
        build = self.options.build_platform
        label = found.package_name or _label_of(found)
        pkg = Package(checkout, found, command, build_checkout, host, build, label)
        self.packages[key] = pkg
        return pkg

    def _backend_channels(self, found: Discovered) -> list[str]:
        package = found.package
        channels = list(package.backend.channels or []) if package is not None else []
        return channels or [*(_channel_arg(c) for c in self.options.channels), *self.workspace_channels]

    def _model(self, pkg: Package) -> t.ProjectModel | None:
        """The package's project model with ``--build-number``/``--build-string-prefix``
        applied; a recipe package (no model) gets a model holding just those."""
        model = pkg.found.project_model
        opts = self.options
        if opts.build_number is None and opts.build_string_prefix is None:
            return model
        base = model if model is not None else t.ProjectModel()
        return msgspec.structs.replace(
            base,
            build_number=opts.build_number if opts.build_number is not None else base.build_number,
            build_string_prefix=opts.build_string_prefix or base.build_string_prefix,
        )

    def _load_metadata(self, pkg: Package) -> None:
        model = self._model(pkg)
        components = metadata_components(
            manifest=pkg.found.manifest_path,
            source=pkg.identity,
            backend=pkg.command.identity,
            own_backend=pkg.command.own,
            kiln_id=self._kiln_id,
            model=model,
            configuration=pkg.found.configuration,
            target_configuration=pkg.found.target_configuration,
            host_platform=pkg.host_platform,
            build_platform=pkg.build_platform,
            channels=self.channels,
            variants=self.variants,
            variant_files=self.variant_files,
        )
        pkg.meta_components = components
        pkg.meta_key = cache_key(components)
        pkg.meta_dir = self.metadata.directory(pkg.label, pkg.meta_key)
        lookup = self.metadata.lookup(pkg.label, pkg.meta_key, pkg.source_dir if pkg.mutable else None)
        if lookup.hit:
            result = msgspec.convert(lookup.value, t.CondaOutputsResult)
        else:
            self.reporter.state(pkg.label, "resolving", lookup.reason)
            backend = self.backends.get(pkg, model)
            try:
                result = backend.conda_outputs(self._outputs_params(pkg))
            except BackendError as exc:
                located = locate_config_error(exc, pkg.table) or locate_package_error(exc, pkg.table)
                if located is None:
                    raise
                raise located from None
            self.metadata.store(
                pkg.label, pkg.meta_key, t.to_builtins(result), pkg.source_dir if pkg.mutable else None,
                _result_globs(result),
            )  # fmt: skip
        pkg.outputs = list(result.outputs)
        pkg.input_globs = _result_globs(result)
        if not pkg.outputs:
            raise KilnError(f"{pkg.label} produces no package for {pkg.host_platform}")

    def _outputs_params(self, pkg: Package) -> t.CondaOutputsParams:
        return t.CondaOutputsParams(
            host_platform=pkg.host_platform,
            build_platform=pkg.build_platform,
            work_directory=str(pkg.meta_dir / "work"),
            channels=self.channels,
            variant_configuration=self.variants or None,
            variant_files=[str(f) for f in self.variant_files] or None,
        )

    def _edges(self, pkg: Package) -> None:
        sources = self.pixi_dir / "sources-v0"
        for output in pkg.outputs:
            edges = pkg.edges.setdefault(output.metadata.name, [])
            buckets = pkg.edge_buckets.setdefault(output.metadata.name, {})
            for bucket in BUCKETS:
                deps = getattr(output, f"{bucket}_dependencies")
                if deps is None:
                    continue
                for dep in deps.depends:
                    if dep.source is t.UNSET:
                        continue
                    try:
                        checkout = locate(dep.source, pkg.base_dir, sources)
                    except SourceError as exc:
                        raise locate_source_error(exc, pkg.table, dep.name) from None
                    host = pkg.build_platform if bucket == "build" else pkg.host_platform
                    target = self._package(checkout, None, host)
                    if (target, dep.name) not in edges:
                        edges.append((target, dep.name))
                    buckets.setdefault((id(target), dep.name), set()).add(bucket)

    def plan(self) -> Package:
        root = self._package(
            Checkout(self.root_found.source_dir, mutable=True, identity=f"path:{self.root_found.source_dir}"),
            self.root_found,
            self.options.target_platform,
        )
        # each package's metadata (often a backend's conda/outputs) is loaded on a pool of
        # -j threads, in this machine's processes even with --scheduler; its edges, which
        # find the packages it leads to, are followed here, one package at a time
        loaded = {id(root)}
        pool = ThreadPoolExecutor(max_workers=max(1, self.options.jobs))
        running = {pool.submit(self._load_metadata, root): root}
        try:
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    pkg = running.pop(future)
                    future.result()
                    self._edges(pkg)
                    for dep in (dep for edges in pkg.edges.values() for dep, _ in edges):
                        if id(dep) not in loaded:
                            loaded.add(id(dep))
                            running[pool.submit(self._load_metadata, dep)] = dep
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            self.backends.kill_all()  # rather than wait for the answers of the others
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        graph.mark_needed(root)
        return root

    # -- building --------------------------------------------------------------------------

    def _editable(self, pkg: Package) -> bool:
        return self.options.editable and pkg.mutable

    def _artifact_components(self, pkg: Package, output: t.CondaOutput) -> dict[str, Any]:
        name = output.metadata.name
        components = artifact_components(
            pkg.meta_components,
            output,
            graph.environment_archives(pkg, name),
            {dep_name for _, dep_name in graph.run_only(pkg, name)},
            self.options.package_format,
        )
        if self._editable(pkg):  # only then: the keys of non-editable builds stay what they were
            components["editable"] = True
        override = os.environ.get("BUILD_EDITABLE_PYTHON")
        if override is not None:  # the python backend's override of the flag changes the archive too
            components["build_editable_python"] = override
        return components

    def _reuse_reason(self, pkg: Package, output_name: str) -> str:
        """Why a cached output still holds although something it needs at run time was rebuilt."""
        rebuilt = sorted({name for dep, name in graph.run_only(pkg, output_name) if name in dep.rebuilt})
        reason = "inputs unchanged"
        if rebuilt:
            which = ", ".join(rebuilt)
            verb = "was" if len(rebuilt) == 1 else "were"
            reason += f"; run dependency {which} {verb} rebuilt but does not change this package"
        return reason

    def build_package(self, pkg: Package) -> PackageResult:
        start = time.monotonic()
        source_dir = pkg.source_dir if pkg.mutable else None
        reasons: list[str] = []
        built_any = cached_any = False
        artifacts: list[Artifact] = []
        if self.options.clean:
            for name in pkg.needed:
                self.artifacts.clean(name)
                shutil.rmtree(self.pixi_dir / "bld" / name, ignore_errors=True)
        for output in graph.sibling_order(pkg):
            meta = output.metadata
            components = self._artifact_components(pkg, output)
            key = cache_key(components)
            lookup = self.artifacts.lookup(meta.name, key, source_dir, components)
            if lookup.hit and not self.options.force:
                cached: CachedArtifact = lookup.value
                cached_any = True
                why = self._reuse_reason(pkg, meta.name)
                reasons.append(f"{meta.name} {meta.version} ({meta.build}): reused, {why}")
            else:
                reason = "--force" if self.options.force and lookup.hit else lookup.reason
                if self.options.clean and not lookup.hit:
                    reason = "--clean"
                first = reason == "not built before"
                said = "new" if first else reason
                said = said if meta.name == pkg.label else f"{meta.name}: {said}"
                self.reporter.state(pkg.label, "building", said)
                cached = self._build_output(pkg, output, key, components, said)
                pkg.rebuilt.add(meta.name)
                built_any = True
                outcome = "built (new)" if first else f"rebuilt, {reason}"
                reasons.append(f"{meta.name} {meta.version} ({meta.build}): {outcome}")
            pkg.artifacts.setdefault(meta.name, []).append(cached)
            self._publish(cached)
            artifacts.append(Artifact.of(cached))
        status = "built" if built_any and not cached_any else "cached" if not built_any else "partly-cached"
        return PackageResult(pkg.label, pkg.identity, status, reasons, artifacts, time.monotonic() - start)

    def _publish(self, cached: CachedArtifact) -> None:
        """Into the workspace channel; indexed when a build reads it (:class:`LocalExecutor`) and at the end."""
        self.channel.add(cached.path, cached.result["subdir"], cached.sha256)

    def _build_output(
        self, pkg: Package, output: t.CondaOutput, key: str, components: dict, said: str
    ) -> CachedArtifact:
        meta = output.metadata
        work_dir = self.pixi_dir / "bld" / meta.name / key
        params = t.CondaBuildV1Params(
            output=t.CondaBuildV1Output(
                name=meta.name, version=meta.version, build=meta.build, subdir=meta.subdir, variant=meta.variant
            ),
            work_directory=str(work_dir),
            channels=self.channels,
            package_format=self.options.package_format,
            editable=self._editable(pkg),
        )
        job = BuildJob(
            package=pkg,
            output=output,
            key=key,
            model=self._model(pkg),
            params=params,
            workspace=self.workspace_root,
            local_channel=self.channel.url,
            environment=graph.environment_closure(pkg, meta.name),
            source_globs=pkg.input_globs,
            ignore=self.ignore,
            backend_channels=self._backend_channels(pkg.found),
            backend_additional=_backend_additional(pkg.found),
            said=said,
        )
        result = self.executor.build(job)
        archive = Path(result.output_file)
        try:
            _check_result(meta, result)
            with self._store_lock:
                if self._stopping.is_set():  # Ctrl-C came while the backend was still building
                    raise KilnError(f"{meta.name}: not stored, the build was interrupted")
                return self.artifacts.store(
                    meta.name, key, archive, t.to_builtins(result), components, pkg.source_dir if pkg.mutable else None
                )
        finally:
            if self.executor.owns_archives:
                archive.unlink(missing_ok=True)

    def _stop(self) -> None:
        """Interrupted or failed: store nothing more, and end the backends now rather than
        after their builds (a backend inside rattler-build sees Ctrl-C only when it returns)."""
        with self._store_lock:
            self._stopping.set()
        self.executor.stop()
        self.backends.kill_all()

    def run(self) -> BuildSummary:
        with WorkspaceLock(self.pixi_dir / "kiln.lock", on_wait=self.reporter.message):
            try:
                return self._run()
            except BaseException:
                self.backends.kill_all()
                raise
            finally:
                self.backends.close_all()
                self.executor.close()

    def _run(self) -> BuildSummary:
        root = self.plan()
        ordered = graph.build_order(root)
        for pkg in ordered:
            self.reporter.state(pkg.label, "planned")
        if self.options.render_only:
            return self._render_summary(ordered)
        self.channel.index()
        try:
            results = self._execute(ordered)
        finally:  # what was built is listed, also after a failure
            self.channel.index()
        delivered = self._deliver(root)
        return BuildSummary(self.workspace_root, results, delivered, self.backends.started)

    def _execute(self, ordered: list[Package]) -> list[PackageResult]:
        jobs = self.executor.width
        done: dict[int, PackageResult] = {}
        remaining = list(ordered)
        running: dict[Future, Package] = {}
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            while remaining or running:
                for pkg in list(remaining):
                    if len(running) >= jobs:
                        break
                    if all(id(d) in done for d in graph.dependencies(pkg)):
                        remaining.remove(pkg)
                        self.reporter.state(pkg.label, "checking")
                        running[pool.submit(self.build_package, pkg)] = pkg
                if not running:
                    raise KilnError("internal error: no package can be scheduled")  # unreachable after cycle checks
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    pkg = running.pop(future)
                    try:
                        result = future.result()
                    except BaseException:
                        for other in running:
                            other.cancel()
                        self.reporter.state(pkg.label, "failed")
                        raise
                    done[id(pkg)] = result
                    self.reporter.state(pkg.label, result.status, f"{result.elapsed:.1f}s")
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl-C: siblings of a mere failure may finish and be cached
                self._stop()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return [done[id(p)] for p in ordered]

    def _deliver(self, root: Package) -> list[Artifact]:
        """Root outputs and the source packages they need at run time, to ``output_dir``.

        Flat ``<name>-<version>-<build>.conda`` files, as ``pixi build -o`` writes
        them; ``kiln publish --to`` makes a channel of them instead.
        """
        if self.options.output_dir is None:
            return []
        wanted: list[CachedArtifact] = []
        seen: set[tuple[int, str]] = set()

        def visit(pkg: Package, name: str) -> None:
            if (id(pkg), name) in seen:
                return
            seen.add((id(pkg), name))
            wanted.extend(pkg.artifacts.get(name, []))
            for output in pkg.outputs:
                if output.metadata.name != name:
                    continue
                for dep in output.run_dependencies.depends:
                    if dep.source is t.UNSET:
                        continue
                    for target, dep_name in pkg.edges.get(name, []):
                        if dep_name == dep.name:
                            visit(target, dep_name)

        for name in root.needed:
            visit(root, name)
        return deliver_flat([Artifact.of(c) for c in wanted], self.options.output_dir)

    def _render_summary(self, ordered: list[Package]) -> BuildSummary:
        rendered: dict[str, str] = {}
        results = []
        for pkg in ordered:
            recipe = pkg.meta_dir / "work" / "debug" / "recipe.yaml" if pkg.meta_dir else None
            text = recipe.read_text() if recipe is not None and recipe.is_file() else ""
            if not text:
                backend = self.backends.get(pkg, self._model(pkg))
                backend.conda_outputs(self._outputs_params(pkg))
                text = recipe.read_text() if recipe is not None and recipe.is_file() else ""
            rendered[pkg.label] = text
            reasons = [
                f"{o.metadata.name} {o.metadata.version} ({o.metadata.build}, {o.metadata.subdir})"
                for o in pkg.outputs
                if o.metadata.name in pkg.needed
            ]
            results.append(PackageResult(pkg.label, pkg.identity, "rendered", reasons, []))
        return BuildSummary(self.workspace_root, results, [], self.backends.started, rendered)


# -- helpers ---------------------------------------------------------------------------------


def _channel_line(manifest: Path | None, channel: str) -> int | None:
    """The line of ``channel`` in the workspace manifest's ``channels``, if it is written there."""
    if manifest is None:
        return None
    from kiln.conda.urls import InvalidChannel, channel_location
    from kiln.frontend.manifest.manifest_files import read_manifest

    try:
        found = read_manifest(manifest)
        table = found.workspace_table() if found is not None else None
    except KilnError:
        return None
    for index, entry in enumerate((table.get("channels") if table is not None else None) or []):
        name = entry.get("channel") if isinstance(entry, dict) else entry
        try:
            if isinstance(name, str) and channel_location(name, root=manifest.parent) == channel:
                return table.doc.line_of(table.path + ("channels", index))
        except InvalidChannel:
            continue
    return None


def _label_of(found: Discovered) -> str:
    """What a package without a manifest name is called: its recipe's package name,
    else its directory's name."""
    manifest = found.manifest_path
    if manifest.name in RECIPE_NAMES:
        parent = manifest.parent
        return recipe_package_name(manifest) or (parent.parent if parent.name == "recipe" else parent).name
    return found.source_dir.name


def _backend_additional(found: Discovered) -> list[str]:
    """``[package.build.backend] additional-dependencies``, as match specs."""
    spec = found.package.backend if found.package is not None else None
    additional = (spec.additional_dependencies or {}) if spec is not None else {}
    return [binary_item(n, s.binary) for n, s in additional.items()]


def _result_globs(result: t.CondaOutputsResult) -> list[str]:
    """The metadata phase's input globs: the result's, then each output's new ones."""
    globs = list(result.input_globs)
    for output in result.outputs:
        globs.extend(g for g in output.input_globs or [] if g not in globs)
    return globs


def _channel_arg(channel: str) -> str:
    """Channels as rattler-build and pixi take them: URLs kept, paths made absolute."""
    if "://" in channel:
        return channel.rstrip("/")
    path = Path(channel).expanduser()
    if not path.exists():
        raise KilnError(f"channel directory {path} does not exist")
    return str(path.absolute())


def _check_result(meta: t.CondaOutputMetadata, built: t.CondaBuildV1Result) -> None:
    expected = (meta.name.lower(), meta.version, meta.build, meta.subdir)
    got = (built.name, built.version, built.build, built.subdir)
    if expected != got:
        raise KilnError(
            f"The build backend did not return the expected package: expected {'-'.join(expected[:3])} "
            f"({expected[3]}), got {'-'.join(got[:3])} ({got[3]})"
        )
    if not Path(built.output_file).is_file():
        raise KilnError(f"the build backend reported {built.output_file}, which does not exist")


def build(options: BuildOptions) -> BuildSummary:
    return BuildSession(options).run()

