"""What a bootstrapped channel package is made of, and how it becomes an archive.

A :class:`ChannelPackage` lists its files as plain values -- a file on disk, some
bytes, or a symbolic link -- so that two things can be computed without building
anything: the *identity* of its contents (which goes into the build string, so
changed contents never hide behind an old file name) and a *stamp* that also
covers the file times on disk (so a re-run can tell that nothing changed and skip
the archive). Archives are made with ``rattler_build.assemble_package``, which
fixes every time stamp: the same package gives the same bytes on every run.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kiln.errors import ChannelError

#: Bumped whenever the way packages are laid out changes, so old archives are redone.
LAYOUT_VERSION = "1"


@dataclass(frozen=True)
class SourceFile:
    """A file copied from disk. ``identity`` names its contents (e.g. a RECORD hash)."""

    dest: str
    path: Path
    identity: str | None = None


@dataclass(frozen=True)
class Content:
    """A file written from bytes (scripts, configuration)."""

    dest: str
    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class Symlink:
    """A symbolic link, kept as a link in the package (absolute targets included)."""

    dest: str
    target: str


Entry = SourceFile | Content | Symlink


@dataclass
class ChannelPackage:
    """One package of a bootstrapped channel, before it is an archive."""

    kind: str
    name: str
    version: str
    subdir: str
    entries: list[Entry]
    depends: list[str] = field(default_factory=list)
    noarch: str | None = None
    summary: str | None = None
    license: str | None = None
    build_prefix: str = "h"
    build_suffix: str = ""
    origin: str = ""
    """Where the contents come from, shown to the user (a path or a tool name)."""

    def _describe(self, with_times: bool) -> bytes:
        digest = hashlib.sha256()

        def add(*parts: object) -> None:
            digest.update("\0".join(str(p) for p in parts).encode() + b"\n")

        add("layout", LAYOUT_VERSION, self.name, self.version, self.subdir, self.noarch, self.summary, self.license)
        add("depends", *self.depends)
        for entry in sorted(self.entries, key=lambda e: e.dest):
            if isinstance(entry, Content):
                add("content", entry.dest, entry.executable, hashlib.sha256(entry.data).hexdigest())
            elif isinstance(entry, Symlink):
                add("symlink", entry.dest, entry.target)
            else:
                st = os.stat(entry.path)
                identity = entry.identity or f"size={st.st_size}"
                add("file", entry.dest, identity, st.st_mode & 0o111 != 0)
                if with_times or entry.identity is None:
                    add("stat", st.st_size, st.st_mtime_ns)
        return digest.digest()

    @functools.cached_property
    def build_string(self) -> str:
        """``<prefix><hash of the contents>_0<suffix>``: new contents, new file name."""
        return f"{self.build_prefix}{self._describe(with_times=False).hex()[:8]}_0{self.build_suffix}"

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}-{self.build_string}.conda"

    @functools.cached_property
    def stamp(self) -> str:
        """Changes when anything that goes into the archive may have changed."""
        return self._describe(with_times=True).hex()


def assemble(package: ChannelPackage, work_dir: Path, *, compression_level: int = 1) -> Path:
    """Build ``package`` into an archive inside ``work_dir`` and return its path.

    Bytes and links are staged in a scratch directory first; files on disk are
    read where they are.
    """
    from rattler_build import FileEntry, assemble_package

    stage = Path(tempfile.mkdtemp(prefix=f"{package.name}-", dir=work_dir))
    try:
        files = []
        for index, entry in enumerate(package.entries):
            if isinstance(entry, SourceFile):
                files.append(FileEntry.from_paths(entry.path, entry.dest))
                continue
            staged = stage / "files" / str(index) / Path(entry.dest).name
            staged.parent.mkdir(parents=True)
            if isinstance(entry, Symlink):
                staged.symlink_to(entry.target)
            else:
                staged.write_bytes(entry.data)
                staged.chmod(0o755 if entry.executable else 0o644)
            files.append(FileEntry.from_paths(staged, entry.dest))
        out_dir = stage / "out"
        try:
            output = assemble_package(
                name=package.name,
                version=package.version,
                target_platform=package.subdir,
                build_string=package.build_string,
                output_dir=out_dir,
                files=files,
                noarch=package.noarch,  # type: ignore[arg-type]
                depends=package.depends,
                summary=package.summary,
                license=package.license,
                detect_prefix=False,
                compression_level=compression_level,
            )
        except Exception as exc:  # rattler-build's error classes
            raise ChannelError(f"could not assemble {package.name} {package.version} from {package.origin}: {exc}")
        result = work_dir / package.filename
        os.replace(output.path, result)
        return result
    finally:
        shutil.rmtree(stage, ignore_errors=True)
