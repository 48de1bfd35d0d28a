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
    kiln_version: str = ""


@dataclass
class WorkerContext:
    """What the engine running a task provides: a name, a log sink and a cancel flag."""

    worker: str = "local"
    on_log: Callable[[list[str]], None] = lambda lines: None
    cancelled: Callable[[], bool] = lambda: False


# -- the caller's side -------------------------------------------------------------------


def pack(job: BuildJob, *, backend: str, backend_version: str | None, backend_channels: list[str],
         additional: list[str]) -> tuple[RemoteTask, list[Path]]:  # fmt: skip
    """The job as a task, and the dependency archives to send with it (in ``task.archives`` order)."""
    from kiln import __version__

    pkg = job.package
    source_dir = Path(os.path.abspath(pkg.source_dir))
    manifest = Path(os.path.abspath(pkg.found.manifest_path))
    globs = with_exclusions(["**", *job.source_globs, *GENERATED_EXCLUDES], source_dir, job.ignore)
    files = {rel: Path(entry.path) for rel, entry in walk_globs(source_dir, globs) if entry.is_file()}
    depth = max((rel.count("../") for rel in files), default=0)
    root = source_dir.parents[depth - 1] if depth else source_dir
    anchors = [str(root), str(manifest.parent if manifest.is_file() else manifest)]
    root = Path(os.path.commonpath(anchors))
    members = {_relative(Path(os.path.normpath(source_dir / rel)), root): path for rel, path in files.items()}
    if manifest.is_file():
        members.setdefault(_relative(manifest, root), manifest)
    workspace = Path(os.path.abspath(pkg.found.package.workspace.root)) if _has_workspace(pkg) else None
    params = job.params
    archives = [a for a in job.environment]
    task = RemoteTask(
        label=pkg.label,
        backend=backend,
        backend_version=backend_version,
        backend_channels=backend_channels,
        additional=additional,
        tree=_tar(members),
        manifest=_relative(manifest, root),
        source=_relative(source_dir, root),
        workspace=_relative(workspace, root) if workspace is not None and _is_below(workspace, root) else "",
        caller_root=str(root),
        model=t.to_builtins(job.model) if job.model is not None else None,
        configuration=pkg.found.configuration,
        target_configuration=pkg.found.target_configuration,
        output=t.to_builtins(params.output),
        channels=[c for c in params.channels if c != job.local_channel],
        package_format=t.to_builtins(params.package_format) if params.package_format is not None else None,
        archives=[(a.path.name, a.result["subdir"], a.sha256) for a in archives],
        kiln_version=__version__,
    )
    return task, [a.path for a in archives]


def _has_workspace(pkg: Any) -> bool:
    package = pkg.found.package
    return package is not None and package.workspace is not None and package.workspace.root is not None


def _is_below(path: Path, root: Path) -> bool:
    return os.path.commonpath([str(path), str(root)]) == str(root)


def _relative(path: Path, root: Path) -> str:
    rel = Path(os.path.relpath(path, root)).as_posix()
    return "" if rel == "." else rel


def _tar(members: dict[str, Path]) -> bytes:
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
    channel = LocalChannel(scratch / "channel", [output.subdir])
    incoming = scratch / "incoming"
    incoming.mkdir()
    for (name, subdir, sha256), data in zip(task.archives, archives, strict=True):
        if hashlib.sha256(data).hexdigest() != sha256:
            raise KilnError(f"{task.label}: the archive {name} arrived damaged (sha256 mismatch)")
        (incoming / name).write_bytes(data)
        channel.add(incoming / name, subdir, sha256)
    channel.index()
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
    done = threading.Event()

    def watch() -> None:  # the caller gave up (Ctrl-C): end the build now, with its children
        while not done.wait(0.5):
            flush()
            if context.cancelled():
                proc.kill()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        proc.negotiate_capabilities()
        proc.initialize(
            t.InitializeParams(
                manifest_path=str(tree / task.manifest),
                source_directory=str(tree / task.source),
                workspace_directory=str(tree / task.workspace),
                cache_directory=os.environ.get("PIXI_CACHE_DIR") or os.environ.get("RATTLER_CACHE_DIR"),
                workspace_scratch_directory=str(scratch / "scratch"),
                project_model=msgspec.convert(task.model, t.ProjectModel) if task.model is not None else None,
                configuration=task.configuration,
                target_configuration=task.target_configuration,
            )
        )
        result = proc.conda_build_v1(
            t.CondaBuildV1Params(
                output=output,
                work_directory=str(scratch / "work"),
                channels=[channel.url, *task.channels],
                package_format=(
                    msgspec.convert(task.package_format, t.PackageFormat) if task.package_format is not None else None
                ),
                editable=False,
            )
        )
    finally:
        done.set()
        watcher.join()
        proc.kill() if context.cancelled() else proc.close()
        flush()
    archive = Path(result.output_file)
    if not archive.is_file():
        raise KilnError(f"{task.label}: the build backend reported {archive}, which does not exist")
    # the caller's paths for the worker's: input globs are checked against the caller's tree
    worker_root = str(tree)
    globs = [task.caller_root + g[len(worker_root):] if g.startswith(worker_root) else g for g in result.input_globs]
    reply = t.to_builtins(msgspec.structs.replace(result, output_file=archive.name, input_globs=globs))
    return reply, archive


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
