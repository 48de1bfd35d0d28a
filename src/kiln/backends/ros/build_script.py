"""The build script: upstream's template for the package's build type, four placeholders filled in (spec §7.6).

The templates in ``templates/`` run upstream's steps and CMake options (see
``PROVENANCE.md``) with upstream's four placeholders. The flavour follows the
machine the backend runs on, not the host platform.
"""

from __future__ import annotations

from pathlib import Path

from kiln.errors import ManifestError

TEMPLATES = Path(__file__).with_name("templates")

#: build type -> (unix template, windows template)
_BY_BUILD_TYPE = {
    "ament_cmake": ("build_ament_cmake.sh", "bld_ament_cmake.bat"),
    "ament_python": ("build_ament_python.sh", "bld_ament_python.bat"),
    "cmake": ("build_catkin.sh", "bld_catkin.bat"),
    "catkin": ("build_catkin.sh", "bld_catkin.bat"),
}


def render(
    build_type: str, distro: str, source_dir: Path | str, *, windows: bool, package_xml: Path | None = None
) -> str:
    names = _BY_BUILD_TYPE.get(build_type)
    if names is None:
        raise ManifestError(
            f"unsupported ROS build type: '{build_type}'",
            path=package_xml,
            help="supported build types (<export><build_type>) are: ament_cmake, ament_python, cmake, catkin",
        )
    template = (TEMPLATES / names[1 if windows else 0]).read_text(encoding="utf-8")
    return (
        template.replace("@SRC_DIR@", str(source_dir))
        .replace("@DISTRO@", distro)
        .replace("@BUILD_DIR@", "build")
        .replace("@BUILD_TYPE@", "Release")
    )
