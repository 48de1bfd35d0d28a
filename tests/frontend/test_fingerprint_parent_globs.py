"""Input globs that reach above the package directory (``../greet/**/*.rs``), as pixi's do.

pixi-build-rust names the workspace manifest (``../Cargo.toml``) and kiln adds the
crates of path dependencies; the fingerprint must see edits there.
"""

from __future__ import annotations

from pathlib import Path

from kiln.frontend.build.fingerprint import compare, snapshot


def tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_parent_globs_select_files_above_the_root_with_their_own_exclusions(tmp_path):
    tree(tmp_path, {"Cargo.toml": "", "Cargo.lock": "", "app/src/main.rs": "", "greet/src/lib.rs": "",
                    "greet/target/gen.rs": "", "other/x.rs": "", "app/target/y.rs": ""})  # fmt: skip
    globs = ["**/*.rs", "!target/**", "../greet/**/*.rs", "!../greet/target/**", "../Cargo.toml"]
    files = snapshot(tmp_path / "app", globs)
    assert sorted(files) == ["../Cargo.toml", "../greet/src/lib.rs", "src/main.rs"]
    (tmp_path / "greet" / "src" / "lib.rs").write_text("pub fn f() {}\n")
    (tmp_path / "greet" / "src" / "more.rs").write_text("")
    changes = compare(tmp_path / "app", globs, files)
    assert (changes.modified, changes.added, changes.removed) == (["../greet/src/lib.rs"], ["../greet/src/more.rs"], [])


def test_a_glob_above_the_filesystem_root_matches_nothing(tmp_path):
    assert snapshot(tmp_path, ["../" * 64 + "x"]) == {}
