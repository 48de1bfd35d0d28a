"""The cheap up-to-date check: what an install saw (files' and source trees' stat), re-statted.

Only ``os`` and ``marshal`` (not json, which pulls in ``re``; not hashlib or pathlib):
``kiln run`` imports this before deciding whether it needs the front end and py-rattler
at all. The stamp is an internal cache of this interpreter, so ``marshal`` suits it; one
it cannot read (another Python, a damaged file) means "out of date".
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

STAMP = "kiln-install.marshal"
MANIFEST_NAMES = ("pixi.toml", "pyproject.toml")
_SKIP_DIRS = {".pixi", ".git", "__pycache__", ".hg", ".svn", "node_modules", ".venv"}


def _file_state(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def tree_state(root: str) -> dict[str, list[int] | None]:
    """Every file below ``root`` (tool directories skipped) with its mtime and size."""
    state: dict[str, list[int] | None] = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            if name.endswith(".pyc") or name == "pixi.lock":
                continue
            path = os.path.join(directory, name)
            state[os.path.relpath(path, root)] = _file_state(path)
    return state


def stamp_path(prefix: Path | str) -> Path:
    from pathlib import Path

    return Path(prefix) / "conda-meta" / STAMP


def write_stamp(prefix: Path, files: list[Path], trees: list[Path], key: str, plan: dict | None = None) -> None:
    """Record what this install depended on; written last, so a failed install leaves none.

    ``plan`` (what ``kiln run`` needs: tasks and activation) is kept with it, so a run
    in an up-to-date environment reads no manifest.
    """
    data = {
        "key": key,
        "plan": plan,
        "files": {str(f): _file_state(str(f)) for f in files},
        "trees": {str(d): tree_state(str(d)) for d in trees},
    }
    path = stamp_path(prefix)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(marshal.dumps(data))
    os.replace(tmp, path)


def current_plan(prefix: Path | str, key: str) -> dict | None:
    """The stamp's run plan if the environment at ``prefix`` holds what the files and trees
    it was made from say (``{}`` when it has none); None when it is out of date."""
    try:
        with open(os.path.join(prefix, "conda-meta", STAMP), "rb") as handle:
            data = marshal.load(handle)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    for path, state in data.get("files", {}).items():
        if _file_state(path) != state:
            return None
    for path, state in data.get("trees", {}).items():
        if tree_state(path) != state:
            return None
    return data.get("plan") or {}


def find_workspace_dir(manifest_path: Path | str | None) -> str | None:
    """The directory of the manifest ``--manifest-path`` names, or the nearest one above the cwd."""
    if manifest_path is not None:
        path = os.path.abspath(manifest_path)
        return path if os.path.isdir(path) else os.path.dirname(path)
    directory = os.getcwd()
    while True:
        if any(os.path.isfile(os.path.join(directory, name)) for name in MANIFEST_NAMES):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def stamp_key(env: str) -> str:
    from kiln import __version__

    # the python backend's override changes what an install builds
    return f"kiln {__version__} env {env} editable {os.environ.get('BUILD_EDITABLE_PYTHON')}"


def up_to_date(manifest_path: Path | str | None, env: str | None) -> dict | None:
    """The cheap check: no manifest parsed, no py-rattler. The run plan stored by the
    install when the environment is up to date, else None (also when in doubt)."""
    directory = find_workspace_dir(manifest_path)
    if directory is None:
        return None
    name = env or "default"
    return current_plan(os.path.join(directory, ".pixi", "envs", name), stamp_key(name))
