"""pixi-build-ros on real package.xml files: upstream's test fixtures and the cases' inputs.

The files are ``tests/data/upstream/recipes/current/ros/_fixtures/package_xmls`` and the
cases' ``input/files/package.xml`` (formats 2 and 3, ament_cmake, catkin, conditions);
ament_python and format 1 are derived from them in the test. Each recipe is checked
field by field against the rules of spec ``backends.md`` §7, then rendered by
rattler-build through the SDK's ``conda/outputs`` to prove it is a valid recipe (ROS
toolchains do not exist here, so nothing is built).

Upstream's RoboStack table is not in the repository (README, pixi-build-ros), so every
rosdep key here that the user does not map becomes ``ros-<distro>-<name>``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.backends.generating import generate, make_backend

from kiln.backends.ros.backend import RosBackend
from kiln.errors import KilnError, ManifestError
from kiln.protocol import types as t

ROS_CASES = Path(__file__).parents[2] / "data" / "upstream" / "recipes" / "current" / "ros"
XMLS = ROS_CASES / "_fixtures" / "package_xmls"
#: format 3, no build type (catkin), every dependency gated on $ROS_VERSION
CONDITIONAL = ROS_CASES / "condition-evaluation-ros1-default" / "input" / "files" / "package.xml"
UNIX_TOOLS = ["ninja", "python", "setuptools", "git", "git-lfs", "cmake", "cpython", "patch", "make", "coreutils"]
COMPILERS = ["${{ compiler('c') }}", "${{ compiler('cxx') }}"]
HOST_TOOLS = ["python", "numpy", "pip", "pkg-config"]
HEAD = '<?xml version="1.0"?>\n<package format="3">\n'


def ros_project(tmp_path: Path, xml: str | Path, *, edit: tuple[str, str] | None = None, **kwargs) -> RosBackend:
    """A project holding the fixture ``xml`` (a name in XMLS, or a path) as package.xml,
    with ``edit`` = (old, new) replaced once in its text (the edit must apply)."""
    source = XMLS / xml if isinstance(xml, str) else xml
    root = tmp_path / (source.stem if isinstance(xml, str) else source.parents[2].name)
    root.mkdir(parents=True)
    text = source.read_text(encoding="utf-8")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    (root / "package.xml").write_text(text, encoding="utf-8")
    return make_backend(RosBackend, root, model=kwargs.pop("model", {}), **kwargs)
def recipe(backend: RosBackend, **kwargs) -> dict:
    return generate(backend, **kwargs).recipe.to_data()


def rendered(backend: RosBackend, tmp_path: Path, channels: list[str]) -> t.CondaOutput:
    """The single output rattler-build renders from the generated recipe."""
    result = backend.conda_outputs(
        t.CondaOutputsParams(
            host_platform="linux-64",
            build_platform="linux-64",
            channels=channels,
            work_directory=str(tmp_path / "work"),
        )
    )
    (output,) = result.outputs
    assert result.input_globs[:4] == ["package.xml", "CMakeLists.txt", "setup.py", "setup.cfg"]
    return output


def names(specs) -> list[str]:
    return [s.name for s in specs]


DEMO_BUILD = [
    "ament-cmake", "example-interfaces", "rcl", "rclcpp", "rclcpp-components", "rcl-interfaces", "rcpputils",
    "rcutils", "rmw", "std-msgs", "ament-cmake-pytest", "ament-lint-auto", "ament-lint-common", "launch",
    "launch-testing", "launch-testing-ament-cmake", "launch-testing-ros", "ros-workspace",
]  # fmt: skip
DEMO_RUN = [
    "example-interfaces", "launch-ros", "launch-xml", "rcl", "rclcpp", "rclcpp-components", "rcl-interfaces",
    "rcpputils", "rcutils", "rmw", "std-msgs",
]  # fmt: skip


def test_demo_nodes_cpp_format_2_ament_cmake(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "demo_nodes_cpp.xml", config={"distro": "jazzy"})
    data = recipe(backend)
    assert data["package"] == {"name": "ros-jazzy-demo-nodes-cpp", "version": "0.37.1"}
    description = (
        "C++ nodes which were previously in the ros2/examples repository but are now just used for demo purposes."
    )
    assert data["about"] == {"summary": description[:97] + "...", "description": description}
    req = data["requirements"]
    mapped = [f"ros-jazzy-{n}" for n in DEMO_BUILD]
    assert req["build"] == mapped + UNIX_TOOLS + COMPILERS
    assert req["host"] == mapped + HOST_TOOLS + ["ros2-distro-mutex"]
    assert req["run"] == [f"ros-jazzy-{n}" for n in DEMO_RUN] + ["ros2-distro-mutex"]
    script = data["build"]["script"]
    assert script["env"] == {"ROS_DISTRO": "jazzy", "ROS_VERSION": "2"}
    (content,) = script["content"]
    assert f'-S "{backend.source_dir}"' in content and "-DCMAKE_BUILD_TYPE=Release" in content
    assert "@" not in content.replace("@BUILD", "").replace("install[-_]", "")

    out = rendered(backend, tmp_path, [])
    meta = out.metadata
    assert (meta.name, meta.version, meta.subdir) == ("ros-jazzy-demo-nodes-cpp", "0.37.1", "linux-64")
    build_names = names(out.build_dependencies.depends)
    assert build_names[: len(mapped)] == mapped
    # rattler-build resolved the compiler templates against the default variants
    assert build_names[-2:] == ["gcc_linux-64", "gxx_linux-64"]
    assert "ros2-distro-mutex" in names(out.run_dependencies.depends)


def test_ament_python_gets_the_pip_script(tmp_path: Path) -> None:
    """demo_nodes_cpp's package.xml with build type ament_python; the distro from the channels."""
    edit = ("ament_cmake</build_type>", "ament_python</build_type>")
    backend = ros_project(tmp_path, "demo_nodes_cpp.xml", edit=edit)
    channels = ["https://prefix.dev/robostack-staging", "https://prefix.dev/robostack-humble/"]
    data = recipe(backend, channels=channels)
    assert data["package"]["name"] == "ros-humble-demo-nodes-cpp"
    assert data["requirements"]["run"] == [f"ros-humble-{n}" for n in DEMO_RUN] + ["ros2-distro-mutex"]
    (content,) = data["build"]["script"]["content"]
    assert "pip install . --no-deps" in content and "ros-humble-" in content and f'"{backend.source_dir}"' in content
    assert "cmake" not in content.lower().replace("ament_cmake", "")
    out = rendered(backend, tmp_path, ["https://prefix.dev/robostack-humble"])
    assert out.metadata.name == "ros-humble-demo-nodes-cpp"


def test_action_tutorials_interfaces_format_3_ament_cmake(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "demos_action_tutorials_interfaces.xml", config={"distro": "kilted"})
    data = recipe(backend)
    assert data["package"] == {"name": "ros-kilted-action-tutorials-interfaces", "version": "0.33.5"}
    assert data["requirements"]["build"][:5] == [
        "ros-kilted-ament-cmake", "ros-kilted-rosidl-default-generators", "ros-kilted-ament-lint-auto",
        "ros-kilted-ament-lint-common", "ros-kilted-ros-workspace",
    ]  # fmt: skip
    assert data["requirements"]["run"] == ["ros-kilted-rosidl-default-runtime", "ros2-distro-mutex"]
    assert data["about"]["summary"] == "Action tutorials action"
    (content,) = data["build"]["script"]["content"]
    assert "-DCMAKE_BUILD_TYPE=Release" in content
    assert rendered(backend, tmp_path, []).metadata.name == "ros-kilted-action-tutorials-interfaces"


def test_custom_ros_format_3_defaults_to_catkin(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "custom_ros.xml", config={"distro": "noetic"})
    data = recipe(backend)
    req = data["requirements"]
    assert req["build"][:3] == ["ros-noetic-catkin", "ros-noetic-ros-package", "ros-noetic-multi-package"]
    # ROS 1: no ros_workspace, the ROS 1 mutex
    assert not any("ros-workspace" in i for i in req["build"])
    assert req["run"] == ["ros-noetic-ros-package", "ros-noetic-multi-package", "ros-distro-mutex"]
    # an untyped url is the homepage when there is no `website` one
    assert data["about"]["homepage"] == "https://test.io/custom_ros"
    assert data["about"]["repository"] == "https://github.com/test/custom_ros"
    (content,) = data["build"]["script"]["content"]
    assert "CATKIN_BUILD_BINARY_PACKAGE" in content and '"ros-noetic-catkin"' in content
    assert rendered(backend, tmp_path, []).metadata.name == "ros-noetic-custom-ros"


def test_format_1_run_depend(tmp_path: Path) -> None:
    """custom_ros as format 1: `run_depend` instead of `depend`."""
    edit = ('<package format="3">', '<package format="1">')
    backend = ros_project(tmp_path, "custom_ros.xml", edit=edit, config={"distro": "noetic"})
    xml = backend.source_dir / "package.xml"
    xml.write_text(xml.read_text().replace("<depend>", "<run_depend>").replace("</depend>", "</run_depend>"))
    req = recipe(backend)["requirements"]
    assert req["build"][0] == "ros-noetic-catkin" and "ros-noetic-ros-package" not in req["build"]
    assert req["run"] == ["ros-noetic-ros-package", "ros-noetic-multi-package", "ros-distro-mutex"]


def test_version_attributes_become_constraints(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "version_constraints.xml", config={"distro": "noetic"})
    run = recipe(backend)["requirements"]["run"]
    assert run == [
        "ros-noetic-ros-package <=2.0.0", "ros-noetic-ros-package2 <2.0.0a0",
        "ros-noetic-libqt5-core >=5.15.0,<5.16.0", "ros-noetic-tinyxml2 ==10.0.0", "ros-noetic-asio <10.0.0",
        "ros-distro-mutex",
    ]  # fmt: skip
    out = rendered(backend, tmp_path, [])
    qt = next(s for s in out.run_dependencies.depends if s.name == "ros-noetic-libqt5-core")
    assert qt.spec.binary.version == ">=5.15.0,<5.16.0"


@pytest.mark.parametrize(
    ("distro", "env", "active"),
    [("noetic", {}, ["catkin", "roscpp"]), ("jazzy", {}, ["ament-cmake", "rclcpp"]),
     ("jazzy", {"ROS_VERSION": "1"}, ["catkin", "roscpp"])],
)  # fmt: skip
def test_conditions_follow_the_distro_and_env(tmp_path: Path, distro: str, env: dict, active: list[str]) -> None:
    config = {"distro": distro, **({"env": env} if env else {})}
    backend = ros_project(tmp_path, CONDITIONAL, config=config)
    data = recipe(backend)
    req = data["requirements"]
    mapped = [f"ros-{distro}-{n}" for n in active]
    ros2 = distro != "noetic"
    mutex = "ros2-distro-mutex" if ros2 else "ros-distro-mutex"
    assert req["build"] == [*mapped, *([f"ros-{distro}-ros-workspace"] if ros2 else []), *UNIX_TOOLS, *COMPILERS]
    assert req["run"] == [mapped[1], mutex]
    assert data["build"]["script"]["env"] == {"ROS_DISTRO": distro, "ROS_VERSION": "2" if ros2 else "1", **env}
    assert names(rendered(backend, tmp_path, []).run_dependencies.depends)[0] == mapped[1]


def test_model_requirements_merge_in_place(tmp_path: Path) -> None:
    model = {
        "name": "My_Pkg",
        "version": "1.2.3",
        "targets": {
            "defaultTarget": {
                "runDependencies": {
                    "ros-jazzy-rcl": {"binary": {"version": ">=9"}},
                    "ros-jazzy-rmw": {"binary": {"version": "*"}},
                },
            }
        },
    }
    data = recipe(ros_project(tmp_path, "demo_nodes_cpp.xml", model=model, config={"distro": "jazzy"}))
    assert data["package"] == {"name": "my_pkg", "version": "1.2.3"}
    run = data["requirements"]["run"]
    assert run[:3] == ["ros-jazzy-rcl >=9", "ros-jazzy-rmw", "ros-jazzy-example-interfaces"]
    assert run.count("ros-jazzy-rmw") == 1 and "ros-jazzy-rcl" not in run


def test_extra_package_mappings_inline_and_file(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "rclcpp:\n  conda: [my-rclcpp]\nstd_msgs:\n  robostack:\n    linux: []\n    osx: [std-msgs-osx]\n"
    )
    config = {
        "distro": "jazzy",
        "extra-package-mappings": [{"example_interfaces": {"ros": ["ex_a", "ex_b"]}}, {"path": str(mapping)}],
    }
    backend = ros_project(tmp_path, "demo_nodes_cpp.xml", config=config)
    run = recipe(backend)["requirements"]["run"]
    assert run == [
        "ros-jazzy-ex-a", "ros-jazzy-ex-b", "ros-jazzy-launch-ros", "ros-jazzy-launch-xml", "ros-jazzy-rcl",
        "my-rclcpp", "ros-jazzy-rclcpp-components", "ros-jazzy-rcl-interfaces", "ros-jazzy-rcpputils",
        "ros-jazzy-rcutils", "ros-jazzy-rmw", "ros2-distro-mutex",
    ]  # fmt: skip
    assert str(mapping) in generate(backend).metadata_input_globs
    osx = recipe(backend, host_platform="osx-arm64")
    assert "std-msgs-osx" in osx["requirements"]["run"] and "tapi" in osx["requirements"]["build"]


def test_mapping_entry_without_a_known_key_is_an_error(tmp_path: Path) -> None:
    config = {"distro": "jazzy", "extra-package-mappings": [{"rclcpp": {"pip": ["rclcpp"]}}]}
    message = "unknown package map entry for 'rclcpp': expected 'ros', 'conda', or 'robostack' key"
    with pytest.raises(KilnError, match=message):
        recipe(ros_project(tmp_path, "demo_nodes_cpp.xml", config=config))


def test_unknown_distro_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(KilnError) as info:
        recipe(ros_project(tmp_path, "demo_nodes_cpp.xml", config={"distro": "jazzzy"}))
    text = str(info.value)
    assert "'jazzzy'" in text and "humble" in text and "noetic" in text


def test_no_distro_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KilnError, match="ROS distro must be either explicitly configured"):
        recipe(ros_project(tmp_path, "demo_nodes_cpp.xml"), channels=["https://prefix.dev/conda-forge"])


def test_unknown_option_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(KilnError, match="distr"):
        ros_project(tmp_path, "demo_nodes_cpp.xml", config={"distr": "jazzy"})


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (HEAD + "  <name>x</name>\n  <version>1.0</version\n</package>\n", 5, "invalid XML"),
        (HEAD + "  <name>x</name>\n</package>\n", 2, "missing required <version>"),
        ("<?xml version=\"1.0\"?>\n\n<manifest/>\n", 3, "expected root element <package>"),
    ],
)
def test_broken_package_xml_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    (tmp_path / "package.xml").write_text(text)
    backend = make_backend(RosBackend, tmp_path, model={}, config={"distro": "jazzy"})
    with pytest.raises(ManifestError) as info:
        recipe(backend)
    assert str(info.value).startswith(f"{tmp_path / 'package.xml'}:{line}")
    assert message in str(info.value)


def test_missing_package_xml_names_the_file(tmp_path: Path) -> None:
    backend = make_backend(RosBackend, tmp_path, model={}, config={"distro": "jazzy"})
    with pytest.raises(ManifestError, match="no package.xml"):
        recipe(backend)


def test_bad_version_attribute_is_an_error(tmp_path: Path) -> None:
    text = (XMLS / "demo_nodes_cpp.xml").read_text()
    text = text.replace("<exec_depend>rclcpp<", '<exec_depend version_gte="">rclcpp<')
    (tmp_path / "package.xml").write_text(text)
    backend = make_backend(RosBackend, tmp_path, model={}, config={"distro": "jazzy"})
    with pytest.raises(KilnError, match="'rclcpp': version is empty string"):
        recipe(backend)


def test_unsupported_build_type(tmp_path: Path) -> None:
    text = (XMLS / "demo_nodes_cpp.xml").read_text().replace("ament_cmake</build_type>", "meson</build_type>")
    (tmp_path / "package.xml").write_text(text)
    backend = make_backend(RosBackend, tmp_path, model={}, config={"distro": "jazzy"})
    with pytest.raises(KilnError, match="unsupported ROS build type: 'meson'"):
        recipe(backend)


def test_windows_machine_gets_the_bat_script(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "demo_nodes_cpp.xml", config={"distro": "jazzy"})
    data = recipe(backend, host_platform="win-64", build_platform="win-64")
    (content,) = data["build"]["script"]["content"]
    assert content.startswith("::") and "%LIBRARY_PREFIX%" in content
    assert "m2-patch" in data["requirements"]["build"] and "make" not in data["requirements"]["build"]


def test_build_globs(tmp_path: Path) -> None:
    backend = ros_project(tmp_path, "demo_nodes_cpp.xml", config={"distro": "jazzy", "extra-input-globs": ["extra/**"]})
    config = backend.config_for("linux-64")
    globs = backend.build_input_globs(config, tmp_path, False)
    assert globs[-3:] == ["**/*.py", "**/*.pyx", "extra/**"] and "action/**/*.action" in globs
    assert "**/*.py" not in backend.build_input_globs(config, tmp_path, True)


def test_bare_package_xml_needs_no_project_model(tmp_path: Path) -> None:
    """pixi sends an empty model for a package.xml outside a pixi manifest; none at all works too."""
    from kiln.backends.ros.entry import create

    shutil.copy(XMLS / "demo_nodes_cpp.xml", tmp_path / "package.xml")
    params = t.InitializeParams(manifest_path=str(tmp_path / "package.xml"), configuration={"distro": "jazzy"})
    text = create(params).render_recipe("linux-64", "linux-64")
    assert "name: ros-jazzy-demo-nodes-cpp" in text


# -- the RoboStack table is optional ------------------------------------------------------


def test_absent_table_warns_once_naming_the_file(tmp_path: Path, monkeypatch, capsys) -> None:
    from kiln.backends.ros import package_map

    missing = tmp_path / "robostack.yaml"
    monkeypatch.setattr(package_map, "ROBOSTACK", missing)
    package_map.robostack_map.cache_clear()
    try:
        assert package_map.load_package_map([]) == {}
        assert package_map.load_package_map([{"a": {"conda": ["b"]}}]) == {"a": {"conda": ["b"]}}
        err = capsys.readouterr().err
        assert err.count("RoboStack package table not found") == 1 and str(missing) in err
    finally:
        package_map.robostack_map.cache_clear()


def test_table_beside_the_module_is_read_when_present(tmp_path: Path, monkeypatch, capsys) -> None:
    from kiln.backends.ros import package_map

    table = tmp_path / "robostack.yaml"
    table.write_text("rclcpp:\n  robostack: [from-table]\nrcl:\n  robostack: [rcl-table]\n")
    monkeypatch.setattr(package_map, "ROBOSTACK", table)
    package_map.robostack_map.cache_clear()
    try:
        # the user's mapping wins over the table
        config = {"distro": "jazzy", "extra-package-mappings": [{"rcl": {"conda": ["rcl-user"]}}]}
        run = recipe(ros_project(tmp_path, "demo_nodes_cpp.xml", config=config))["requirements"]["run"]
        assert "from-table" in run and "rcl-user" in run and "rcl-table" not in run
        assert "not found" not in capsys.readouterr().err
    finally:
        package_map.robostack_map.cache_clear()
