"""Real PyPI sdists built as a user would: their own pixi.toml, `kiln build`, offline.

The sdists in ``tests/data/sdists`` (see its PROVENANCE.md) cover setuptools with a
setup.py only, a C extension, setuptools-scm, flit-core, hatchling with hatch-vcs,
poetry-core, license files and package data read at run time. One session fixture
builds them all (two `kiln build` processes at a time, against the session channel);
each test then opens an archive, or installs one into a fresh prefix with
`kiln channel install` and imports it with that prefix's python.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import TESTS, kiln_exe
from tests.helpers import extract, kiln_install, read_index

pytestmark = pytest.mark.build

SDISTS = TESTS / "data" / "sdists"


@dataclass(frozen=True)
class Sdist:
    directory: str
    name: str
    subdir: str
    #: ``info/licenses/<key>`` -> the file of the sdist it must equal
    licenses: dict[str, str] = field(default_factory=dict)
    license: str | None = None
    #: run with the installed prefix's python; prints ``expected``
    check: str = ""
    expected: str = ""


CASES = [
    Sdist("docopt-0.6.2", "docopt", "noarch", {"LICENSE-MIT": "LICENSE-MIT"}, "MIT",
          "import docopt; print(sorted(docopt.docopt('Usage: p [--flag] <x>', argv=['--flag', '7']).items()))",
          "[('--flag', True), ('<x>', '7')]"),
    Sdist("markupsafe-3.0.3", "markupsafe", "linux-64", {"LICENSE.txt": "LICENSE.txt"}, "BSD-3-Clause",
          # setup.py falls back to pure Python when the extension fails to build: insist on it
          "import markupsafe, markupsafe._speedups as s; print(markupsafe.escape('<a>'), "
          "markupsafe._escape_inner is s._escape_inner, s.__file__.endswith('.so'))",
          "&lt;a&gt; True True"),
    Sdist("pluggy-1.6.0", "pluggy", "noarch", {}, "MIT",
          "import importlib.metadata as m, pluggy; print(pluggy.__version__, m.version('pluggy'))",
          "1.6.0 1.6.0"),
    Sdist("tomli-2.2.1", "tomli", "noarch", {"LICENSE": "LICENSE"}, None,
          "import tomli; print(tomli.loads('a = {b = 1}'))", "{'a': {'b': 1}}"),
    Sdist("typing_extensions-4.15.0", "typing_extensions", "noarch", {"LICENSE": "LICENSE"}, "PSF-2.0",
          "import typing_extensions as t; print(t.Literal['a'].__args__, t.TypeIs.__name__)", "('a',) TypeIs"),
    Sdist("iniconfig-2.1.0", "iniconfig", "noarch", {}, "MIT",
          "import iniconfig, iniconfig._version as v; print(iniconfig.IniConfig('x', data='[s]\\nk = v\\n')['s']['k'], "
          "v.version)",
          "v 2.1.0"),
    Sdist("crashtest-0.4.1", "crashtest", "noarch", {"LICENSE": "LICENSE"}, "MIT",
          "from crashtest.inspector import Inspector\ntry:\n    1/0\nexcept ZeroDivisionError as e:\n"
          "    i = Inspector(e); print(i.exception_name, i.frames[0].function)",
          "ZeroDivisionError <module>"),
    Sdist("certifi-2025.8.3", "certifi", "noarch", {"LICENSE": "LICENSE"}, "MPL-2.0",
          "import certifi, os, sys; p = certifi.where(); print(p.startswith(sys.prefix), os.path.basename(p), "
          "certifi.contents().count('BEGIN CERTIFICATE') > 100)",
          "True cacert.pem True"),
]  # fmt: skip
IDS = [c.directory for c in CASES]


@dataclass
class Build:
    source: Path
    out: Path
    proc: subprocess.CompletedProcess

    def archive(self, case: Sdist) -> Path:
        assert self.proc.returncode == 0, self.proc.stderr
        (archive,) = self.out.glob(f"{case.name}-*.conda")
        return archive


def _kiln(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([kiln_exe(), *map(str, args)], capture_output=True, text=True, timeout=600)


def _copy(directory: str, root: Path, channel: Path) -> Path:
    source = shutil.copytree(SDISTS / directory, root / directory)
    manifest = source / "pixi.toml"
    text = manifest.read_text()
    assert "\nchannels = []" in text, f"{manifest}: expected `channels = []` for the tests to fill in"
    manifest.write_text(text.replace("\nchannels = []", f'\nchannels = ["{channel}"]', 1))
    return source


@pytest.fixture(scope="session")
def built(local_channel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """Every sdist built once, by its own `kiln build`, two at a time (the machine has 2 cores)."""
    root = tmp_path_factory.mktemp("sdists")

    def build(case: Sdist) -> Build:
        source = _copy(case.directory, root, local_channel)
        out = root / "out" / case.directory
        proc = _kiln("build", "--path", source, "-o", out, "-m", local_channel / "variants.yaml", "--no-progress")
        return Build(source, out, proc)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(IDS, pool.map(build, CASES)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_archive_has_the_expected_subdir_and_licenses(case: Sdist, built, tmp_path: Path) -> None:
    build = built[case.directory]
    archive = build.archive(case)
    index = read_index(archive)
    assert (index["name"], index["subdir"]) == (case.name, case.subdir)
    assert index.get("noarch") == ("python" if case.subdir == "noarch" else None)
    assert index.get("license") == case.license
    files = extract(archive, tmp_path / "x")
    licenses = files / "info" / "licenses"
    found = sorted(p.relative_to(licenses).as_posix() for p in licenses.rglob("*") if p.is_file())
    assert found == sorted(case.licenses)
    for inside, original in case.licenses.items():
        assert (licenses / inside).read_bytes() == (build.source / original).read_bytes()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_installs_into_a_fresh_prefix_and_imports(case: Sdist, built, local_channel: Path, tmp_path: Path) -> None:
    build = built[case.directory]
    build.archive(case)
    prefix = kiln_install(tmp_path / "prefix", [str(build.archive(case))], [local_channel])
    python = prefix / "bin" / "python"
    done = subprocess.run([python, "-c", case.check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == case.expected
    # the module came from the prefix, not from the interpreter kiln runs with
    where = subprocess.run([python, "-c", f"import {case.name}, sys; print({case.name}.__file__.startswith(sys.prefix))"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert where.stdout.strip() == "True"


def test_setup_py_only_without_the_key_says_which_key(local_channel: Path, tmp_path: Path) -> None:
    """docopt's pixi.toml minus `ignore-pyproject-manifest`: the error names the fix."""
    source = _copy("docopt-0.6.2", tmp_path, local_channel)
    manifest = source / "pixi.toml"
    text = manifest.read_text()
    assert "config = { ignore-pyproject-manifest = true }\n" in text
    manifest.write_text(text.replace("config = { ignore-pyproject-manifest = true }\n", ""))
    proc = _kiln("build", "--path", source, "-o", tmp_path / "out", "--no-progress")
    assert proc.returncode == 1
    assert f"pixi-build-python requires a `pyproject.toml` in {source}" in proc.stderr
    assert "this project has a setup.py only: set `ignore-pyproject-manifest = true`" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_provenance_lists_every_sdist() -> None:
    text = (SDISTS / "PROVENANCE.md").read_text()
    on_disk = sorted(p.name for p in SDISTS.iterdir() if p.is_dir())
    assert on_disk == sorted(IDS)
    for directory in on_disk:
        name, _, version = directory.rpartition("-")
        assert f"| {name} | {version} |" in text, f"PROVENANCE.md has no row for {directory}"
        assert (SDISTS / directory / "pixi.toml").is_file()
