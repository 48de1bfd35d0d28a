"""The layering of ../shared/DESIGN.md as code: every import in src/kiln points down, and none forms a cycle.

Order, lowest first: errors < conda < protocol < backend (the SDK) < backends <
channels < frontend < environment < cli. Lazy imports inside functions and
``TYPE_CHECKING`` imports count: they are dependencies all the same. Inside the
front end, ``frontend/manifest`` (reading manifests) imports nothing of
``frontend/build`` (what a build does with them). A module importing a package
imports its ``__init__``.
"""

from __future__ import annotations

import ast
from pathlib import Path


SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ("errors", "conda", "protocol", "backend", "backends", "channels", "frontend", "environment", "cli")

#: Known upward imports, being fixed elsewhere: (importer, imported) -> why it is still there.
#: An entry that no longer happens fails ``test_known_upward_imports_are_still_there``.


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / "kiln").rglob("*.py"))}


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _imports(name: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """The kiln modules ``name`` imports, anywhere in it (lazy and TYPE_CHECKING ones too)."""
    tree = ast.parse(source, name)
    found: set[str] = set()

    def add(target: str) -> None:
        # `import a.b.c` imports a, a.b and a.b.c: each package's __init__ runs
        parts = target.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in known and prefix != name:
                found.add(prefix)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kiln"):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, is_package, node.level, node.module)
            if not target.startswith("kiln"):
                continue
            add(target)
            for alias in node.names:  # `from kiln.frontend import build` imports the module
                if f"{target}.{alias.name}" in known:
                    add(f"{target}.{alias.name}")
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: _imports(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), known)
        for name, path in modules.items()
    }


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # kiln/__init__.py: the version, imported by every layer
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def test_every_module_is_in_a_layer() -> None:
    strays = [m for m in _graph() if m != "kiln" and _layer(m) is None]
    assert not strays, f"modules outside the layers {LAYERS}: {strays}"


def test_imports_point_down() -> None:
    upward = []
    for importer, imported in sorted(_graph().items()):
        for target in sorted(imported):
            low, high = _layer(importer), _layer(target)
            if low is None or high is None or high <= low:
                continue
            upward.append(f"{importer} ({LAYERS[low]}) imports {target} ({LAYERS[high]})")
    assert not upward, "upward imports:\n  " + "\n  ".join(upward)


def test_manifest_reading_knows_nothing_of_building() -> None:
    wrong = [
        f"{importer} imports {target}"
        for importer, imported in sorted(_graph().items())
        if importer.startswith("kiln.frontend.manifest")
        for target in sorted(imported)
        if target == "kiln.frontend.build" or target.startswith("kiln.frontend.build.")
    ]
    assert not wrong, "frontend/manifest must not import frontend/build:\n  " + "\n  ".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles:\n  " + "\n  ".join(" <-> ".join(c) for c in cycles)


def test_the_checks_see_what_they_look_for() -> None:
    """The walker itself: a lazy import inside a function, a TYPE_CHECKING one and a
    relative one are all found, and a cycle between two modules is one."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kiln.cli.main import main\n"
        "def f():\n    import kiln.frontend.build.session\n"
        "from . import toml\n"
    )
    known = {"kiln.cli", "kiln.cli.main", "kiln.frontend", "kiln.frontend.build", "kiln.frontend.build.session",
             "kiln.backend", "kiln.backend.toml"}  # fmt: skip
    assert _imports("kiln.backend._probe", False, source, known) == known
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]

