"""Build input globs (§2.7): every file that changes the package, nothing a build or tool writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.backends.python.pyhelpers import generate, make_backend

from kiln.backend.globs import expand_braces, walk
from kiln.backends.python.globs import BASE_GLOBS, build_globs

PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "pkg"
version = "1.0"
readme = "README.md"
license = {file = "LICENSE"}
"""

SOURCES = [
    "pyproject.toml",
    "setup.cfg",
    "README.md",
    "LICENSE",
    "src/pkg/__init__.py",
    "src/pkg/data/greeting.txt",
    "src/pkg/_speedups.c",
    "src/pkg/_speedups.h",
    "tools/gen.py",
]
NOT_INPUTS = [
    ".pixi/envs/default/lib/python3.11/site-packages/x.py",
    ".git/hooks/pre-commit.py",
    ".venv/lib/python3.11/site-packages/y.py",
    "build/lib/pkg/__init__.py",
    "build/temp.linux-x86_64/pkg/_speedups.o",
    "dist/pkg-1.0-py3-none-any.whl",
    "src/pkg.egg-info/SOURCES.txt",
    "src/pkg/__pycache__/__init__.cpython-311.pyc",
    "notes.txt",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for rel in SOURCES + NOT_INPUTS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def all_build_globs(backend, *, editable: bool, packages: set[str] = frozenset()) -> list[str]:
    """What conda/build_v1 reports: the hook's list, package-implied globs, then the recipe's."""
    config = backend.config_for("linux-64")
    gen = generate(backend, editable=editable)
    result = backend.build_input_globs(config, backend.source_dir, editable)
    result += backend.input_globs_from_packages(config, set(packages))
    result += [g for g in gen.build_input_globs if g not in result]
    return result


def selected(root: Path, globs: list[str]) -> set[str]:
    return {p.as_posix() for p in walk(root, globs)}


def test_sources_are_inputs_and_generated_files_are_not(project: Path) -> None:
    backend = make_backend(project, model={"targets": {"defaultTarget": {}}}, config={"compilers": ["c"]})
    globs = all_build_globs(backend, editable=False)
    assert selected(project, globs) == set(SOURCES)


def test_editable_installs_leave_python_and_data_files_out(project: Path) -> None:
    backend = make_backend(project, model={"targets": {"defaultTarget": {}}}, config={"compilers": ["c"]})
    chosen = selected(project, all_build_globs(backend, editable=True))
    assert chosen == {
        "pyproject.toml",
        "setup.cfg",
        "README.md",
        "LICENSE",
        "src/pkg/_speedups.c",
        "src/pkg/_speedups.h",
    }


def test_cython_sources_count_once_cython_is_in_the_environment(project: Path) -> None:
    (project / "src/pkg/fast.pyx").write_text("x")
    (project / "src/pkg/fast.pxd").write_text("x")
    backend = make_backend(project, model={"targets": {"defaultTarget": {}}})
    assert "src/pkg/fast.pxd" in selected(project, all_build_globs(backend, editable=True, packages={"cython"}))
    assert "src/pkg/fast.pxd" not in selected(project, all_build_globs(backend, editable=True))


def test_flat_layout_packages_are_found(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    for rel in ("pyproject.toml", "flatpkg/__init__.py", "flatpkg/templates/page.html", "scripts/run.sh"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    (root / "pyproject.toml").write_text('[project]\nname = "flatpkg"\nversion = "1"\n')
    backend = make_backend(root, model={"targets": {"defaultTarget": {}}})
    chosen = selected(root, all_build_globs(backend, editable=False))
    assert "flatpkg/templates/page.html" in chosen
    assert "scripts/run.sh" not in chosen


def test_upstream_lists_come_first_unchanged() -> None:
    assert build_globs(["rust", "cxx", "fortran"], ["extra/**"], editable=False) == [
        *BASE_GLOBS,
        "**/*.py",
        "**/*.rs",
        "**/Cargo.toml",
        "**/*.{cc,cxx,cpp,hpp,hxx}",
        "extra/**",
    ]


def test_extra_input_globs_are_honoured(project: Path) -> None:
    backend = make_backend(project, model={"targets": {"defaultTarget": {}}}, config={"extra-input-globs": ["*.txt"]})
    assert "notes.txt" in selected(project, all_build_globs(backend, editable=False))


def test_brace_alternation_is_expanded() -> None:
    assert expand_braces("**/*.{cc,cxx,cpp,hpp,hxx}") == ["**/*.cc", "**/*.cxx", "**/*.cpp", "**/*.hpp", "**/*.hxx"]
    assert expand_braces("!a/{b,c}/**") == ["!a/b/**", "!a/c/**"]
