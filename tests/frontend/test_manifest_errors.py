"""Broken manifests: each is a ManifestError naming file, line and key, with help where it helps.

Each case is a real manifest under ``tests/projects/manifests/<defect>/``.
"""

from __future__ import annotations

import subprocess

import pytest

from kiln.errors import ManifestError
from kiln.frontend.manifest.package import load_package_manifest
from tests.conftest import PROJECTS, kiln_exe

MANIFESTS = PROJECTS / "manifests"

#: defect -> (line, key, part of the message, part of the help or None)
CASES = {
    "bad-toml-syntax": (8, None, "invalid TOML: Expected '=' after a key", None),
    "unknown-key-typo": (13, "package.host-dependecies", "unknown key `host-dependecies` in `[package]`",
                         "did you mean `host-dependencies`?"),
    "wrong-type-version": (8, "package.version", "`package.version` must be a string, found an integer", None),
    "package-without-preview": (5, "package", "only allowed when the `pixi-build` preview feature is enabled",
                                'preview = ["pixi-build"]'),
    "target-and-if-duplicate": (16, "package.target.linux-64",
                                "duplicate condition: `[package.target.linux-64]` is equivalent to "
                                "`\"if(host_platform == 'linux-64')\"`", "remove the `[package.target.linux-64]`"),
    "workspace-false": (7, "package.name.workspace", "`workspace` cannot be false", "no fields are inherited"),
    "inherit-undefined-field": (8, "package.version.workspace", "the workspace does not define a 'version'", None),
    "pool-entry-missing": (13, "package.run-dependencies.numpy.workspace",
                           "the workspace does not define `numpy` in `[workspace.dependencies]`", None),
    "pool-version-restated": (16, "package.run-dependencies.numpy.version",
                              "`version` is mutually exclusive with `workspace`", None),
    "pin-subpackage-in-run-dependencies": (13, "package.run-dependencies.x",
                                           "`pin-subpackage` is not allowed in `[package.run-dependencies]`",
                                           "[package.run-exports]"),
    "pin-compatible-own-name": (13, "package.host-dependencies.x",
                                "`pin-compatible` cannot reference the package's own name", "pin-subpackage"),
    "invalid-license": (8, "package.license", "not a valid SPDX expression", None),
    "missing-license-file": (8, "package.license-file", "LICENSE.txt' does not exist", None),
    "path-as-version": (13, "package.host-dependencies.mylib", "`../mylib` is not a valid version spec",
                        '{ path = "../mylib" }'),
    "git-ref-without-git": (13, "package.host-dependencies.mylib.branch",
                            "`branch`, `rev`, `tag`, and `lfs` are only valid when `git` is specified", None),
    "unknown-spec-field": (13, "package.host-dependencies.mylib.verison", "unknown field `verison`",
                           "did you mean `version`?"),
    "missing-backend": (9, "package.build", "missing key `backend` in `[package.build]`", "backend = {"),
    "empty-backend-channels": (10, "package.build.backend.channels",
                               "no channels specified for the build backend dependencies", None),
    "unknown-platform": (3, "workspace.platforms[1]", "`linux64` is not a known platform", "did you mean `linux-64`?"),
    "malformed-condition": (12, "package.build-dependencies.\"matches(python, '>=3.10')\"",
                            "is not a valid selector. Wrap the expression in `if(...)`", None),
    "run-exports-url": (13, "package.run-exports.weak.foo", "url specs are not supported in `[package.run-exports]`",
                        None),
    "top-level-typo": (6, "pakage", "unknown key `pakage` in the manifest", "did you mean `package`?"),
    "package-table-at-top-level": (12, None, "`[run-dependencies]` outside `[package]`: write "
                                   "`[package.run-dependencies]`", None),
    "unknown-target-selector": (12, "package.target.linx", "`linx` is not a known platform", "did you mean `linux`?"),
    "invalid-extra-group": (12, "package.extra-dependencies.Test", "not a valid extra dependency group name", None),
    "workspace-missing-channels": (1, "workspace", "missing key `channels` in `[workspace]`", None),
    "no-workspace": (1, "package", "no pixi workspace found", "add a `[workspace]` table"),
}  # fmt: skip


@pytest.mark.parametrize("defect", sorted(CASES))
def test_broken_manifest(defect: str) -> None:
    line, key, message, help = CASES[defect]
    with pytest.raises(ManifestError) as raised:
        load_package_manifest(MANIFESTS / defect)
    error = raised.value
    assert error.path == MANIFESTS / defect / "pixi.toml"
    assert error.line == line
    assert error.key == key
    assert message in error.message
    if help is not None:
        assert error.help is not None and help in error.help
    column = f":{error.column}" if error.column is not None else ""
    assert str(error).startswith(f"{error.path}:{line}{column}: ")


def test_every_broken_manifest_has_a_case() -> None:
    """A broken manifest added under tests/projects/manifests needs an expectation here."""
    good = {"full-package", "workspace-members", "pyproject-package", "legacy-project-table", "discovery-simple",
            "discovery-inherit"}  # fmt: skip
    assert {p.name for p in MANIFESTS.iterdir() if p.is_dir()} - good == set(CASES)


def test_cli_reports_without_traceback(tmp_path) -> None:
    """`kiln build` on a broken manifest: one located message, exit 1, no traceback."""
    result = subprocess.run(
        [kiln_exe(), "build", "--path", str(MANIFESTS / "unknown-key-typo"),
         "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{MANIFESTS / 'unknown-key-typo' / 'pixi.toml'}:13: unknown key `host-dependecies`" in result.stderr
    assert "did you mean `host-dependencies`?" in result.stderr
