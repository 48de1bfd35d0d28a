"""Package metadata from ``Cargo.toml``, with cargo's workspace inheritance (spec ``backends.md`` §4.3).

A field written ``field.workspace = true`` takes its value from ``[workspace.package]``:
of the same file when it has a ``[workspace]`` table, else of the workspace that
``package.workspace`` names, else of the nearest parent ``Cargo.toml`` with a
``[workspace]`` table (cargo's root-workspace search). The workspace manifest is read
only when a value is inherited, and only then do its paths join the metadata globs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kiln.backend import toml
from kiln.backend.generated import MetadataProvider
from kiln.errors import KilnError

CARGO_TOML = "Cargo.toml"


class CargoManifestError(KilnError):
    """Cargo.toml is missing, unreadable or does not describe a package."""


def read_cargo_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CargoManifestError(
            f"{path} does not exist: pixi-build-rust reads the crate's Cargo.toml",
            help="run the backend on a directory with a Cargo.toml (`subdirectory` of a source dependency), "
            "or set `ignore-cargo-manifest = true` in [package.build.config] and give name and version in pixi.toml",
        ) from None
    except OSError as exc:
        raise CargoManifestError(f"{path} cannot be read: {exc.strerror}") from None
    return toml.parse(text, path)


def virtual_workspace_example(workspace: dict[str, Any]) -> str:
    """The member to suggest: first non-glob ``default-members``, else ``members``."""
    candidates = workspace.get("default-members") or workspace.get("members") or []
    for member in candidates:
        if isinstance(member, str) and "*" not in member:
            return member
    return "crates/<member>"


class CargoMetadataProvider(MetadataProvider):
    def __init__(self, root: Path, *, ignore: bool = False) -> None:
        self.root = root
        self.ignore = ignore
        self.manifest: dict[str, Any] | None = None
        #: (data, path) of the workspace manifest, once an inherited value needed it.
        self.workspace: tuple[dict[str, Any], Path] | None = None

    # -- loading ----------------------------------------------------------------------

    def load(self) -> dict[str, Any] | None:
        """The parsed Cargo.toml (None when ignored); a virtual workspace is an error."""
        if self.ignore:
            return None
        if self.manifest is None:
            path = self.root / CARGO_TOML
            data = read_cargo_toml(path)
            if not isinstance(data.get("package"), dict):
                if isinstance(data.get("workspace"), dict):
                    example = virtual_workspace_example(data["workspace"])
                    raise CargoManifestError(
                        f"the Cargo.toml at `{path}` is a virtual workspace manifest: it has a `[workspace]` table "
                        "but no `[package]`, so no package name or version could be determined; point the "
                        f'dependency at a member crate with `subdirectory`, e.g. `subdirectory = "{example}"`'
                    )
                raise CargoManifestError(f"{path} has no [package] table", help="add `[package]` with `name` and `version`")
            self.manifest = data
        return self.manifest

    @property
    def package(self) -> dict[str, Any]:
        data = self.load()
        return data["package"] if data else {}

    def _workspace_package(self, field: str) -> dict[str, Any]:
        data = self.load() or {}
        if isinstance(data.get("workspace"), dict):
            return data["workspace"].get("package") or {}
        if self.workspace is None:
            self.workspace = self._find_workspace(field)
        return self.workspace[0]["workspace"].get("package") or {}

    def _find_workspace(self, field: str) -> tuple[dict[str, Any], Path]:
        hint = self.package.get("workspace")
        if isinstance(hint, str):
            path = (self.root / hint / CARGO_TOML).resolve()
            data = read_cargo_toml(path)
            if isinstance(data.get("workspace"), dict):
                return data, path
            raise CargoManifestError(f"{path}, named by `package.workspace`, has no [workspace] table")
        for parent in self.root.resolve().parents:
            path = parent / CARGO_TOML
            if path.is_file():
                data = read_cargo_toml(path)
                if isinstance(data.get("workspace"), dict):
                    return data, path
        raise CargoManifestError(
            f"missing inherited value from workspace workspace.package.{field}: "
            f"no Cargo.toml with a [workspace] table above {self.root}"
        )

    def _field(self, field: str) -> Any:
        if self.ignore:
            return None
        value = self.package.get(field)
        if isinstance(value, dict) and value.get("workspace") is True:
            inherited = self._workspace_package(field).get(field)
            if inherited is None:
                raise CargoManifestError(f"missing inherited value from workspace workspace.package.{field}")
            value = inherited
        if value is not None and not isinstance(value, str):
            raise CargoManifestError(f"{self.root / CARGO_TOML}: `package.{field}` must be a string")
        return value

    # -- MetadataProvider ----------------------------------------------------------------

    def name(self) -> str | None:
        return self._field("name")

    def version(self) -> str | None:
        if self.ignore:
            return None
        # cargo's default for a crate without a version
        return self._field("version") or "0.0.0"

    def description(self) -> str | None:
        return self._field("description")

    def homepage(self) -> str | None:
        return self._field("homepage")

    def license(self) -> str | None:
        return self._field("license")

    def license_files(self) -> list[str]:
        value = self._field("license-file")
        return [value] if value else []

    def documentation(self) -> str | None:
        return self._field("documentation")

    def repository(self) -> str | None:
        return self._field("repository")

    # -- globs ---------------------------------------------------------------------------

    def input_globs(self) -> list[str]:
        """``Cargo.toml``, then the workspace manifest when one was read: its relative path
        if the package names it, else one ``../``-step per parent level up to it."""
        if self.manifest is None:
            return []
        globs = [CARGO_TOML]
        if self.workspace is not None:
            rel = Path(os.path.relpath(self.workspace[1].parent, self.root.resolve()))
            if isinstance(self.package.get("workspace"), str):
                globs.append(f"{rel.as_posix()}/{CARGO_TOML}")
            else:
                ups = 0
                for part in rel.parts:
                    if part != "..":
                        break
                    ups += 1
                globs += ["../" * (i + 1) + CARGO_TOML for i in range(ups)]
        return globs


# -- binaries -------------------------------------------------------------------------------


def binary_targets(root: Path, manifest: dict[str, Any]) -> list[str]:
    """The crate's binary targets as cargo finds them: ``[[bin]]`` entries, ``src/main.rs``
    (named after the package) and ``src/bin/*`` unless ``autobins = false``."""
    package = manifest.get("package") or {}
    names: list[str] = []
    #: files an explicit [[bin]] already builds: cargo infers no second target from them
    claimed: set[Path] = set()
    for entry in manifest.get("bin") or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            names.append(entry["name"])
            if isinstance(entry.get("path"), str):
                claimed.add((root / entry["path"]).resolve())
    if package.get("autobins", True) is not False:
        main = root / "src" / "main.rs"
        if main.is_file() and main.resolve() not in claimed and isinstance(package.get("name"), str):
            names.append(package["name"])
        bin_dir = root / "src" / "bin"
        if bin_dir.is_dir():
            for child in sorted(bin_dir.iterdir()):
                if child.suffix == ".rs" and child.is_file() and child.resolve() not in claimed:
                    names.append(child.stem)
                elif child.is_dir() and (child / "main.rs").is_file() and (child / "main.rs").resolve() not in claimed:
                    names.append(child.name)
    return list(dict.fromkeys(names))


# -- files outside the crate that its build reads ------------------------------------------

_DEPENDENCY_TABLES = ("dependencies", "build-dependencies")


def _dependency_tables(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    tables = [manifest.get(name) for name in _DEPENDENCY_TABLES]
    for target in (manifest.get("target") or {}).values():
        if isinstance(target, dict):
            tables += [target.get(name) for name in _DEPENDENCY_TABLES]
    return [t for t in tables if isinstance(t, dict)]


def find_workspace_root(root: Path, manifest: dict[str, Any]) -> Path | None:
    """The directory of the crate's workspace manifest (cargo's search), or None."""
    if isinstance(manifest.get("workspace"), dict):
        return root.resolve()
    hint = (manifest.get("package") or {}).get("workspace")
    candidates = [(root / hint).resolve()] if isinstance(hint, str) else list(root.resolve().parents)
    for parent in candidates:
        path = parent / CARGO_TOML
        try:
            if path.is_file() and isinstance(toml.loads(path.read_text(encoding="utf-8")).get("workspace"), dict):
                return parent
        except (OSError, ValueError):
            continue
    return None


def local_inputs(root: Path, manifest: dict[str, Any]) -> list[str]:
    """Globs, relative to ``root``, for what cargo reads outside the crate: the crates of
    path dependencies (transitively, also those named through ``[workspace.dependencies]``)
    and the workspace's ``Cargo.toml`` and ``Cargo.lock``.

    kiln's addition to upstream's globs: without it an edit in a sibling crate would not
    rebuild the package.
    """
    root = root.resolve()
    ws_root = find_workspace_root(root, manifest)
    ws_deps: dict[str, Any] = {}
    if ws_root is not None:
        try:
            ws_data = manifest if ws_root == root else toml.loads((ws_root / CARGO_TOML).read_text(encoding="utf-8"))
            ws_deps = (ws_data.get("workspace") or {}).get("dependencies") or {}
        except (OSError, ValueError):
            ws_deps = {}
    seen: list[Path] = []
    queue = [(root, manifest)]
    while queue:
        crate_dir, data = queue.pop(0)
        for table in _dependency_tables(data):
            for name, spec in table.items():
                if not isinstance(spec, dict):
                    continue
                base = crate_dir
                if spec.get("workspace") is True and ws_root is not None:
                    spec, base = ws_deps.get(name), ws_root
                if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
                    continue
                dep = (base / spec["path"]).resolve()
                if dep == root or dep in seen:
                    continue
                seen.append(dep)
                try:
                    queue.append((dep, toml.loads((dep / CARGO_TOML).read_text(encoding="utf-8"))))
                except (OSError, ValueError):
                    pass
    globs: list[str] = []
    for dep in seen:
        rel = Path(os.path.relpath(dep, root)).as_posix()
        globs += [f"{rel}/**/*.rs", f"{rel}/{CARGO_TOML}", f"!{rel}/target/**"]
    if ws_root is not None and ws_root != root:
        rel = Path(os.path.relpath(ws_root, root)).as_posix()
        globs += [f"{rel}/{CARGO_TOML}", f"{rel}/Cargo.lock"]
    return globs
