"""``kiln build --scheduler``: the same graph built on a real Dask cluster (issue 15).

The session's cluster is a ``dask scheduler`` and two ``dask worker`` processes on
loopback, started as the README says. Each worker runs in a mount namespace of its
own where the directory holding the caller's workspaces is an empty tmpfs: a build
that read any path of the caller's tree would fail there (``test_workers_cannot_see_the_callers_tree``
checks that premise first). The offline channel stays visible to them: workers
need reachable channels, as the README says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import distributed  # in the dev extra: these tests never skip for want of it
import pytest

from tests.conftest import PROJECTS, kiln_exe
from tests.helpers import kiln_install, read_index

pytestmark = pytest.mark.build

DASK = Path(sys.executable).parent / "dask"


def scheduler_argv(scheduler_file: Path) -> list[str]:
    """``dask scheduler`` on loopback, on a free port it writes to ``scheduler_file``."""
    return [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(scheduler_file)]  # fmt: skip


def worker_argv(scheduler_file: Path) -> list[str]:
    """``dask worker`` of one thread (one build at a time), as the README advises."""
    return [str(DASK), "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-dashboard"]


@contextmanager
def own_cluster(tmp_path: Path, workers: int, env: dict[str, str] | None = None):
    """A scheduler and ``workers`` plain workers of one test's own: (address, a client, the
    scheduler's process), all ended afterwards."""
    scheduler_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(scheduler_argv(scheduler_file), stderr=subprocess.DEVNULL)]
    client = None
    try:
        wait_for(scheduler_file.exists, timeout=60, what="the scheduler")
        procs += [subprocess.Popen(worker_argv(scheduler_file), env=env, stderr=subprocess.DEVNULL)
                  for _ in range(workers)]  # fmt: skip
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout="60s")
        if workers:
            client.wait_for_workers(workers, timeout=90)
        yield client.scheduler.address, client, procs[0]
    finally:
        if client is not None:
            client.close()
        for proc in reversed(procs):
            proc.kill()
            proc.wait(timeout=20)


def _can_hide() -> bool:
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def caller_dir(tmp_path_factory) -> Path:
    """Where the caller's workspaces live: an empty directory for the workers."""
    return tmp_path_factory.mktemp("caller-only")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, caller_dir, local_channel):
    """(scheduler address, a Client) of a scheduler and two single-threaded workers."""
    base = tmp_path_factory.mktemp("dask")
    scheduler_file = base / "scheduler.json"
    env = {**os.environ, "RATTLER_CACHE_DIR": str(base / "worker-cache"), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = []

    def start(argv: list[str], name: str) -> subprocess.Popen:
        log = open(base / f"{name}.log", "w")
        logs.append(log)
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=base)

    procs = [start(scheduler_argv(scheduler_file), "scheduler")]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = worker_argv(scheduler_file)
    for index in range(2):
        if _can_hide():
            hidden = f"mount -t tmpfs tmpfs '{caller_dir}' && exec " + " ".join(f"'{a}'" for a in worker)
            argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", hidden]
        else:
            argv = worker
        procs.append(start(argv, f"worker-{index}"))
    client = distributed.Client(scheduler_file=str(scheduler_file), timeout="60s")
    try:
        client.wait_for_workers(2, timeout=90)
        yield client.scheduler.address, client
    finally:
        client.close()
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def workspace(project: str, where: Path, channel: Path) -> Path:
    ws = where / project
    shutil.copytree(PROJECTS / project, ws)
    manifest = ws / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("channels = []", f'channels = ["{channel}"]'))
    return ws


def kiln(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def indexes(out: Path) -> dict[str, dict]:
    """``info/index.json`` of every archive, by file name, without what differs between
    any two builds (rattler-build stamps the build time) and the file's own path."""
    found = {}
    for archive in sorted(out.glob("*.conda")):
        index = read_index(archive)
        for key in ("timestamp", "path"):
            index.pop(key, None)
        found[archive.name] = index
    return found


def test_workers_cannot_see_the_callers_tree(cluster, caller_dir):
    if not _can_hide():
        pytest.skip("no mount namespaces here (needs root and unshare): the workers see the caller's files")
    (caller_dir / "probe.txt").write_text("only the caller sees this\n")
    _, client = cluster
    seen = client.run(os.path.exists, str(caller_dir / "probe.txt"))
    assert len(seen) == 2 and not any(seen.values())
    assert os.path.exists(caller_dir / "probe.txt")


@pytest.mark.parametrize("project, root", [("workspace-python", "app"), ("workspace-cluster", "consumer")])
def test_a_workspace_builds_on_the_cluster_as_it_builds_here(cluster, caller_dir, tmp_path, local_channel, project, root):
    address, _ = cluster
    here = workspace(project, tmp_path / "local", local_channel)
    there = workspace(project, caller_dir / tmp_path.name, local_channel)
    local = kiln("build", "--json", "--path", here / root, "-o", tmp_path / "out-local")
    assert local.returncode == 0, local.stderr
    remote = kiln("build", "--json", "--path", there / root, "-o", tmp_path / "out-cluster", "--scheduler", address)
    assert remote.returncode == 0, remote.stderr

    summary = json.loads(remote.stdout)
    assert {p["status"] for p in summary["packages"]} == {"built"}
    # the live display names the worker building each package (plain lines without a terminal)
    for pkg in summary["packages"]:
        assert f"{pkg['label']}: building (new, on tcp://127.0.0.1:" in remote.stderr
    # what is built does not depend on where: the same files, the same metadata
    assert indexes(tmp_path / "out-cluster") == indexes(tmp_path / "out-local")
    assert len(indexes(tmp_path / "out-cluster")) == len(summary["delivered"]) >= 3

    prefix = kiln_install(tmp_path / "prefix", [str(p) for p in (tmp_path / "out-cluster").glob("*.conda")], [local_channel])
    if project == "workspace-python":
        run = subprocess.run([prefix / "bin" / "kiln-demo-app"], capture_output=True, text=True, check=True)
        assert run.stdout == "hello from a recipe package (greeter built by kiln-demo-backend 1.0.0)\n"
    else:
        run = subprocess.run([prefix / "bin" / "consumer"], capture_output=True, text=True, check=True)
        assert run.stdout == "consumer was built with: tool says: words from a run dependency\n" + "tool says: words from a run dependency\n"

    # the archives are in the caller's cache: a second run is all cached and needs no cluster
    again = kiln("build", "--json", "--path", there / root, "-o", tmp_path / "out-again", "--scheduler", "tcp://127.0.0.1:9")
    assert again.returncode == 0, again.stderr
    assert {p["status"] for p in json.loads(again.stdout)["packages"]} == {"cached"}


def slow_recipe(ws: Path, name: str, script: list[str], host: list[str] = ()) -> None:
    pkg = ws / name
    pkg.mkdir(parents=True)
    deps = "".join(f'{d} = {{ path = "../{d}" }}\n' for d in host)
    (pkg / "pixi.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "1.0.0"\n\n[package.build.backend]\nname = "pixi-build-rattler-build"\n'
        f'version = "*"\n' + (f"\n[package.host-dependencies]\n{deps}" if deps else "")
    )
    lines = "".join(f"    - {json.dumps(line)}\n" for line in script)
    reqs = ("requirements:\n  host:\n" + "".join(f"    - {d}\n" for d in host)) if host else ""
    (pkg / "recipe.yaml").write_text(
        f'package:\n  name: {name}\n  version: "1.0.0"\nbuild:\n  noarch: generic\n  script:\n{lines}{reqs}'
    )


def new_workspace(where: Path, channel: Path) -> Path:
    where.mkdir(parents=True)
    (where / "pixi.toml").write_text(
        f'[workspace]\nchannels = ["{channel}"]\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n'
    )
    return where


def wait_for(predicate, timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def kiln_tasks(client) -> dict[str, list[str]]:
    """The kiln build tasks each worker is processing now."""
    return {w: [k for k in keys if str(k).startswith("kiln-build-")] for w, keys in client.processing().items()}


def test_a_worker_killed_mid_build_runs_the_task_again(cluster, caller_dir, tmp_path, local_channel):
    address, client = cluster
    marks = tmp_path / "marks"  # outside the hidden tree: the build script writes here from the worker
    marks.mkdir()
    ws = new_workspace(caller_dir / tmp_path.name, local_channel)
    slow_recipe(ws, "slow", [f"echo started >> {marks}/runs", "sleep 3", "mkdir -p $PREFIX/share/slow",
                             "echo done > $PREFIX/share/slow/done.txt"])  # fmt: skip
    proc = subprocess.Popen([kiln_exe(), "build", "--json", "--path", ws / "slow", "-o", tmp_path / "out",
                             "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        wait_for(lambda: (marks / "runs").exists(), what="the first build to start")
        busy = [w for w, keys in kiln_tasks(client).items() if keys]
        assert len(busy) == 1
        pid = client.run(os.getpid, workers=busy)[busy[0]]
        os.kill(pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert (marks / "runs").read_text() == "started\nstarted\n"  # the killed task ran again, elsewhere
    [archive] = (tmp_path / "out").glob("slow-1.0.0-*.conda")
    assert read_index(archive)["name"] == "slow"
    assert [p["status"] for p in json.loads(stdout)["packages"]] == ["built"]
    client.wait_for_workers(2, timeout=90)  # the nanny restarts the killed worker for the next tests


def test_a_build_failing_on_a_worker_is_reported_as_here_and_stops_its_dependents(
    cluster, caller_dir, tmp_path, local_channel
):
    address, _ = cluster
    marks = tmp_path / "marks"
    marks.mkdir()
    errors = {}
    for where, extra in (("local", []), ("cluster", ["--scheduler", address])):
        ws = new_workspace((caller_dir if where == "cluster" else tmp_path) / f"{tmp_path.name}-{where}", local_channel)
        slow_recipe(ws, "broken", ["echo 'kiln-test: the compiler said no' >&2", "exit 3"])
        slow_recipe(ws, "dependent", [f"echo started >> {marks}/dependent", "mkdir -p $PREFIX/share"], host=["broken"])
        out = tmp_path / f"out-{where}"
        proc = kiln("build", "--no-progress", "--path", ws / "dependent", "-o", out, *extra)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not (marks / "dependent").exists()  # never started
        assert "dependent: building" not in proc.stderr
        assert not out.exists() or list(out.iterdir()) == []
        assert not (ws / ".pixi" / "artifacts-v0" / "broken").exists()
        errors[where] = proc.stderr[proc.stderr.index("error"):]
    # the package's error and its log tail, as a local failure shows them
    assert "broken" in errors["cluster"] and "kiln-test: the compiler said no" in errors["cluster"]
    # (where the build ran differs: the work directory, a temporary one on the worker)
    def where_free(text: str) -> str:
        text = re.sub(r"\S*/rattler-build/bld/", "<work>/", text)
        return re.sub(r"host_env_placehold\w*", "host_env", text)  # padded to the path's length

    assert where_free(errors["cluster"]) == where_free(errors["local"])


def test_ctrl_c_cancels_the_builds_on_the_cluster(cluster, caller_dir, tmp_path, local_channel):
    address, client = cluster
    marks = tmp_path / "marks"
    marks.mkdir()
    ws = new_workspace(caller_dir / tmp_path.name, local_channel)
    slow_recipe(ws, "endless", [f"echo $$ > {marks}/pid", "sleep 120", f"echo finished > {marks}/finished"])
    proc = subprocess.Popen([kiln_exe(), "build", "--no-progress", "--path", ws / "endless", "-o", tmp_path / "out",
                             "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        wait_for(lambda: (marks / "pid").exists() and (marks / "pid").read_text().strip(), what="the build to start")
        script = int((marks / "pid").read_text())
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr  # interrupted: not a build that failed by itself
    assert "Traceback" not in stderr

    def gone() -> bool:
        try:
            os.kill(script, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(gone, timeout=30, what="the build script on the worker to be killed")
    wait_for(lambda: not any(kiln_tasks(client).values()), timeout=30, what="the task to leave the cluster")
    assert not (marks / "finished").exists()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert not (ws / ".pixi" / "artifacts-v0" / "endless").exists()


def test_publish_on_a_local_cluster(tmp_path, local_channel):
    """``kiln publish --scheduler local:2``: a LocalCluster of two worker processes builds the
    archives, and they land in the target channel, indexed and installable."""
    ws = workspace("workspace-recipes", tmp_path, local_channel)
    target = tmp_path / "published"
    proc = kiln("publish", "--json", "--path", ws / "app", "--to", target, "--scheduler", "local:2")
    assert proc.returncode == 0, proc.stderr
    assert "starting a local Dask cluster of 2 worker processes" in proc.stderr
    assert {p["status"] for p in json.loads(proc.stdout)["packages"]} == {"built"}
    prefix = kiln_install(tmp_path / "prefix", ["app"], [target, local_channel])
    assert (prefix / "share" / "lib" / "from-greeting.txt").read_text() == (ws / "greeting" / "text.txt").read_text()
    assert (prefix / "bin" / "app").is_file()


@pytest.mark.parametrize("value", ["localhost:8786", "local:0", "tcp://", "http://host:1"])
def test_a_malformed_scheduler_is_refused_before_anything_runs(tmp_path, value):
    project = tmp_path / "recipe-hello"
    shutil.copytree(PROJECTS / "recipe-hello", project)
    proc = kiln("build", "--path", project, "-o", tmp_path / "out", "--scheduler", value, timeout=60)
    assert proc.returncode == 2  # a usage error, before anything is planned or written
    assert f"--scheduler: `{value}`: expected tcp://HOST:PORT (a running `dask scheduler`)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in project.iterdir()) == ["message.txt", "recipe.yaml"]


def test_an_unreachable_scheduler_is_named(tmp_path, local_channel):
    ws = workspace("workspace-recipes", tmp_path, local_channel)
    proc = kiln("build", "--path", ws / "greeting", "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert proc.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (ws / ".pixi" / "artifacts-v0" / "greeting").exists()


def test_without_distributed_the_extra_is_named(tmp_path, local_channel):
    ws = workspace("workspace-recipes", tmp_path, local_channel)
    code = "import sys; sys.modules['distributed'] = None; from kiln.cli.main import main; sys.argv[0] = 'kiln'; main()"
    proc = subprocess.run([sys.executable, "-c", code, "build", "--path", str(ws / "greeting"), "--scheduler",
                           "local:1"], capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1
    assert "--scheduler needs Dask's `distributed`" in proc.stderr and "pip install 'kiln[dask]'" in proc.stderr
    assert "Traceback" not in proc.stderr
    # and a build without --scheduler never imports it
    local = subprocess.run([sys.executable, "-c", code, "build", "--path", str(ws / "greeting"), "-o", str(tmp_path / "out")],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert local.returncode == 0, local.stderr


def test_workers_with_another_kiln_are_refused(tmp_path, local_channel):
    """A worker whose installed kiln differs (here: a kiln 9.9.9 ahead on its path) builds nothing."""
    fake = tmp_path / "other-kiln" / "kiln-9.9.9.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: kiln\nVersion: 9.9.9\n")
    with own_cluster(tmp_path, 1, env={**os.environ, "PYTHONPATH": str(fake.parent)}) as (address, _, _):
        ws = workspace("workspace-recipes", tmp_path, local_channel)
        proc = kiln("build", "--path", ws / "greeting", "-o", tmp_path / "out", "--scheduler", address)
    assert proc.returncode == 1
    assert f"the Dask workers of {address} must run kiln 0.1.0: tcp://127.0.0.1:" in proc.stderr
    assert "(kiln 9.9.9)" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_workers_on_another_platform_are_refused(cluster, tmp_path, local_channel):
    address, _ = cluster
    ws = workspace("workspace-recipes", tmp_path, local_channel)
    proc = kiln("build", "--path", ws / "greeting", "-o", tmp_path / "out", "--build-platform", "linux-aarch64",
                "--scheduler", address)  # fmt: skip
    assert proc.returncode == 1
    assert f"the Dask workers of {address} must run on the build platform, linux-aarch64: tcp://127.0.0.1:" in proc.stderr
    assert "(linux-64)" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_ctrl_c_while_waiting_for_a_worker_cancels_the_queued_task(tmp_path, local_channel):
    """A scheduler with no workers: kiln says so, waits, and Ctrl-C takes its task back."""
    with own_cluster(tmp_path, 0) as (address, client, _):
        ws = workspace("workspace-recipes", tmp_path, local_channel)
        proc = subprocess.Popen([kiln_exe(), "build", "--no-progress", "--path", ws / "greeting", "-o", tmp_path / "out",
                                 "--scheduler", address], stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
        said = ""
        try:
            assert proc.stderr is not None
            while "has no workers yet" not in said:
                line = proc.stderr.readline()
                assert line, said
                said += line
            queued = lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks if str(k).startswith("kiln-build-")]  # noqa: E731
            wait_for(lambda: client.run_on_scheduler(queued), timeout=30, what="the task to be submitted")
            proc.send_signal(signal.SIGINT)
            said += proc.communicate(timeout=60)[1]
        finally:
            proc.kill()
        assert proc.returncode == 130, said
        assert f"the Dask scheduler at {address} has no workers yet: builds wait for one" in said
        wait_for(lambda: not client.run_on_scheduler(queued), timeout=30, what="the queued task to be cancelled")
        assert not (tmp_path / "out").exists()


def test_losing_the_scheduler_mid_build_is_a_clear_error(tmp_path, local_channel):
    marks = tmp_path / "marks"
    marks.mkdir()
    with own_cluster(tmp_path, 1) as (address, client, scheduler):
        client.close()  # kiln's client is the one that must notice
        ws = new_workspace(tmp_path / "ws", local_channel)
        slow_recipe(ws, "slow", [f"echo started > {marks}/started", "sleep 30"])
        proc = subprocess.Popen([kiln_exe(), "build", "--no-progress", "--path", ws / "slow", "-o", tmp_path / "out",
                                 "--scheduler", address], stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            wait_for((marks / "started").exists, what="the build to start")
            scheduler.kill()
            _, stderr = proc.communicate(timeout=120)
        finally:
            proc.kill()
    assert proc.returncode == 1
    assert f"error: slow: lost the Dask scheduler at {address} during the build" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()
    assert not (ws / ".pixi" / "artifacts-v0" / "slow").exists()
