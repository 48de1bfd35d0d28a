"""One build on a machine that shares no filesystem with the caller: the task, packed here, built there.

:func:`pack` turns a :class:`~kiln.frontend.build.executor.BuildJob` into a
:class:`RemoteTask` that carries everything the build needs: the package's source
tree (every file below its source directory but what builds and tools write there,
plus the files its known input globs reach above it, plus the manifest) as a tar,
the project model and configuration, the output to build and the channels. The
archives of its source dependencies travel beside it. :func:`run_task` is what a
worker runs: it unpacks all that into a temporary directory, makes a channel of the
archives, builds with kiln's own backend of the package's name and returns the
archive's bytes, or the error as a value (a backend error survives the trip with
its code and diagnostic data, which an exception pickled by Dask would not).

Nothing here imports Dask: :mod:`.cluster` is the glue.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from kiln.backend.globs import GENERATED_EXCLUDES
from kiln.errors import BackendCrashedError, BackendError, BuildFailedError, KilnError
from kiln.frontend.build.executor import BuildJob
from kiln.frontend.build.fingerprint import walk_globs, with_exclusions
from kiln.protocol import types as t

#: Log lines a failed task brings back (the local client keeps as many).
LOG_LINES = 200
#: Tools' caches next to the sources: never an input, and no worker needs them.
CACHE_EXCLUDES = ("!.tox/**", "!.nox/**", "!.mypy_cache/**", "!.pytest_cache/**", "!.ruff_cache/**")


@dataclass
class RemoteTask:
    """A build, self-contained: no path in it refers to the caller's machine except
    ``caller_root``, which only maps the worker's paths back in the result."""

    label: str
    backend: str
    backend_version: str | None
    backend_channels: list[str]
    additional: list[str]
    tree: bytes
    """A tar of the source tree, relative to its root."""
    manifest: str
    source: str
    workspace: str
    """Paths in the tree (POSIX, relative; ``""`` for the root itself)."""
    caller_root: str
    model: Any
    configuration: Any
    target_configuration: Any
    output: Any
    channels: list[str]
    """The channels besides the one made of the dependency archives."""
    package_format: Any
    archives: list[tuple[str, str, str]] = field(default_factory=list)
    """``(file name, subdir, sha256)`` of each dependency archive, in the order of the bytes."""


@dataclass
class WorkerContext:
    """What the engine running a task provides: a name, a log sink and a cancel flag."""

    worker: str = "local"
    on_log: Callable[[list[str]], None] = lambda lines: None
    cancelled: Callable[[], bool] = lambda: False


# -- the caller's side -------------------------------------------------------------------


def pack(job: BuildJob) -> tuple[RemoteTask, list[Path]]:
    """The job as a task, and the dependency archives to send with it (in ``task.archives`` order)."""
    pkg = job.package
    spec = pkg.found.package.backend if pkg.found.package is not None else None
    source_dir = Path(os.path.abspath(pkg.source_dir))
    manifest = Path(os.path.abspath(pkg.found.manifest_path))
    root, members = source_members(source_dir, manifest, job.source_globs, job.ignore)
    workspace = Path(os.path.abspath(job.workspace))
    params = job.params
    archives = list(job.environment)
    task = RemoteTask(
        label=pkg.label,
        backend=pkg.found.backend,
        backend_version=spec.version if spec is not None else None,
        backend_channels=job.backend_channels,
        additional=job.backend_additional,
        tree=tar_members(members),
        manifest=_relative(manifest, root),
        source=_relative(source_dir, root),
        workspace=_relative(workspace, root) if workspace.is_relative_to(root) else "",
        caller_root=str(root),
        model=t.to_builtins(job.model) if job.model is not None else None,
        configuration=pkg.found.configuration,
        target_configuration=pkg.found.target_configuration,
        output=t.to_builtins(params.output),
        channels=[c for c in params.channels if c != job.local_channel],
        package_format=t.to_builtins(params.package_format) if params.package_format is not None else None,
        archives=[(a.path.name, a.result["subdir"], a.sha256) for a in archives],
    )
    return task, [a.path for a in archives]


def source_members(source_dir: Path, manifest: Path, globs: list[str], ignore: list[str]) -> tuple[Path, dict[str, Path]]:
    """The files a build elsewhere needs, by their path below the returned root: all of
    ``source_dir`` but what builds and tools write there, the files ``globs`` (known
    input globs) reach above it, and the manifest, wherever it is."""
    patterns = ["**", *globs, *GENERATED_EXCLUDES, *CACHE_EXCLUDES]
    if (source_dir / "Cargo.toml").is_file():
        patterns.append("!target/**")  # cargo's own build directory
    patterns = with_exclusions(patterns, source_dir, ignore)
    files = {rel: Path(entry.path) for rel, entry in walk_globs(source_dir, patterns) if entry.is_file()}
    depth = max((rel.count("../") for rel in files), default=0)
    root = source_dir.parents[depth - 1] if depth else source_dir
    root = Path(os.path.commonpath([str(root), str(manifest.parent if manifest.is_file() else manifest)]))
    members = {_relative(Path(os.path.normpath(source_dir / rel)), root): path for rel, path in files.items()}
    if manifest.is_file():
        members.setdefault(_relative(manifest, root), manifest)
    return root, members


def _relative(path: Path, root: Path) -> str:
    rel = Path(os.path.relpath(path, root)).as_posix()
    return "" if rel == "." else rel


def tar_members(members: dict[str, Path]) -> bytes:
    """The files as a tar (sorted, owner-less; symbolic links followed, so that one
    pointing out of the tree still arrives)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", dereference=True) as tar:
        for name in sorted(members):
            info = tar.gettarinfo(str(members[name]), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(members[name], "rb") as fh:
                tar.addfile(info, fh)
    return buffer.getvalue()


# -- the worker's side -------------------------------------------------------------------


def run_task(task: RemoteTask, archives: list[bytes], context: WorkerContext | None = None) -> dict[str, Any]:
    """Build the task in a temporary directory; the reply holds the archive or the error."""
    from kiln import __version__

    context = context or WorkerContext()
    reply: dict[str, Any] = {"worker": context.worker, "kiln_version": __version__}
    log: deque[str] = deque(maxlen=LOG_LINES)
    scratch = Path(tempfile.mkdtemp(prefix="kiln-task-"))
    try:
        result, archive = _build(task, archives, scratch, context, log)
        data = archive.read_bytes()
        reply.update(ok=True, result=result, archive=data, sha256=hashlib.sha256(data).hexdigest())
    except KilnError as exc:
        reply.update(ok=False, error=_error_value(exc))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    reply["log_tail"] = list(log)
    return reply


def _build(task: RemoteTask, archives: list[bytes], scratch: Path, context: WorkerContext,
           log: deque[str]) -> tuple[dict[str, Any], Path]:  # fmt: skip
    from kiln.frontend.build.channel import LocalChannel
    from kiln.frontend.build.launch import resolve_backend
    from kiln.protocol.client import BackendProcess

    tree = scratch / "src"
    with tarfile.open(fileobj=io.BytesIO(task.tree), mode="r") as tar:
        tar.extractall(tree, filter="data")
    output = msgspec.convert(task.output, t.CondaBuildV1Output)
    channels = list(task.channels)
    if task.archives:  # the workspace channel's share of this build, listed first as there
        channel = LocalChannel(scratch / "channel", [output.subdir])
        incoming = scratch / "incoming"
        incoming.mkdir()
        for (name, subdir, sha256), data in zip(task.archives, archives, strict=True):
            if hashlib.sha256(data).hexdigest() != sha256:
                raise KilnError(f"{task.label}: the archive {name} arrived damaged (sha256 mismatch)")
            (incoming / name).write_bytes(data)
            channel.add(incoming / name, subdir, sha256)
        channel.index()
        channels.insert(0, channel.url)
    command = resolve_backend(
        task.backend, version=task.backend_version, channels=task.backend_channels, additional=task.additional
    )
    pending: list[str] = []
    lock = threading.Lock()

    def on_line(line: str) -> None:
        log.append(line)
        with lock:
            pending.append(line)

    def flush() -> None:
        with lock:
            lines = pending[:]
            pending.clear()
        if lines:
            context.on_log(lines)

    proc = BackendProcess(list(command.argv), env=command.env, on_stderr=on_line, new_session=True)
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def converse() -> None:
        try:
            outcome["result"] = _converse(proc, task, tree, scratch, output, channels)
        except BaseException as exc:  # raised again in the task's thread
            outcome["error"] = exc
        finally:
            finished.set()

    # the protocol runs on a thread of its own; the task's thread (the one an engine's
    # calls work from) forwards the log and ends the build when the caller gives up
    talker = threading.Thread(target=converse, daemon=True)
    talker.start()
    cancelled = False
    try:
        while not finished.wait(0.5):
            flush()
            if not cancelled and context.cancelled():
                cancelled = True
                proc.kill()  # the backend's process group: the build scripts it started too
    finally:
        talker.join()
        proc.kill() if cancelled else proc.close()
        flush()
    if cancelled:
        raise KilnError(f"{task.label}: cancelled, the caller stopped the build")
    if "error" in outcome:
        raise outcome["error"]
    result: t.CondaBuildV1Result = outcome["result"]
    archive = Path(result.output_file)
    if not archive.is_file():
        raise KilnError(f"{task.label}: the build backend reported {archive}, which does not exist")
    # the caller's paths for the worker's: input globs are checked against the caller's tree
    worker_root = str(tree)
    globs = [task.caller_root + g[len(worker_root):] if g.startswith(worker_root) else g for g in result.input_globs]
    reply = t.to_builtins(msgspec.structs.replace(result, output_file=archive.name, input_globs=globs))
    return reply, archive


def _converse(proc: Any, task: RemoteTask, tree: Path, scratch: Path, output: t.CondaBuildV1Output,
              channels: list[str]) -> t.CondaBuildV1Result:  # fmt: skip
    """The backend's side of the build: negotiate, initialize and ``conda/build_v1``, as the caller would."""
    from kiln.frontend.build.pool import initialize_params

    proc.negotiate_capabilities()
    proc.initialize(
        initialize_params(
            manifest=tree / task.manifest,
            source=tree / task.source,
            workspace=tree / task.workspace,
            scratch=scratch / "scratch",
            model=msgspec.convert(task.model, t.ProjectModel) if task.model is not None else None,
            configuration=task.configuration,
            target_configuration=task.target_configuration,
        )
    )
    package_format = msgspec.convert(task.package_format, t.PackageFormat) if task.package_format is not None else None
    return proc.conda_build_v1(
        t.CondaBuildV1Params(
            output=output,
            work_directory=str(scratch / "work"),
            channels=channels,
            package_format=package_format,
            editable=False,
        )
    )


def _error_value(exc: KilnError) -> dict[str, Any]:
    value: dict[str, Any] = {"type": type(exc).__name__, "message": exc.message, "help": exc.help}
    if isinstance(exc, BackendError):
        value.update(code=exc.code, data=exc.data)
    if isinstance(exc, BuildFailedError):
        value["log"] = exc.log
    return value


def error_from_value(value: dict[str, Any]) -> KilnError:
    """The worker's error as the caller raises it: the class a local build would raise."""
    kind, message, help_text = value.get("type"), str(value.get("message", "")), value.get("help")
    if kind == "BuildFailedError":
        return BuildFailedError(message, log=value.get("log"), help=help_text)
    if kind == "BackendCrashedError":
        return BackendCrashedError(message)
    if kind in {"BackendError", "BackendNotFoundError"} or "code" in value:
        return BackendError(message, code=value.get("code", -32000), data=value.get("data"), help=help_text)
    return KilnError(message, help=help_text)
