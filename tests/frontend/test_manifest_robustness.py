"""Any wrong value anywhere in a manifest is a ManifestError, never a crash.

Every value of the full-package manifest is replaced, one at a time, by values of
other TOML types; loading must either succeed or raise ManifestError.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import tomli

from kiln.errors import ManifestError
from kiln.frontend.manifest.package import load_package_manifest
from tests.conftest import PROJECTS

SOURCE = PROJECTS / "manifests" / "full-package"
REPLACEMENTS = (42, "?", "../x", [], [1], {}, {"workspace": True}, True)


def to_toml(value: Any) -> str:
    """TOML text of a value: inline tables and arrays, so one line holds a whole document part."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {to_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def document(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(key)} = {to_toml(value)}\n" for key, value in data.items())


def value_paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += value_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += value_paths(item, path + (index,))
    return found


def replaced(data: Any, path: tuple, new: Any) -> Any:
    data = json.loads(json.dumps(data))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return data


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("robust") / "full-package"
    shutil.copytree(SOURCE, target)
    return target


def test_serialised_copy_loads(workdir: Path) -> None:
    data = tomli.loads((SOURCE / "pixi.toml").read_text(encoding="utf-8"))
    (workdir / "pixi.toml").write_text(document(data), encoding="utf-8")
    assert load_package_manifest(workdir) is not None


def test_every_wrong_value_is_a_manifest_error(workdir: Path) -> None:
    data = tomli.loads((SOURCE / "pixi.toml").read_text(encoding="utf-8"))
    crashes = []
    for path in value_paths(data):
        for new in REPLACEMENTS:
            (workdir / "pixi.toml").write_text(document(replaced(data, path, new)), encoding="utf-8")
            try:
                load_package_manifest(workdir)
            except ManifestError:
                pass
            except Exception as exc:  # noqa: BLE001 - the point of the test
                crashes.append(f"{'.'.join(map(str, path))} = {new!r}: {type(exc).__name__}: {exc}")
    assert not crashes, "\n".join(crashes[:20])
