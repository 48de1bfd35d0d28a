"""What a build sent to a cluster carries: the source tree kiln packs for a worker (issue 15)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from kiln.frontend.build.remote import source_members, tar_members


def write(path: Path, text: str = "x\n", mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def test_the_tree_is_the_source_directory_without_what_builds_write_plus_globs_above_it(tmp_path):
    ws = tmp_path / "ws"
    write(ws / "Cargo.toml")  # the Cargo workspace manifest a member's metadata globs name
    write(ws / "unrelated" / "big.bin")
    member = ws / "crates" / "hello"
    for rel in ("pixi.toml", "Cargo.toml", "src/main.rs", "assets/data.json", "README"):
        write(member / rel)
    write(member / "run.sh", "#!/bin/sh\n", 0o755)
    for generated in (".pixi/meta-v0/entry.json", ".git/HEAD", "build/CMakeCache.txt", "target/debug/hello",
                      "pkg.egg-info/PKG-INFO", "src/__pycache__/m.pyc", "out/hello-1.0-0.conda",
                      ".pytest_cache/v/cache/lastfailed"):  # fmt: skip
        write(member / generated)
    ignore = [str(member / "out" / "*.conda")]

    root, members = source_members(member, member / "pixi.toml", ["../../Cargo.toml", "src/**/*.rs"], ignore)
    assert root == ws
    assert sorted(members) == [
        "Cargo.toml",
        "crates/hello/Cargo.toml",
        "crates/hello/README",
        "crates/hello/assets/data.json",
        "crates/hello/pixi.toml",
        "crates/hello/run.sh",
        "crates/hello/src/main.rs",
    ]
    with tarfile.open(fileobj=io.BytesIO(tar_members(members)), mode="r") as tar:
        script = tar.getmember("crates/hello/run.sh")
        assert script.mode & 0o111 and script.uid == 0 and script.uname == ""
        tar.extractall(tmp_path / "unpacked", filter="data")
    assert os.access(tmp_path / "unpacked" / "crates" / "hello" / "run.sh", os.X_OK)


def test_a_manifest_beside_the_source_comes_along(tmp_path):
    """``[package.build] source = { path = "../src" }``: the root covers both."""
    write(tmp_path / "pkg" / "pixi.toml")
    write(tmp_path / "pkg" / "notes.txt")  # not in the source directory: stays
    write(tmp_path / "src" / "CMakeLists.txt")
    root, members = source_members(tmp_path / "src", tmp_path / "pkg" / "pixi.toml", [], [])
    assert root == tmp_path
    assert sorted(members) == ["pkg/pixi.toml", "src/CMakeLists.txt"]


def test_a_symlink_out_of_the_tree_arrives_as_its_file(tmp_path):
    write(tmp_path / "elsewhere" / "shared.h", "#define SHARED 1\n")
    write(tmp_path / "pkg" / "recipe.yaml")
    (tmp_path / "pkg" / "shared.h").symlink_to(tmp_path / "elsewhere" / "shared.h")
    root, members = source_members(tmp_path / "pkg", tmp_path / "pkg" / "recipe.yaml", [], [])
    with tarfile.open(fileobj=io.BytesIO(tar_members(members)), mode="r") as tar:
        assert tar.extractfile("shared.h").read() == b"#define SHARED 1\n"
