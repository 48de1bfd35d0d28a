"""Upstream's pixi-build-ros unit-test assertions (tests/data/upstream/recipes/current/assertions/ros.yaml)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.backends.generating import generate, make_backend
from tests.backends.ros.needs_table import NEEDS_TABLE
from tests.upstream_cases import RECIPES, assertions

from kiln.backends.ros import package_map
from kiln.backends.ros.backend import RosBackend
from kiln.backends.ros.config import distro_from_channels
from kiln.backends.ros.package_xml import Dependency
from kiln.errors import KilnError

ENTRIES = {e["id"]: e for e in assertions("current", "ros")}
FIXTURES = RECIPES / "current" / "ros" / "_fixtures"


def backend_on(tmp_path: Path, xml: str, config: dict) -> RosBackend:
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "package_xmls" / xml, tmp_path / "package.xml")
    config = json.loads(json.dumps(config).replace("<fixtures>", str(FIXTURES)))
    return make_backend(RosBackend, tmp_path, model={}, config=config)


def test_distro_from_channels() -> None:
    for row in ENTRIES["ros/distro-from-channels"]["expect"]:
        assert distro_from_channels(row["channels"]) == row["distro"]


def test_explicit_distro_wins_and_missing_distro_fails(tmp_path: Path) -> None:
    entry = ENTRIES["ros/explicit-distro-wins"]
    data = generate(backend_on(tmp_path / "a", entry["package.xml"], entry["config"]), channels=entry["channels"])
    assert data.recipe.name == entry["expect"]["package.name"]
    entry = ENTRIES["ros/no-distro-is-error"]
    with pytest.raises(KilnError, match=entry["expect"]["error contains"]):
        generate(backend_on(tmp_path / "b", "demo_nodes_cpp.xml", entry["config"]), channels=entry["channels"])


@NEEDS_TABLE
def test_robostack_platform_mapping() -> None:
    table = package_map.load_package_map([])
    for rosdep, by_platform in ENTRIES["ros/robostack-platform-mapping"]["expect"].items():
        for key, wanted in by_platform.items():
            platform = key.removesuffix(" contains")
            got = package_map.rosdep_specs(Dependency(rosdep), "jazzy", platform, table)
            if key.endswith(" contains"):
                assert set(wanted) <= set(got), (rosdep, platform)
            else:
                assert got == wanted, (rosdep, platform)


def test_version_constraints() -> None:
    table = package_map.load_package_map([{"custom_ros_dep": {"ros": ["foo_util"]}}])
    spec = lambda dep: package_map.rosdep_specs(dep, "jazzy", "linux-64", table)  # noqa: E731
    expect = ENTRIES["ros/version-constraints"]["expect"]
    wanted = expect["unknown dep ament_cmake version_eq 1.2.3 (jazzy)"]
    assert spec(Dependency("ament_cmake", version_eq="1.2.3")) == wanted
    assert spec(Dependency("rclcpp", version_gte="18.0.0", version_lt="20.0.0")) == expect[
        "rclcpp version_gte 18.0.0 version_lt 20.0.0"
    ]
    wanted = expect["custom_ros_dep mapped ros: [foo_util], version_gte 3.1"]
    assert spec(Dependency("custom_ros_dep", version_gte="3.1")) == wanted
    # the same two errors as upstream's table entries below give, on entries of our own
    own = package_map.load_package_map([{"pinned": {"conda": ["pinned ==1.0"]}, "pair": {"conda": ["a", "b"]}}])
    with pytest.raises(KilnError, match="without constraint already present"):
        package_map.rosdep_specs(Dependency("pinned", version_eq="2.0"), "jazzy", "linux-64", own)
    with pytest.raises(KilnError, match="can only be used for one package"):
        package_map.rosdep_specs(Dependency("pair", version_eq="2.0"), "jazzy", "linux-64", own)
    with pytest.raises(KilnError, match="both `>` and `>=`"):
        spec(Dependency("x", version_gt="1", version_gte="1"))
    nameless = expect["nameless spec"]
    assert package_map.nameless_spec(Dependency("x", version_eq="1.0")) == nameless["eq 1.0"]
    range_dep = Dependency("x", version_gte="1.0", version_lt="2.0")
    assert package_map.nameless_spec(range_dep) == nameless["gte 1.0 + lt 2.0"]
    assert package_map.nameless_spec(Dependency("x")) is nameless["none"]


@NEEDS_TABLE
def test_version_constraints_on_table_entries() -> None:
    """Upstream's cases on its table: xtensor is pinned there, boost maps to two packages."""
    table = package_map.load_package_map([])
    with pytest.raises(KilnError, match="without constraint already present"):
        package_map.rosdep_specs(Dependency("xtensor", version_eq="2.0"), "jazzy", "linux-64", table)
    with pytest.raises(KilnError, match="can only be used for one package"):
        package_map.rosdep_specs(Dependency("boost", version_eq="2.0"), "jazzy", "linux-64", table)


def test_spec_merging() -> None:
    for row in ENTRIES["ros/spec-merging"]["expect"]:
        a, b = row["a"], row["b"]
        if "error" in str(row.get("result", "")):
            with pytest.raises(KilnError, match="contains spaces"):
                package_map.merge_lists([a], [b])
        elif row.get("result") == "two entries":
            assert package_map.merge_lists([a], [b]) == [a, b]
        elif "merged (either order)" in row:
            merged = [row["merged (either order)"]]
            assert package_map.merge_lists([a], [b]) == package_map.merge_lists([b], [a]) == merged
        else:
            assert package_map.merge_lists([a], [b]) == [row["merged"]]


def test_package_map_priority() -> None:
    table = package_map.load_package_map([{"path": str(FIXTURES / "other_package_map.yaml")}])
    assert "new_package" in table
    assert table["alsa-oss"] == {"conda": ["other-alsa-oss"]}


@NEEDS_TABLE
def test_package_map_file_keeps_the_table_entries() -> None:
    table = package_map.load_package_map([{"path": str(FIXTURES / "other_package_map.yaml")}])
    assert "zlib" in table


def test_custom_mappings(tmp_path: Path) -> None:
    for i, key in enumerate(("ros/custom-mapping-results", "ros/inline-mapping-wins-over-file")):
        entry = ENTRIES[key]
        data = generate(backend_on(tmp_path / str(i), entry["package.xml"], entry["config"])).recipe.to_data()
        names = [i.split(" ", 1)[0] for i in data["requirements"]["run"]]
        for wanted in entry["expect"]["run contains"]:
            assert wanted in names, (key, wanted)
        if "package.name" in entry["expect"]:
            assert data["package"]["name"] == entry["expect"]["package.name"]


def test_metadata_provider(tmp_path: Path) -> None:
    entry = ENTRIES["ros/metadata-provider"]
    data = generate(backend_on(tmp_path, entry["package.xml"], {"distro": entry["distro"]})).recipe.to_data()
    expect = entry["expect"]
    assert data["package"] == {"name": expect["name"], "version": expect["version"]}
    about = data["about"]
    assert (about["description"], about["homepage"], about["repository"]) == (
        expect["description"], expect["homepage"], expect["repository"]
    )  # fmt: skip
    assert "license" not in about and "license_file" not in about
