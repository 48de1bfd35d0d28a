"""The cheap up-to-date check: what an install saw (files' and source trees' stat), re-statted.

Only ``os``/``json``/``hashlib``: ``kiln run`` imports this before deciding whether it
needs the front end and py-rattler at all.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

STAMP = "kiln-install.json"
MANIFEST_NAMES = ("pixi.toml", "pyproject.toml")
_SKIP_DIRS = {".pixi", ".git", "__pycache__", ".hg", ".svn", "node_modules", ".venv"}


def _file_state(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def tree_digest(root: str) -> str:
    """A digest of every file's path, mtime and size below ``root`` (tool directories skipped)."""
    h = hashlib.sha256()
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".pyc") or name == "pixi.lock":
                continue
            path = os.path.join(directory, name)
            state = _file_state(path)
            h.update(f"{os.path.relpath(path, root)}\0{state}\n".encode())
    return h.hexdigest()


def stamp_path(prefix: Path) -> Path:
    return prefix / "conda-meta" / STAMP


def write_stamp(prefix: Path, files: list[Path], trees: list[Path], key: str, plan: dict | None = None) -> None:
    """Record what this install depended on; written last, so a failed install leaves none.

    ``plan`` (what ``kiln run`` needs: tasks and activation) is kept with it, so a run
    in an up-to-date environment reads no manifest.
    """
    data = {
        "key": key,
        "plan": plan,
        "files": {str(f): _file_state(str(f)) for f in files},
        "trees": {str(d): tree_digest(str(d)) for d in trees},
    }
    path = stamp_path(prefix)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def current_plan(prefix: Path, key: str) -> dict | None:
    """The stamp's run plan if the environment at ``prefix`` holds what the files and trees
    it was made from say (``{}`` when it has none); None when it is out of date."""
    try:
        data = json.loads(stamp_path(prefix).read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    for path, state in data.get("files", {}).items():
        if _file_state(path) != state:
            return None
    for path, digest in data.get("trees", {}).items():
        if tree_digest(path) != digest:
            return None
    return data.get("plan") or {}


def find_workspace_dir(manifest_path: Path | None) -> Path | None:
    """The directory of the manifest ``--manifest-path`` names, or the nearest one above the cwd."""
    if manifest_path is not None:
        path = manifest_path.absolute()
        return path if path.is_dir() else path.parent
    here = Path.cwd()
    for directory in (here, *here.parents):
        if any((directory / name).is_file() for name in MANIFEST_NAMES):
            return directory
    return None


def stamp_key(env: str) -> str:
    from kiln import __version__

    # the python backend's override changes what an install builds
    return f"kiln {__version__} env {env} editable {os.environ.get('BUILD_EDITABLE_PYTHON')}"


def up_to_date(manifest_path: Path | None, env: str | None) -> dict | None:
    """The cheap check: no manifest parsed, no py-rattler. The run plan stored by the
    install when the environment is up to date, else None (also when in doubt)."""
    directory = find_workspace_dir(manifest_path)
    if directory is None:
        return None
    name = env or "default"
    return current_plan(directory / ".pixi" / "envs" / name, stamp_key(name))
