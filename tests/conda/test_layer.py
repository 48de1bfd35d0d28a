"""kiln.conda is the neutral layer: it imports only kiln.errors, and importing it loads no rattler."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kiln.conda

PACKAGE = Path(kiln.conda.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _kiln_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kiln")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kiln"):
            found.add(node.module)
    return found


def test_the_package_has_one_module_per_concept() -> None:
    assert MODULES == ["locks", "match_specs", "package_names", "pep440", "pins", "platforms", "urls",
                       "version_specs", "versions"]  # fmt: skip


def test_conda_imports_only_errors_and_itself() -> None:
    for path in PACKAGE.glob("*.py"):
        outside = {m for m in _kiln_imports(path) if m != "kiln.errors" and not m.startswith("kiln.conda")}
        assert not outside, f"{path.name} imports {outside}"


def test_importing_every_module_loads_no_heavy_library() -> None:
    probe = (
        "import sys\n"
        + "".join(f"import kiln.conda.{m}\n" for m in MODULES)
        + "print(sorted(m for m in ('rattler', 'rattler_build', 'jinja2', 'rich', 'packaging') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
