"""Installed distributions as conda packages: names, dependency translation, file layout."""

from __future__ import annotations

import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiln.channels.installed import find, headers
from kiln.channels.package import Content, SourceFile, Symlink
from kiln.channels.pypackages import (
    closure,
    conda_dependency,
    conda_name,
    dependencies,
    distribution_entries,
    launcher,
    python_dependency,
)
from kiln.conda import pep440

#: The channel's spelling: a requirement's specifier set has no order, so it is sorted.
conda_version_spec = partial(pep440.conda_version_spec, sort=True)

PY311 = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.7",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.11.7",
    "platform_python_implementation": "CPython",
    "python_version": "3.11",
    "sys_platform": "linux",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Flit_Core", "flit-core"), ("jaraco.text", "jaraco-text"), ("ruamel.yaml", "ruamel-yaml"),
     ("typing_extensions", "typing-extensions"), ("pip", "pip"), ("A__b--C", "a-b-c")],
)  # fmt: skip
def test_conda_name_is_the_pep503_normal_form(name: str, expected: str) -> None:
    assert conda_name(name) == expected


@given(st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?", fullmatch=True))
def test_conda_name_is_idempotent_and_lowercase(name: str) -> None:
    once = conda_name(name)
    assert conda_name(once) == once
    assert once == once.lower() and "_" not in once and "." not in once


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [(">=1.0,<2", "<2,>=1.0"), ("~=1.4.2", "~=1.4.2"), ("==1.2.*", "1.2.*"), ("!=1.3.*", "!=1.3.*"),
     ("===1.0", "==1.0"), ("==26.3", "==26.3"), ("", "")],
)  # fmt: skip
def test_version_specifiers_become_conda_version_specs(specifier: str, expected: str) -> None:
    assert conda_version_spec(specifier) == expected


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("packaging>=24.2", "packaging >=24.2"),
        ("Trove_Classifiers", "trove-classifiers"),
        ("requests[socks] >=2, <3", "requests <3,>=2"),  # the requirement's own extras are dropped
        ("tomli>=1.2.2; python_version < '3.11'", None),  # not for this interpreter
        ("tomli>=1.2.2; python_version >= '3.11'", "tomli >=1.2.2"),
        ('pytest>=6; extra == "test"', None),  # only for an extra
        ('colorama; sys_platform == "win32"', None),
    ],
)
def test_requirements_become_dependencies_for_this_interpreter(requirement: str, expected: str | None) -> None:
    assert conda_dependency(requirement, PY311) == expected


def test_requires_python_becomes_a_python_dependency() -> None:
    assert python_dependency(">=3.10") == "python >=3.10"
    assert python_dependency(None) == "python"
    assert python_dependency("not a specifier") == "python"


def test_hatchling_dependencies_are_translated() -> None:
    depends = dependencies(find("hatchling"))
    assert depends[0].startswith("python >=")
    names = {d.split(" ")[0] for d in depends}
    assert {"packaging", "pathspec", "pluggy", "trove-classifiers"} <= names
    assert "tomli" not in names  # python_version < '3.11' only


def test_closure_follows_requirements_and_notes_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    notes: list[str] = []
    names = {conda_name(d.name) for d in closure(["hatchling", "not-installed-anywhere"], notes.append)}
    assert {"hatchling", "packaging", "pathspec", "pluggy", "trove-classifiers"} <= names
    assert "not-installed-anywhere" not in names
    assert notes == []  # a name that is not installed is the caller's business; requirements are complete

    # an installed distribution whose requirement is not installed: noted, the rest still followed
    info = tmp_path / "kiln_demo_needs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kiln-demo-needs\nVersion: 1.0\n"
        "Requires-Dist: not-installed-anywhere>=1\nRequires-Dist: packaging\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    names = {conda_name(d.name) for d in closure(["kiln-demo-needs"], notes.append)}
    assert names == {"kiln-demo-needs", "packaging"}
    assert notes == [
        "kiln-demo-needs requires not-installed-anywhere >=1, which is not installed here: "
        "kiln-demo-needs will not install from this channel"
    ]


def test_entries_lay_out_site_packages_scripts_and_native_programs() -> None:
    pip = {e.dest: e for e in distribution_entries(find("pip"))}
    assert isinstance(pip["site-packages/pip/__init__.py"], SourceFile)
    assert any(d.startswith("site-packages/pip-") and d.endswith(".dist-info/METADATA") for d in pip)
    assert not any("__pycache__" in d or d.endswith(".pyc") for d in pip)
    assert isinstance(pip["python-scripts/pip"], Content) and pip["python-scripts/pip"].executable
    uv = {e.dest: e for e in distribution_entries(find("uv"))}
    binary = uv["python-scripts/uv"]
    assert isinstance(binary, Symlink) and Path(binary.target).is_file() and Path(binary.target).is_absolute()


def test_launcher_runs_with_the_python_next_to_it(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    (tmp_path / "say.py").write_text("import sys\ndef main():\n    print(sys.executable, *sys.argv[1:])\n")
    script = bin_dir / "say"
    script.write_bytes(launcher("say", "main"))
    script.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([str(script), "hello", "world"], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == [str(bin_dir / "python"), "hello", "world"]


def test_metadata_headers_are_read_like_email_headers() -> None:
    text = "Metadata-Version: 2.4\nName: demo\nRequires-Dist: a>=1\nRequires-Dist: b; extra == 'x'\n" \
           "Description: first\n        second\n\nName: not-a-header\n"  # fmt: skip
    fields = headers(text)
    assert fields["name"] == ["demo"]
    assert fields["requires-dist"] == ["a>=1", "b; extra == 'x'"]
    assert fields["description"] == ["first\nsecond"]
