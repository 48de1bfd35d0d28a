"""A clean clone installs the versions the suite passed with, and nothing private."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _constraints() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return runtime, dev


def test_every_runtime_dependency_has_a_tested_upper_bound():
    runtime, _ = _requirements()
    pins = _constraints()
    for req in runtime:
        uppers = [s for s in req.specifier if s.operator in ("<", "<=", "==", "~=")]
        assert uppers, f"{req} has no upper bound"
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not in constraints.txt"
        assert req.specifier.contains(pinned, prereleases=True), f"constraints.txt pins {req.name} {pinned} outside {req}"


def test_optional_extras_have_tested_upper_bounds():
    """``kiln[dask]`` and the like: bounded, and the pinned (tested) version inside the bounds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _constraints()
    extras = {k: v for k, v in project["optional-dependencies"].items() if k != "dev"}
    assert "dask" in extras
    for extra, requirements in extras.items():
        for req in map(Requirement, requirements):
            assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), f"kiln[{extra}]: {req} has no upper bound"
            pinned = pins.get(canonicalize_name(req.name))
            assert pinned is not None and req.specifier.contains(pinned), f"kiln[{extra}]: {req} vs constraints.txt {pinned}"


def test_constraints_pin_everything_setup_installs():
    """Every distribution kiln[dev] pulls in, transitively, has its version in constraints.txt."""
    pins = _constraints()
    runtime, dev = _requirements()
    todo = [r for r in runtime + dev if r.marker is None or r.marker.evaluate()]
    seen: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        assert name in pins, f"{req.name} (needed by kiln[dev]) is not pinned in constraints.txt"
        installed = Version(metadata.version(req.name))
        assert installed == pins[name], f"{req.name} {installed} is installed, constraints.txt says {pins[name]}"
        for sub in metadata.requires(req.name) or []:
            subreq = Requirement(sub)
            if subreq.marker is None or subreq.marker.evaluate({"extra": ""}):
                todo.append(subreq)


def test_setup_installs_from_the_constraints():
    script = (ROOT / "scripts" / "setup.sh").read_text()
    installs = [line for line in script.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs)


def test_no_private_modules_of_dependencies_are_imported():
    """``packaging._parser`` broke on packaging 26; no ``dep._module`` may be used."""
    offenders = []
    for path in (ROOT / "src" / "kiln").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("kiln") and any(re.match(r"_[a-z]", part) for part in name.split(".")[1:]):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    allowed = {"src/kiln/backend/rattler_private.py"}  # py-rattler-build's native render; see that module
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []
