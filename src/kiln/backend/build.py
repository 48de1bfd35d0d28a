"""Build one rendered output with rattler-build into a canonical ``.conda`` archive.

rattler-build works in a scratch directory inside the work directory; only a
finished archive is moved -- atomically -- into the output directory, so a failed
or interrupted build never leaves a partial archive where a caller looks for one.
A failure reaches the caller as a :class:`BuildFailedError` carrying the last lines
of the build log (the script's own output included).

rattler-build solves and creates the build/host environments itself from the
request's channels; prefixes prepared by the caller are not used (see DESIGN).
"""

from __future__ import annotations

import collections
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import BuildFailedError, KilnError
from kiln.protocol import log

if TYPE_CHECKING:
    from kiln.backend.outputs import RenderedOutput
    from kiln.protocol.types import CondaBuildV1Params, PackageFormat

LOG_TAIL_LINES = 25


class _LogSink:
    """rattler-build progress callback: keeps the log tail, echoes it to stderr."""

    def __init__(self, echo: bool) -> None:
        self.tail: collections.deque[str] = collections.deque(maxlen=400)
        self.echo = echo

    def _add(self, message: str) -> None:
        for line in message.rstrip("\n").split("\n"):
            self.tail.append(line)
            if self.echo:
                try:
                    sys.stderr.write(line + "\n")
                except (OSError, ValueError):
                    self.echo = False
        if self.echo:
            try:
                sys.stderr.flush()
            except (OSError, ValueError):
                self.echo = False

    def on_log(self, event) -> None:
        self._add(event.message)

    def on_build_step(self, event) -> None:
        pass

    def on_download_start(self, event) -> None:
        pass

    def on_download_progress(self, event) -> None:
        pass

    def on_download_complete(self, event) -> None:
        pass


def channels_for_build(params: CondaBuildV1Params, work_dir: Path) -> list[str]:
    """The request's channels, preceded by a channel of the local archives its prefixes name.

    pixi builds source dependencies itself and describes them only as records of the
    build/host prefixes it prepared (``url`` pointing at its artifact cache). Since
    rattler-build solves the environments here, those archives must be findable: they
    are linked into ``<work>/prefix-channel`` and indexed, and that channel goes first.
    """
    from urllib.parse import unquote, urlparse

    archives: list[tuple[str, Path]] = []
    for prefix in (params.build_prefix, params.host_prefix):
        for record in prefix.packages if prefix is not None else []:
            url = str(record.get("url") or "")
            if not url.startswith("file://"):
                continue
            path = Path(unquote(urlparse(url).path))
            subdir = str(record.get("subdir") or "noarch")
            if path.is_file():
                archives.append((subdir, path))
    if not archives:
        return list(params.channels)
    channel = work_dir / "prefix-channel"
    shutil.rmtree(channel, ignore_errors=True)
    for subdir in {"noarch", *(s for s, _ in archives)}:
        (channel / subdir).mkdir(parents=True, exist_ok=True)
    for subdir, path in archives:
        target = channel / subdir / path.name
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    import asyncio

    from rattler.index import index_fs

    asyncio.run(index_fs(channel, write_zst=False, write_shards=False, force=True))
    return [str(channel), *params.channels]


def package_format_arg(fmt: PackageFormat | None) -> str | None:
    """The ``conda[:level]`` / ``tar.bz2[:level]`` string rattler-build takes."""
    if fmt is None:
        return None
    kind = "tar-bz2" if fmt.archive_type == "tar_bz2" else "conda"
    level = fmt.compression_level
    if not isinstance(level, int):
        level = {"lowest": "min", "highest": "max"}.get(level, "default")
    return f"{kind}:{level}"


@dataclass
class BuiltPackage:
    path: Path
    name: str
    version: str
    build: str
    subdir: str


def build_rendered(
    output: RenderedOutput,
    *,
    work_dir: Path,
    output_dir: Path,
    channels: list[str],
    package_format: PackageFormat | None = None,
    echo_log: bool = True,
) -> BuiltPackage:
    """Build ``output`` and move the archive to ``output_dir/<subdir>/``."""
    from rattler_build import ToolConfiguration

    if not channels:
        # rattler-build would fall back to conda-forge; the scratch channel of the
        # build itself is always searched, so an explicit empty list is safe.
        channels = []
    _check_cross_host_environment(output, channels)
    _check_license_files(output)
    scratch = work_dir / "rattler-build"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    sink = _LogSink(echo=echo_log and log.enabled(log.INFO))
    try:
        result = output.rendered.run_build(
            tool_config=ToolConfiguration(),
            output_dir=scratch,
            channels=list(channels),
            progress_callback=sink,
            package_format=package_format_arg(package_format),
            # the scratch directory is new for every build; without the build id its
            # prefixes keep their paths, so flags naming them (RUSTFLAGS' rpath) are
            # the same from one build to the next and incremental tools reuse their state
            no_build_id=True,
        )
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # rattler-build's error classes
        raise _failure(output, exc, sink, channels) from None
    archives = [Path(p) for p in result.packages]
    if len(archives) != 1:
        raise KilnError(f"rattler-build produced {len(archives)} archives for {output.name}, expected one")
    built = archives[0]
    expected = f"{output.name}-{output.version}-{output.build_string}"
    if not built.name.startswith(expected + "."):
        raise KilnError(f"rattler-build wrote {built.name}, expected {expected}.*")
    final_dir = output_dir / output.subdir
    final_dir.mkdir(parents=True, exist_ok=True)
    final = final_dir / built.name
    _move_atomically(built, final)
    shutil.rmtree(scratch, ignore_errors=True)
    return BuiltPackage(final, output.name, output.version, output.build_string, output.subdir)


def _check_cross_host_environment(output: RenderedOutput, channels: list[str]) -> None:
    """Refuse a host environment rattler-build would install for the wrong platform.

    py-rattler-build builds a rendered variant with the host platform its variant
    names and otherwise the machine's own, and a variant names only ``target_platform``:
    for ``-t linux-aarch64`` on linux-64 it would fill the host prefix with linux-64
    packages. A recipe without host requirements cross-builds correctly; one with them
    whose host environment solves to noarch packages only is safe too. Any other fails
    here before anything is built, with the solver's own reason when the environment
    cannot be solved for the host platform at all.
    """
    from kiln.conda.platforms import current_platform

    machine = current_platform()
    host = output.host_platform
    requirements = output.data.get("requirements", {}) or {}
    specs = [item for item in requirements.get("host", []) or [] if isinstance(item, str)]
    if output.noarch or host == machine or not specs:
        return
    head = f"failed to build {output.name} {output.version} ({output.build_string}) for {host}"
    from kiln.backend.solve import solved_subdirs

    try:
        subdirs = solved_subdirs(specs, channels, host)
    except Exception as exc:  # rattler's SolverError and friends
        raise BuildFailedError(
            f"{head}: the host environment for {host} cannot be solved from {channels or ['(no channels)']}:\n"
            f"  specs: {', '.join(specs)}\n{exc}"
        ) from None
    if subdirs <= {"noarch"}:
        return  # noarch packages only: the machine's own solve installs the same ones
    raise BuildFailedError(
        f"{head}: its host environment ({', '.join(specs)}) needs {host} packages, "
        f"but rattler-build would install it for {machine}",
        help="rattler-build's Python API installs host environments for the machine it runs on; "
        f"build {host} packages with platform-specific host dependencies on a {host} machine",
    )


def _check_license_files(output: RenderedOutput) -> None:
    """Fail before building on a license file rattler-build would fail on after it.

    Generated recipes get theirs staged beside the recipe (``kiln.backend.licenses``);
    this catches an absolute ``license_file`` in a hand-written recipe.
    """
    from kiln.backend.licenses import absolute_license_files

    unreachable = absolute_license_files(output.data.get("about") or {})
    if unreachable:
        raise KilnError(
            f"rattler-build cannot copy the absolute license file {unreachable[0]} of {output.name}",
            help="write `about.license_file` relative to the recipe's directory or to the source directory",
        )


def _move_atomically(src: Path, dst: Path) -> None:
    """Same filesystem: rename. Otherwise copy to a hidden temp file, then rename."""
    try:
        os.replace(src, dst)
        return
    except OSError:
        pass
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _failure(output: RenderedOutput, exc: BaseException, sink: _LogSink, channels: list[str]) -> BuildFailedError:
    reason = str(exc).replace("PyRattlerBuildError: ", "").strip() or type(exc).__name__
    tail = [line for line in sink.tail if line.strip()]
    detail = ""
    if "resolve" in reason.lower():
        detail = _solve_explanation(tail, channels)
    lines = "\n".join(tail[-LOG_TAIL_LINES:])
    message = f"failed to build {output.name} {output.version} ({output.build_string}): {reason}"
    if detail:
        message += f"\n{detail}"
    if lines:
        message += f"\n--- last lines of the build log ---\n{lines}"
    return BuildFailedError(message, log=list(sink.tail))


def _solve_explanation(tail: list[str], channels: list[str]) -> str:
    """Why an environment could not be solved: rattler-build's error says only that."""
    specs: list[str] = []
    in_specs = False
    for line in tail:
        stripped = line.strip()
        if stripped.startswith("Specs:"):
            specs, in_specs = [], True
            continue
        if in_specs:
            if stripped.startswith("- "):
                specs.append(stripped[2:])
            else:
                in_specs = False
    if not specs:
        return ""
    try:
        from kiln.backend.solve import explain_unsolvable

        return explain_unsolvable(specs, channels)
    except Exception:  # the explanation is a courtesy; the failure stands anyway
        return f"could not solve the environment for: {', '.join(specs)}"


def build_for_request(output: RenderedOutput, params: CondaBuildV1Params, input_globs: list[str]):
    """Build the output ``conda/build_v1`` asked for and answer with its result."""
    from kiln.backend.outputs import check_identity
    from kiln.protocol.types import CondaBuildV1Result

    check_identity(output, params.output)
    work_dir = Path(params.work_directory)
    out_dir = Path(params.output_directory) if params.output_directory else work_dir / "output"
    built = build_rendered(
        output,
        work_dir=work_dir,
        output_dir=out_dir,
        channels=channels_for_build(params, work_dir),
        package_format=params.package_format,
    )
    return CondaBuildV1Result(
        output_file=str(built.path),
        input_globs=input_globs,
        name=built.name.lower(),
        version=built.version,
        build=built.build,
        subdir=built.subdir,
    )
