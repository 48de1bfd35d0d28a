"""Building on a Dask cluster: ``kiln build --scheduler tcp://HOST:PORT`` (or ``local:N``).

The graph, the caches and the metadata phase stay on the caller; only the builds
of outputs that are not cached leave it, as :class:`~kiln.frontend.build.remote.RemoteTask`
values, one Dask task each. The caller connects on the first such build, so a no-op
never touches the cluster. Each task's worker runs kiln's own backend in a
temporary directory and sends back the archive's bytes; the caller checks their
sha256 and the package's identity before the session stores the archive, exactly
as it stores a local one.

Faults: a worker that dies mid-build makes the scheduler run the task again on
another (Dask's ``allowed-failures``); a build that fails comes back as a value and
is raised as the local error would be; Ctrl-C sets a cluster-wide event that makes
every running task kill its backend, and cancels the tasks not started.
``distributed`` is imported only here, on the first build that leaves the caller.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

import msgspec

from kiln.errors import KilnError
from kiln.frontend.build.executor import BuildJob
from kiln.frontend.build.options import Reporter
from kiln.frontend.build.remote import RemoteTask, WorkerContext, error_from_value, pack, run_task
from kiln.protocol import types as t

SCHEDULER_FORMS = "tcp://HOST:PORT (a running `dask scheduler`) or local:N (N worker processes on this machine)"
_ADDRESS = re.compile(r"(tcp|tls|ws|wss)://[^\s/:]+(:\d+)?")
_LOCAL = re.compile(r"local:(\d+)")
#: Packages in flight at once: each waits in a thread of the caller; the scheduler queues them.
WIDTH = 256
CONNECT_TIMEOUT = "10s"
#: ``dask scheduler``'s port when the address names none.
DEFAULT_PORT = 8786


def check_scheduler(value: str) -> str:
    """``--scheduler``'s value, checked before anything is planned."""
    value = value.strip()
    local = _LOCAL.fullmatch(value)
    if local is not None and int(local.group(1)) >= 1:
        return value
    if _ADDRESS.fullmatch(value):
        return value
    raise KilnError(f"--scheduler `{value}`: expected {SCHEDULER_FORMS}")


def _import_distributed() -> Any:
    try:
        import distributed
    except ModuleNotFoundError as exc:
        if exc.name not in ("distributed", "dask"):
            raise  # a broken installation is not the user's mistake
        raise KilnError(
            "--scheduler needs Dask's `distributed`, which is not installed",
            help="install kiln's optional extra: pip install 'kiln[dask]'",
        ) from None
    return distributed


def _check_workers(client: Any, scheduler: str, build_platform: str) -> list[str]:
    """Every worker has this kiln and runs on the build platform; returns the workers.

    The version is asked with a function of the standard library: a task that names
    kiln's own would bring down a worker without kiln as it unpacks it.
    """
    from importlib.metadata import version

    from kiln import __version__
    from kiln.conda.platforms import current_platform

    found = client.run(version, "kiln", on_error="return")
    wrong = {w: v for w, v in found.items() if v != __version__}
    if wrong:
        said = ", ".join(f"{w} ({'no kiln' if isinstance(v, BaseException) else 'kiln ' + v})" for w, v in sorted(wrong.items()))
        raise KilnError(
            f"the Dask workers of {scheduler} must run kiln {__version__}: {said}",
            help="install the same kiln on every worker (pip install 'kiln[dask]'): what is built must not depend on where",
        )
    platforms = client.run(current_platform)
    elsewhere = {w: p for w, p in platforms.items() if p != build_platform}
    if elsewhere:
        said = ", ".join(f"{w} ({p})" for w, p in sorted(elsewhere.items()))
        raise KilnError(
            f"the Dask workers of {scheduler} must run on the build platform, {build_platform}: {said}",
            help="a worker builds on the machine it runs on; start the workers on "
            f"{build_platform} machines, or pass the workers' platform as --build-platform",
        )
    return sorted(found)


def _probe(address: str) -> None:
    """Fail at once when nothing listens there (Dask would retry for its whole timeout)."""
    import socket

    if not address.startswith("tcp://"):
        return
    host, _, port = address.removeprefix("tcp://").partition(":")
    with socket.create_connection((host, int(port or DEFAULT_PORT)), timeout=3):
        pass


def _on_worker(task: RemoteTask, archives: list[bytes], topic: str, cancel: str) -> dict[str, Any]:
    """The task Dask runs: :func:`run_task`, told its worker's name, where to send its log
    lines and how to notice that the caller gave up."""
    import distributed

    worker = distributed.get_worker()
    event = distributed.Event(cancel)
    key = worker.get_current_task()
    worker.log_event(topic, {"label": task.label, "key": str(key), "worker": worker.address, "state": "started"})

    def on_log(lines: list[str]) -> None:
        worker.log_event(topic, {"label": task.label, "lines": lines})

    def cancelled() -> bool:  # called from this (the task's) thread: Dask's objects work here
        try:
            return event.is_set()
        except Exception:  # a missed poll is no reason to kill a build; the next one asks again
            return False

    return run_task(task, archives, WorkerContext(worker.address, on_log, cancelled))


class DaskExecutor:
    """Jobs as Dask tasks; connects on the first one."""

    owns_archives = True
    width = WIDTH

    def __init__(self, scheduler: str, reporter: Reporter, build_platform: str) -> None:
        self.scheduler = check_scheduler(scheduler)
        self.reporter = reporter
        self.build_platform = build_platform
        self._lock = threading.Lock()
        self._client: Any = None
        self._cluster: Any = None
        self._event: Any = None
        self._futures: dict[str, Any] = {}
        self._why: dict[str, str] = {}
        """Task key -> why it is built (the progress detail it started with)."""
        run = uuid.uuid4().hex[:12]
        self._topic = f"kiln-{run}"
        self._cancel = f"kiln-cancel-{run}"
        self._staging = Path(tempfile.mkdtemp(prefix="kiln-remote-"))
        self._stopped = False

    # -- connection ----------------------------------------------------------------------

    def _connect(self) -> Any:
        with self._lock:
            if self._stopped:
                raise KilnError("the build was interrupted")
            if self._client is not None:
                return self._client
            distributed = _import_distributed()
            # kiln says what became of each build itself; Dask's client would also log
            # each lost connection with a traceback
            logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
            local = _LOCAL.fullmatch(self.scheduler)
            try:
                if local is not None:
                    self.reporter.message(f"starting a local Dask cluster of {local.group(1)} worker processes")
                    self._cluster = distributed.LocalCluster(
                        n_workers=int(local.group(1)), threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=40,
                    )  # fmt: skip
                    client = distributed.Client(self._cluster, timeout=CONNECT_TIMEOUT)
                else:
                    _probe(self.scheduler)
                    client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except OSError as exc:  # TimeoutError included: nothing answers there
                raise KilnError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}",
                    help="start one with `dask scheduler` and workers with `dask worker <address>` "
                    "(kiln installed on each), or try `--scheduler local:2`",
                ) from None
            try:
                workers = _check_workers(client, self.scheduler, self.build_platform)
            except BaseException:
                client.close()
                raise
            if not workers:
                self.reporter.message(f"the Dask scheduler at {self.scheduler} has no workers yet: builds wait for one")
            client.subscribe_topic(self._topic, self._on_event)
            self._event = distributed.Event(self._cancel, client=client)
            self._client = client
            return client

    def _on_event(self, event: Any) -> None:
        _, message = event
        label = message.get("label", "")
        if message.get("state") == "started":
            why = self._why.get(message.get("key", ""), "")
            self.reporter.state(label, "building", f"{why}, on {message.get('worker')}" if why else f"on {message.get('worker')}")
        for line in message.get("lines", []):
            self.reporter.log(label, line)

    # -- building ------------------------------------------------------------------------

    def build(self, job: BuildJob) -> t.CondaBuildV1Result:
        client = self._connect()
        task, archive_paths = pack(job)
        archives = [path.read_bytes() for path in archive_paths]
        key = f"kiln-build-{job.output.metadata.name}-{job.key}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._why[key] = job.said
        future = client.submit(_on_worker, task, archives, self._topic, self._cancel, key=key, pure=False)
        with self._lock:
            self._futures[key] = future
        try:
            reply = self._wait(future, job)
        finally:
            with self._lock:
                self._futures.pop(key, None)
                self._why.pop(key, None)
        return self._receive(job, reply)

    def _wait(self, future: Any, job: BuildJob) -> dict[str, Any]:
        import distributed

        name = job.output.metadata.name
        try:
            return future.result()
        except distributed.KilledWorker as exc:
            raise KilnError(
                f"{name}: every Dask worker that started its build died ({exc})",
                help="the build may need more memory than a worker has; see the workers' logs",
            ) from None
        except (distributed.CancelledError, OSError) as exc:
            if self._stopped:
                raise KilnError(f"{name}: not built, the build was interrupted") from None
            raise KilnError(f"{name}: lost the Dask scheduler at {self.scheduler} during the build ({exc})") from None

    def _receive(self, job: BuildJob, reply: dict[str, Any]) -> t.CondaBuildV1Result:
        from kiln import __version__

        label = job.package.label
        worker = reply.get("worker", "?")
        if not reply.get("ok"):
            for line in reply.get("log_tail", []):
                self.reporter.log(label, line)
            raise error_from_value(reply["error"])
        if reply.get("kiln_version") != __version__:
            raise KilnError(
                f"{label}: the Dask worker {worker} runs kiln {reply.get('kiln_version')}, this is kiln {__version__}",
                help="install the same kiln on every worker: what is built must not depend on where",
            )
        data: bytes = reply["archive"]
        if hashlib.sha256(data).hexdigest() != reply.get("sha256"):
            raise KilnError(f"{label}: the archive from {worker} does not match its sha256; it was damaged on the way")
        result = msgspec.convert(reply["result"], t.CondaBuildV1Result)
        name = Path(result.output_file).name
        if not name or name != result.output_file:
            raise KilnError(f"{label}: the worker {worker} named its archive {result.output_file!r}")
        directory = Path(tempfile.mkdtemp(dir=self._staging))
        (directory / name).write_bytes(data)
        return msgspec.structs.replace(result, output_file=str(directory / name))

    # -- ending --------------------------------------------------------------------------

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            client, futures = self._client, list(self._futures.values())
        if client is None:
            return
        try:
            self._event.set()
            client.cancel(futures, force=True)
        except Exception:  # the scheduler is gone already: nothing runs for us there
            pass

    def close(self) -> None:
        with self._lock:
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
        try:
            if client is not None:
                client.unsubscribe_topic(self._topic)
                client.close()
            if cluster is not None:
                cluster.close()
        finally:
            shutil.rmtree(self._staging, ignore_errors=True)
