"""``kiln build``: drive a backend over the protocol and collect its archives.

This first version builds one package: discover its backend, start it, ask for
its outputs on the target platform, build each with ``conda/build_v1`` and copy
the archives -- atomically -- to ``<output-dir>/<subdir>/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from kiln.backend.platforms import current_platform
from kiln.errors import KilnError
from kiln.frontend.discovery import Discovered, discover, resolve_backend
from kiln.protocol import types as t
from kiln.protocol.client import BackendProcess


@dataclass
class BuildOptions:
    path: Path
    output_dir: Path
    target_platform: str = field(default_factory=current_platform)
    build_platform: str = field(default_factory=current_platform)
    channels: list[str] = field(default_factory=list)
    variants: dict[str, list[Any]] = field(default_factory=dict)
    variant_files: list[Path] = field(default_factory=list)
    build_number: int | None = None
    build_string_prefix: str | None = None
    package_format: t.PackageFormat | None = None
    on_log: Callable[[str], None] | None = None
    on_status: Callable[[str, str], None] | None = None


@dataclass
class Artifact:
    name: str
    version: str
    build: str
    subdir: str
    path: Path


def _short_hash(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    import base64

    return base64.urlsafe_b64encode(digest[:8]).decode().rstrip("=")


def _channel_arg(channel: str) -> str:
    """Channels as rattler-build and pixi expect: URLs kept, paths made absolute."""
    if "://" in channel:
        return channel.rstrip("/")
    path = Path(channel).expanduser()
    if not path.exists():
        raise KilnError(f"channel directory {path} does not exist")
    return str(path.absolute())


def _install(src: Path, dest_dir: Path) -> Path:
    """Copy an archive into ``dest_dir`` via a temp file and a rename."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    tmp = dest_dir / f".{src.name}.{os.getpid()}.partial"
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def build(options: BuildOptions) -> list[Artifact]:
    found = discover(options.path)
    return build_discovered(found, options)


def build_discovered(found: Discovered, options: BuildOptions) -> list[Artifact]:
    command = resolve_backend(found.backend)
    workspace = found.source_dir
    pixi_dir = workspace / ".pixi"
    channels = [_channel_arg(c) for c in options.channels]
    status = options.on_status or (lambda _name, _state: None)
    model = found.project_model
    if model is not None and (options.build_number is not None or options.build_string_prefix is not None):
        import msgspec

        model = msgspec.structs.replace(
            model,
            build_number=options.build_number if options.build_number is not None else model.build_number,
            build_string_prefix=options.build_string_prefix or model.build_string_prefix,
        )
    label = found.package_name or found.source_dir.name
    key = _short_hash(str(found.manifest_path), options.target_platform, command.identity)
    meta_dir = pixi_dir / "meta-v0" / f"{label}-{key}" / "work"
    artifacts: list[Artifact] = []
    status(label, "starting backend")
    with BackendProcess(list(command.argv), on_stderr=options.on_log) as backend:
        backend.negotiate_capabilities()
        backend.initialize(
            t.InitializeParams(
                manifest_path=str(found.manifest_path),
                source_directory=str(found.source_dir),
                workspace_directory=str(workspace),
                cache_directory=os.environ.get("PIXI_CACHE_DIR") or os.environ.get("RATTLER_CACHE_DIR"),
                workspace_scratch_directory=str(pixi_dir / "scratch-v0"),
                project_model=model,
                configuration=found.configuration,
                target_configuration=found.target_configuration,
            )
        )
        status(label, "resolving outputs")
        result = backend.conda_outputs(
            t.CondaOutputsParams(
                host_platform=options.target_platform,
                build_platform=options.build_platform,
                work_directory=str(meta_dir),
                channels=channels,
                variant_configuration=options.variants or None,
                variant_files=[str(Path(f).absolute()) for f in options.variant_files] or None,
            )
        )
        if not result.outputs:
            raise KilnError(f"{label} produces no package for {options.target_platform}")
        for output in result.outputs:
            meta = output.metadata
            status(meta.name, "building")
            work_dir = pixi_dir / "bld" / meta.name / _short_hash(meta.name, meta.version, meta.build, meta.subdir)
            built = backend.conda_build_v1(
                t.CondaBuildV1Params(
                    output=t.CondaBuildV1Output(
                        name=meta.name, version=meta.version, build=meta.build, subdir=meta.subdir, variant=meta.variant
                    ),
                    work_directory=str(work_dir),
                    channels=channels,
                    package_format=options.package_format,
                    editable=False,
                )
            )
            _check_result(meta, built)
            final = _install(Path(built.output_file), options.output_dir / built.subdir)
            artifacts.append(Artifact(built.name, built.version, built.build, built.subdir, final))
            status(meta.name, "done")
    return artifacts


def _check_result(meta: t.CondaOutputMetadata, built: t.CondaBuildV1Result) -> None:
    expected = (meta.name.lower(), meta.version, meta.build, meta.subdir)
    got = (built.name, built.version, built.build, built.subdir)
    if expected != got:
        raise KilnError(
            f"the build backend did not return the expected package: expected {'-'.join(expected[:3])} "
            f"({expected[3]}), got {'-'.join(got[:3])} ({got[3]})"
        )
    if not Path(built.output_file).is_file():
        raise KilnError(f"the build backend reported {built.output_file}, which does not exist")
