"""Workspace siblings become source dependencies (spec §7.4; upstream's assertions in current/assertions/ros.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.backends.generating import generate, make_backend

from kiln.backends.ros.backend import RosBackend
from kiln.errors import ManifestError

PACKAGE = """<?xml version="1.0"?>
<package format="3">
  <name>{name}</name>
  <version>0.0.1</version>
  <description>test</description>
  <maintainer email="test@example.com">Tester</maintainer>
  <license>MIT</license>
  <buildtool_depend>ament_cmake</buildtool_depend>
  {deps}
  <export><build_type>ament_cmake</build_type></export>
</package>
"""


def write(root: Path, rel: str, name: str, deps: str = "") -> Path:
    (root / rel).mkdir(parents=True, exist_ok=True)
    (root / rel / "package.xml").write_text(PACKAGE.format(name=name, deps=deps))
    return root / rel


def requirements(pkg: Path, ws: Path, *, config=None, model=None) -> dict:
    backend = make_backend(
        RosBackend, pkg, model=model or {}, config={"distro": "jazzy", **(config or {})}, workspace_directory=ws
    )
    return generate(backend).recipe.to_data()["requirements"]


def test_sibling_becomes_source_and_self_is_not_added(tmp_path: Path) -> None:
    pkg_a = write(tmp_path, "src/pkg_a", "pkg_a", "<depend>pkg_b</depend>")
    write(tmp_path, "src/pkg_b", "pkg_b")
    req = requirements(pkg_a, tmp_path)
    source = 'ros-jazzy-pkg-b[url="source://?path=..%2Fpkg_b%2Fpackage.xml"]'
    for key in ("build", "host", "run"):
        assert source in req[key]
        assert "ros-jazzy-pkg-b" not in req[key]
    assert not any(i.startswith("ros-jazzy-pkg-a") for i in req["build"])


def test_sibling_with_pixi_manifest_is_referenced_by_directory(tmp_path: Path) -> None:
    launch = write(tmp_path, "launch_pkg", "launch_pkg", "<exec_depend>node_pkg</exec_depend>")
    node = write(tmp_path, "node_pkg", "node_pkg")
    (node / "pixi.toml").write_text('[package]\nname = "ros-humble-node-pkg"\nversion = "0.0.0"\n')
    run = requirements(launch, tmp_path)["run"]
    assert 'ros-jazzy-node-pkg[url="source://?path=..%2Fnode_pkg"]' in run


def test_opt_out_ignore_markers_and_manual_entries(tmp_path: Path) -> None:
    pkg_a = write(tmp_path, "pkg_a", "pkg_a", "<depend>pkg_b</depend><depend>pkg_c</depend>")
    write(tmp_path, "pkg_b", "pkg_b")
    write(tmp_path, "vendor/pkg_c", "pkg_c")
    (tmp_path / "vendor" / "COLCON_IGNORE").write_text("")
    write(tmp_path, ".hidden/pkg_d", "pkg_a")  # a duplicate name, but hidden: never read
    req = requirements(pkg_a, tmp_path)
    assert "ros-jazzy-pkg-c" in req["build"]  # below COLCON_IGNORE: stays binary
    assert requirements(pkg_a, tmp_path, config={"ignore-workspace-sources": True})["build"][1] == "ros-jazzy-pkg-b"

    model = {"targets": {"defaultTarget": {"runDependencies": {"ros-jazzy-pkg-b": {"binary": {"version": "==1.2.3"}}}}}}
    req = requirements(pkg_a, tmp_path, model=model)
    assert req["run"][0] == "ros-jazzy-pkg-b ==1.2.3"  # the manual entry wins in its class
    assert any(i.startswith("ros-jazzy-pkg-b[url=") for i in req["build"])


def test_duplicate_names_are_an_error(tmp_path: Path) -> None:
    pkg_a = write(tmp_path, "a", "pkg_a")
    write(tmp_path, "b", "same")
    write(tmp_path, "c", "same")
    with pytest.raises(ManifestError, match="duplicate ROS package name `same`"):
        requirements(pkg_a, tmp_path)
