"""Real upstream C and Rust sources built as a user would: their own pixi.toml, `kiln build`, offline.

``tests/data/cmake/cjson-1.7.15`` (pixi-build-cmake) and
``tests/data/rust/rustdoc-stripper-0.1.12`` (pixi-build-rust) come from Debian's
packages (see the PROVENANCE.md next to each). One session fixture builds both, once,
side by side, against the session channel; the tests open the archives, install them
into fresh prefixes with `kiln channel install` and use what was installed: a C
program compiled and linked against the installed cJSON, the installed
rustdoc-stripper run on a Rust file.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TESTS, kiln_exe
from tests.helpers import extract, kiln_install, read_index

pytestmark = pytest.mark.build

DATA = TESTS / "data"
CJSON = DATA / "cmake" / "cjson-1.7.15"
STRIPPER = DATA / "rust" / "rustdoc-stripper-0.1.12"

#: Parses a document, edits it and prints it back: fails to compile, link or run
#: unless the installed header, library and soname all work.
CJSON_PROGRAM = r"""
#include <stdio.h>
#include <cjson/cJSON.h>

int main(void) {
    cJSON *doc = cJSON_Parse("{\"name\": \"kiln\", \"sizes\": [1, 2.5]}");
    if (doc == NULL) return 1;
    cJSON_AddNumberToObject(doc, "count", 3);
    char *text = cJSON_PrintUnformatted(doc);
    printf("%s %s\n", cJSON_Version(), text);
    cJSON_free(text);
    cJSON_Delete(doc);
    return 0;
}
"""


@dataclass
class Build:
    source: Path
    out: Path
    proc: subprocess.CompletedProcess

    def archive(self) -> Path:
        assert self.proc.returncode == 0, self.proc.stderr
        (archive,) = self.out.glob("*.conda")
        return archive


@pytest.fixture(scope="session")
def built(local_channel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """Each source copied out of the repository and built once by its own `kiln build`."""
    root = tmp_path_factory.mktemp("native")

    def build(data: Path) -> Build:
        source = shutil.copytree(data, root / data.name)
        out = root / "out" / data.name
        proc = subprocess.run(
            [kiln_exe(), "build", "--no-progress", "--path", str(source), "-o", str(out),
             "--channel", str(local_channel), "-m", str(local_channel / "variants.yaml")],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        return Build(source, out, proc)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(("cjson", "rustdoc-stripper"), pool.map(build, (CJSON, STRIPPER))))


def _files(root: Path) -> list[str]:
    """The package's files and directories under ``root``, without ``info/``."""
    found = (p.relative_to(root) for p in root.rglob("*"))
    return sorted(p.as_posix() for p in found if p.parts[0] != "info")


# -- cJSON with pixi-build-cmake --------------------------------------------------------------


def test_cjson_archive_has_headers_library_cmake_config_and_pkg_config(built, tmp_path: Path) -> None:
    archive = built["cjson"].archive()
    index = read_index(archive)
    assert (index["name"], index["version"], index["subdir"], index["license"]) == (
        "cjson", "1.7.15", "linux-64", "MIT")  # fmt: skip
    files = extract(archive, tmp_path / "x")
    present = set(_files(files))
    assert {
        "include/cjson/cJSON.h",
        "lib/libcjson.so",
        "lib/libcjson.so.1",
        "lib/libcjson.so.1.7.15",
        "lib/cmake/cJSON/cJSONConfig.cmake",
        "lib/cmake/cJSON/cJSONConfigVersion.cmake",
        "lib/cmake/cJSON/cjson.cmake",
        "lib/pkgconfig/libcjson.pc",
    } <= present
    # ENABLE_CJSON_TEST=OFF: no test programs, and cJSON_Utils is off by upstream's default
    assert not any(p.startswith("bin/") for p in present) and "include/cjson/cJSON_Utils.h" not in present
    assert (files / "info" / "licenses" / "LICENSE").read_bytes() == (CJSON / "LICENSE").read_bytes()
    assert (files / "lib" / "libcjson.so").is_symlink()


def test_cjson_library_has_its_soname_and_no_build_directory_runpath(built, tmp_path: Path) -> None:
    files = extract(built["cjson"].archive(), tmp_path / "x")
    dynamic = subprocess.run(["readelf", "-d", files / "lib" / "libcjson.so.1.7.15"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Library soname: [libcjson.so.1]" in dynamic
    paths = [line for line in dynamic.splitlines() if "RPATH" in line or "RUNPATH" in line]
    assert all("[$ORIGIN" in line for line in paths), paths
    for marker in (str(built["cjson"].source), "/build", "placehold"):
        assert marker not in "\n".join(paths)


def test_cjson_installs_and_a_c_program_links_and_runs_against_it(built, local_channel: Path, tmp_path: Path) -> None:
    prefix = kiln_install(tmp_path / "prefix", [str(built["cjson"].archive())], [local_channel])
    # the absolute install paths cJSON writes were relocated into the new prefix
    pc = (prefix / "lib" / "pkgconfig" / "libcjson.pc").read_text()
    assert f"libdir={prefix}/lib\n" in pc and f"includedir={prefix}/include\n" in pc
    config = (prefix / "lib" / "cmake" / "cJSON" / "cjson.cmake").read_text()
    assert f'set(_IMPORT_PREFIX "{prefix}")' in config and "placehold" not in config
    program = tmp_path / "use_cjson.c"
    program.write_text(CJSON_PROGRAM)
    exe = tmp_path / "use_cjson"
    subprocess.run(
        ["gcc", program, "-o", exe, f"-I{prefix}/include", f"-L{prefix}/lib", "-lcjson", f"-Wl,-rpath,{prefix}/lib"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    needed = subprocess.run(["ldd", exe], capture_output=True, text=True, check=True).stdout
    assert f"libcjson.so.1 => {prefix}/lib/libcjson.so.1" in needed
    run = subprocess.run([exe], capture_output=True, text=True, check=True)
    assert run.stdout == '1.7.15 {"name":"kiln","sizes":[1,2.5],"count":3}\n'


# -- rustdoc-stripper with pixi-build-rust ----------------------------------------------------


def test_rustdoc_stripper_archive_has_the_binary_and_cargo_metadata(built, tmp_path: Path) -> None:
    archive = built["rustdoc-stripper"].archive()
    index = read_index(archive)
    assert (index["name"], index["version"], index["subdir"], index["license"]) == (
        "rustdoc-stripper", "0.1.12", "linux-64", "Apache-2.0")  # fmt: skip
    files = extract(archive, tmp_path / "x")
    # the library target (stripper_lib) is not installed, nor cargo's install tracking
    assert _files(files) == ["bin", "bin/rustdoc-stripper"]


def test_rustdoc_stripper_installs_and_strips_and_regenerates_doc_comments(
    built, local_channel: Path, tmp_path: Path
) -> None:
    prefix = kiln_install(tmp_path / "prefix", [str(built["rustdoc-stripper"].archive())], [local_channel])
    exe = prefix / "bin" / "rustdoc-stripper"
    helped = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert helped.stdout.startswith("Available options for rustdoc-stripper:\n")
    work = tmp_path / "crate"
    work.mkdir()
    original = "/// Adds one.\npub fn inc(x: u32) -> u32 {\n    x + 1\n}\n"
    (work / "lib.rs").write_text(original)
    subprocess.run([exe, "-s", "-f"], cwd=work, capture_output=True, text=True, check=True)
    assert (work / "lib.rs").read_text() == "pub fn inc(x: u32) -> u32 {\n    x + 1\n}\n"
    assert (work / "comments.md").read_text() == "<!-- file lib.rs -->\n<!-- fn inc -->\nAdds one.\n"
    subprocess.run([exe, "-g", "-f"], cwd=work, capture_output=True, text=True, check=True)
    assert (work / "lib.rs").read_text() == original and not (work / "comments.md").exists()


def test_the_builds_leave_the_copied_sources_without_build_products(built) -> None:
    assert not (built["rustdoc-stripper"].source / "target").exists()
    assert not (built["cjson"].source / "build").exists()


def test_provenance_lists_every_native_source() -> None:
    for kind in ("cmake", "rust"):
        text = (DATA / kind / "PROVENANCE.md").read_text()
        for directory in sorted(p for p in (DATA / kind).iterdir() if p.is_dir()):
            name, _, version = directory.name.rpartition("-")
            assert f"| {name} | {version} |" in text, f"{kind}/PROVENANCE.md has no row for {directory.name}"
            assert (directory / "pixi.toml").is_file()
