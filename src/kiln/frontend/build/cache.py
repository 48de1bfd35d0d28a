"""The front end's caches: ``conda/outputs`` results and built artifacts (spec §10.4-10.6).

Both are keyed on everything that decides the result without reading source files
(manifest, project model, configuration, variants, platforms, channels, backend
identity; for artifacts also the archives of build/host source dependencies and the
rendered requirements on run-only ones, as pixi keys on build/host only); an entry then
holds the fingerprints of the files the backend said it read, and is valid only
while those files are unchanged. Entries are written to a temporary directory and
renamed into place, so an interrupted or failed build never leaves a usable-looking
entry behind.

Layout under the workspace's ``.pixi/`` (pixi's current names)::

    meta-v0/<label>-<key>/entry.json          conda/outputs result + fingerprints
    meta-v0/<label>-<key>/work/               the backend's work directory (debug files)
    artifacts-v0/<name>/<key>/<file>.conda    the archive
    artifacts-v0/<name>/<key>/sidecar.json    build result, input globs, fingerprints
    artifacts-v0/<name>/last.json             key components of the last build (--explain)
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError
from kiln.frontend.build.fingerprint import Changes, FileState, compare, hash_file, snapshot, with_exclusions
from kiln.protocol import types as t

if TYPE_CHECKING:
    from collections.abc import Iterable


FORMAT = 1


def cache_key(components: dict[str, Any]) -> str:
    """11 URL-safe characters of a hash over the (JSON) components."""
    blob = json.dumps(components, sort_keys=True, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(blob).digest()[:8]).decode().rstrip("=")


def _write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _states(data: dict[str, list]) -> dict[str, FileState]:
    return {k: FileState.from_list(v) for k, v in data.items()}


def _refresh(path: Path, entry: dict, changes: Changes) -> None:
    """Record new mtimes of touched-but-unchanged files so later checks stay cheap."""
    if changes.touched:
        entry["files"].update({k: v.to_list() for k, v in changes.touched.items()})
        try:
            _write_json_atomic(path, entry)
        except OSError:
            pass


@dataclass
class Lookup:
    """The outcome of a cache lookup: a value, or why there is none."""

    value: Any
    reason: str

    @property
    def hit(self) -> bool:
        return self.value is not None


class MetadataCache:
    """``conda/outputs`` results, so a no-op build starts no backend."""

    def __init__(self, root: Path, ignore: list[str] | None = None) -> None:
        self.root = root
        self.ignore = list(ignore or [])

    def directory(self, label: str, key: str) -> Path:
        return self.root / f"{label}-{key}"

    def lookup(self, label: str, key: str, source_dir: Path | None) -> Lookup:
        """``source_dir`` None: an immutable (git/url) source, where the key decides alone."""
        path = self.directory(label, key) / "entry.json"
        entry = _read_json(path)
        if not entry or entry.get("format") != FORMAT:
            return Lookup(None, "no cached metadata")
        if source_dir is not None:
            changes = compare(source_dir, entry["globs"], _states(entry["files"]))
            if changes:
                return Lookup(None, f"metadata inputs {changes.describe()}")
            _refresh(path, entry, changes)
        return Lookup(entry["result"], "cached")

    def store(self, label: str, key: str, result: dict, source_dir: Path | None, globs: list[str]) -> None:
        globs = with_exclusions(globs, source_dir, self.ignore) if globs and source_dir is not None else []
        files = snapshot(source_dir, globs) if globs and source_dir is not None else {}
        entry = {
            "format": FORMAT,
            "result": result,
            "globs": globs,
            "files": {k: v.to_list() for k, v in files.items()},
        }
        _write_json_atomic(self.directory(label, key) / "entry.json", entry)


@dataclass
class CachedArtifact:
    path: Path
    sha256: str
    result: dict


class ArtifactCache:
    """Built archives, reused while their inputs are unchanged."""

    def __init__(self, root: Path, ignore: list[str] | None = None) -> None:
        self.root = root
        self.ignore = list(ignore or [])

    def _entry_dir(self, name: str, key: str) -> Path:
        return self.root / name / key

    def lookup(self, name: str, key: str, source_dir: Path | None, components: dict[str, Any]) -> Lookup:
        directory = self._entry_dir(name, key)
        sidecar = _read_json(directory / "sidecar.json")
        if not sidecar or sidecar.get("format") != FORMAT:
            return Lookup(None, explain_key_change(self.last_components(name), components))
        archive = directory / sidecar["file"]
        if not archive.is_file():
            return Lookup(None, "cached archive is missing")
        if source_dir is not None and sidecar.get("globs") is not None:
            changes = compare(source_dir, sidecar["globs"], _states(sidecar["files"]))
            if changes:
                return Lookup(None, f"input files {changes.describe()}")
            _refresh(directory / "sidecar.json", sidecar, changes)
        return Lookup(CachedArtifact(archive, sidecar["sha256"], sidecar["result"]), "cached")

    def store(
        self,
        name: str,
        key: str,
        archive: Path,
        result: dict,
        components: dict[str, Any],
        source_dir: Path | None,
    ) -> CachedArtifact:
        """Copy the archive into the cache with its sidecar; replaces an older entry."""
        globs = None
        if source_dir is not None:
            globs = with_exclusions(list(result.get("input_globs") or []), source_dir, self.ignore)
        files = snapshot(source_dir, globs) if source_dir is not None and globs else {}
        final = self._entry_dir(name, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{key}."))
        try:
            shutil.copyfile(archive, staging / archive.name)
            sha = hash_file(staging / archive.name)
            sidecar = {
                "format": FORMAT,
                "file": archive.name,
                "sha256": sha,
                "result": result,
                "globs": globs,
                "files": {k: v.to_list() for k, v in files.items()},
                "components": components,
            }
            _write_json_atomic(staging / "sidecar.json", sidecar)
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _write_json_atomic(self.root / name / "last.json", {"key": key, "components": components})
        return CachedArtifact(final / archive.name, sha, result)

    def clean(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def last_components(self, name: str) -> dict[str, Any] | None:
        last = _read_json(self.root / name / "last.json")
        return last.get("components") if last else None


def explain_key_change(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """Human words for what differs between two sets of key components."""
    if not old:
        return "not built before"
    labels = {
        "model": "the project model (manifest) changed",
        "configuration": "the backend configuration changed",
        "target_configuration": "the target-specific configuration changed",
        "variants": "the variants changed",
        "variant_files": "a variant file changed",
        "backend": "the build backend changed",
        "channels": "the channels changed",
        "host_platform": "the target platform changed",
        "build_platform": "the build platform changed",
        "output": "the output's identity (version/build) changed",
        "package_format": "the package format changed",
        "source": "the source location changed",
    }
    reasons = []
    for field in sorted(set(old) | set(new)):
        if field in ("dependencies", "run_dependencies"):
            continue
        if old.get(field) != new.get(field):
            reasons.append(labels.get(field, f"{field} changed"))
    old_deps, new_deps = old.get("dependencies", {}) or {}, new.get("dependencies", {}) or {}
    for dep in sorted(set(old_deps) | set(new_deps)):
        if old_deps.get(dep) != new_deps.get(dep):
            reasons.append(f"dependency {dep} was rebuilt" if dep in old_deps and dep in new_deps else f"dependency {dep} changed")
    old_run, new_run = old.get("run_dependencies", {}) or {}, new.get("run_dependencies", {}) or {}
    for dep in sorted(set(old_run) | set(new_run)):
        before, after = old_run.get(dep), new_run.get(dep)
        if before is not None and after is not None and before != after:
            reasons.append(f"the run requirement on {dep} changed ({', '.join(before)} -> {', '.join(after)})")
        elif before != after and "run_dependencies" in old:
            reasons.append(f"run dependency {dep} {'added' if before is None else 'removed'}")
    return "; ".join(reasons) or "cache entry missing"


# -- key composition -------------------------------------------------------------------


def kiln_fingerprint() -> str:
    """Identity of kiln's own backends: version plus the state of their source files,
    so that editing kiln invalidates what its backends produced."""
    import kiln

    root = os.path.dirname(kiln.__file__)
    files: list[tuple[tuple[str, ...], str]] = []  # (relative parts, path): sorted as Path sorts
    for directory, _dirs, names in os.walk(root):
        rel = os.path.relpath(directory, root)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        files.extend(((*parts, n), os.path.join(directory, n)) for n in names if n.endswith(".py"))
    digest = hashlib.sha256(kiln.__version__.encode())
    for parts, path in sorted(files):
        st = os.stat(path)
        digest.update(f"{os.sep.join(parts)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _file_digest(path: Path) -> str:
    try:
        return hash_file(path)
    except OSError:
        raise KilnError(f"variant file {path} cannot be read") from None


def metadata_components(
    *,
    manifest: Path,
    source: str,
    backend: str,
    own_backend: bool,
    kiln_id: str,
    model: t.ProjectModel | None,
    configuration: Any,
    target_configuration: dict[str, Any] | None,
    host_platform: str,
    build_platform: str,
    channels: list[str],
    variants: dict[str, list[Any]],
    variant_files: list[Path],
) -> dict[str, Any]:
    """What decides a package's ``conda/outputs`` answer besides its input files."""
    return {
        "manifest": str(manifest),
        "source": source,
        # kiln's own backends change with kiln's sources, not only with its version
        "backend": f"{backend}#{kiln_id}" if own_backend else backend,
        "model": t.to_builtins(model) if model is not None else None,
        "configuration": configuration,
        "target_configuration": target_configuration,
        "host_platform": host_platform,
        "build_platform": build_platform,
        "channels": channels,
        "variants": variants,
        "variant_files": {str(f): _file_digest(f) for f in variant_files},
    }


def artifact_components(
    meta_components: dict[str, Any],
    output: t.CondaOutput,
    environment_archives: Iterable[tuple[str, CachedArtifact]],
    run_only: set[str],
    package_format: t.PackageFormat | None,
) -> dict[str, Any]:
    """What decides the output's archive besides its input files.

    A build or host source dependency is installed into the environments the build
    sees (its files, its run exports), so its archive (``environment_archives``, by
    dependency output name) is part of the key. A run-only one (named in
    ``run_only``) is not: the archive holds only the requirement on it, which is
    rendered from the dependent's own inputs -- except for a ``pin_subpackage``,
    whose version and build string come from the dependency. That rendered
    requirement is the key's part.
    """
    meta = output.metadata
    deps = {f"{name}/{art.result['build']}/{art.result['subdir']}": art.sha256 for name, art in environment_archives}
    run_deps: dict[str, list[str]] = {}
    for dep in output.run_dependencies.depends:
        if dep.source is not t.UNSET and dep.name in run_only:
            run_deps.setdefault(dep.name, []).append(rendered_requirement(dep.name, dep.source))
    return {
        **{k: v for k, v in meta_components.items() if k != "variants"},
        "output": {"name": meta.name, "version": meta.version, "build": meta.build, "subdir": meta.subdir,
                   "variant": meta.variant},
        "dependencies": deps,
        "run_dependencies": {k: sorted(v) for k, v in sorted(run_deps.items())},
        "package_format": t.to_builtins(package_format) if package_format is not None else None,
    }  # fmt: skip


def rendered_requirement(name: str, source: t.SourcePackageSpec) -> str:
    """The requirement on a source package as the dependent's archive records it."""
    parts = [name]
    if source.version not in (None, t.UNSET):
        parts.append(str(source.version))
    if source.build not in (None, t.UNSET):
        parts.append(str(source.build) if len(parts) > 1 else f"* {source.build}")
    if source.build_number not in (None, t.UNSET):
        parts.append(f"[build_number={source.build_number}]")
    return " ".join(parts)
