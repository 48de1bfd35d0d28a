"""pixi-build-rust's bad-input errors, from the real ``kiln`` executable: clear, no traceback, no archive.

Manifest and configuration mistakes fail before anything is solved or built; a
failing compile is a real build whose message leads with rustc's own error.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.backends.rust.test_rust_e2e import kiln_build
from tests.conftest import PROJECTS

PIXI = """\
[workspace]
channels = []
platforms = ["linux-64"]
preview = ["pixi-build"]

[package.build.backend]
name = "pixi-build-rust"
version = "*"
"""
CARGO = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n'
MAIN = 'fn main() { println!("hi"); }\n'


def crate(tmp_path: Path, files: dict[str, str], pixi_tail: str = "") -> Path:
    root = tmp_path / "demo"
    for rel, text in {"pixi.toml": PIXI + pixi_tail, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def failed(root: Path, tmp_path: Path, channel: Path, env=None) -> list[str]:
    proc = kiln_build(root, tmp_path / "out", channel, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.conda"))
    lines = proc.stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("error: ")) :]


def test_a_missing_cargo_toml(tmp_path, local_channel):
    root = crate(tmp_path, {"src/main.rs": MAIN})
    lines = failed(root, tmp_path, local_channel)
    assert f"{root / 'Cargo.toml'} does not exist: pixi-build-rust reads the crate's Cargo.toml" in lines[0]
    assert any("ignore-cargo-manifest = true" in line for line in lines[1:])


def test_a_virtual_workspace_suggests_subdirectory(tmp_path, local_channel):
    root = crate(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["cli"]\n'})
    assert 'e.g. `subdirectory = "cli"`' in failed(root, tmp_path, local_channel)[0]


def test_a_library_crate_has_nothing_to_install(tmp_path, local_channel):
    root = crate(tmp_path, {"Cargo.toml": CARGO, "src/lib.rs": "pub fn f() {}\n"})
    lines = failed(root, tmp_path, local_channel)
    assert "crate `demo`" in lines[0] and "has no binary targets: `cargo install` has nothing to install" in lines[0]


def test_binaries_naming_a_binary_that_does_not_exist(tmp_path, local_channel):
    root = crate(tmp_path, {"Cargo.toml": CARGO, "src/main.rs": MAIN, "src/bin/extra.rs": MAIN},
                 '\n[package.build.config]\nbinaries = ["demo", "nope"]\n')  # fmt: skip
    lines = failed(root, tmp_path, local_channel)
    assert "`binaries` names `nope`, but crate `demo` has no such binary (its binaries: `demo`, `extra`)" in lines[0]


def test_an_unknown_option_names_its_pixi_toml_line(tmp_path, local_channel):
    root = crate(tmp_path, {"Cargo.toml": CARGO, "src/main.rs": MAIN}, '\n[package.build.config]\nbinary = ["demo"]\n')
    n = (root / "pixi.toml").read_text().splitlines().index('binary = ["demo"]') + 1
    lines = failed(root, tmp_path, local_channel)
    assert lines[0].startswith(f"error: {root / 'pixi.toml'}:{n}: `package.build.config.binary`")
    assert "did you mean `binaries`?" in "\n".join(lines)


def test_a_failing_compile_leads_with_rustcs_error(tmp_path, local_channel):
    bad = 'fn main() {\n    let x: u32 = "text";\n    println!("{x}");\n}\n'
    root = crate(tmp_path, {"Cargo.toml": CARGO, "src/main.rs": bad, "Cargo.lock": "version = 4\n\n[[package]]\n"
                            'name = "demo"\nversion = "0.1.0"\n'},
                 '\n[package.build.config]\nenv = { CARGO_NET_OFFLINE = "true" }\n')  # fmt: skip
    lines = failed(root, tmp_path, local_channel)
    assert lines[1] == "cargo reported:"
    assert lines[2].strip() == "error[E0308]: mismatched types"
    assert any("src/main.rs:2" in line for line in lines[3:8])


def test_sccache_secrets_stay_out_of_the_recipe_and_every_debug_file(tmp_path, local_channel):
    """The backend sees SCCACHE_* in its environment: the name becomes a secret, the value
    appears nowhere kiln writes (the build fails later: the session channel has no sccache)."""
    secret = "very-secret-4c1d9"
    ws = shutil.copytree(PROJECTS / "rust-workspace", tmp_path / "ws")
    env = {"SCCACHE_SECRET_KEY": secret}
    proc = kiln_build(ws / "app", tmp_path / "out", local_channel, "--render-only", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "SCCACHE_SECRET_KEY" in proc.stdout and "sccache" in proc.stdout
    kiln_build(ws / "app", tmp_path / "out", local_channel, env=env)  # writes the build's debug files too
    written = [p for p in (ws / "app" / ".pixi").rglob("*") if p.is_file()]
    assert any(p.name == "recipe.yaml" for p in written)
    leaks = [p for p in [*written, *(tmp_path / "out").rglob("*")] if p.is_file() and secret.encode() in p.read_bytes()]
    assert leaks == []
    assert secret not in proc.stdout + proc.stderr
    assert os.environ.get("SCCACHE_SECRET_KEY") is None
