"""pixi-build-ros: a RoboStack-style conda package from a ROS package's ``package.xml`` (spec ``backends.md`` §7).

The distro comes from the config or a ``robostack-<distro>`` channel; whether it is
ROS 1 or 2 from the bundled table. package.xml's conditions are evaluated, its
dependencies mapped through RoboStack's table (plus the user's mappings), sibling
packages of the workspace turned into source dependencies, and everything merged
into the model's requirements with the build tools and the distro mutex; the build
script is upstream's template for the package's build type.
"""

from __future__ import annotations

from pathlib import Path

from kiln.backend.generated import GeneratedRecipe
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.recipe import Script
from kiln.backends.ros import build_script, distros, package_map, package_xml, workspace
from kiln.backends.ros.config import RosConfig, distro_from_channels
from kiln.backends.ros.metadata import METADATA_GLOBS, PackageXmlMetadataProvider
from kiln.conda.platforms import family
from kiln.errors import ConfigurationError

PACKAGE_XML = "package.xml"

#: Build globs before the Python sources (spec §7.7).
BUILD_GLOBS = (
    "**/*.c",
    "**/*.cpp",
    "**/*.h",
    "**/*.hpp",
    "**/*.rs",
    "**/*.sh",
    "package.xml",
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "Makefile",
    "CMakeLists.txt",
    "MANIFEST.in",
    "tests/**/*.py",
    "docs/**/*.rst",
    "docs/**/*.md",
    "launch/**/*.py",
    "config/*.yaml",
    "msg/**/*.msg",
    "srv/**/*.srv",
    "action/**/*.action",
)
PYTHON_GLOBS = ("**/*.py", "**/*.pyx")

BUILD_TOOLS = ("ninja", "python", "setuptools", "git", "git-lfs", "cmake", "cpython")
HOST_TOOLS = ("python", "numpy", "pip", "pkg-config")
COMPILERS = ("${{ compiler('c') }}", "${{ compiler('cxx') }}")


def build_tools(host_platform: str) -> list[str]:
    """The tools every ROS build gets, by host platform."""
    fam = family(host_platform)
    tools = list(BUILD_TOOLS)
    if fam != "win":
        tools += ["patch", "make", "coreutils"]
    else:
        tools.append("m2-patch")
    if fam == "osx":
        tools.append("tapi")
    return tools


def resolve_distro(config: RosConfig, channels: list[str]) -> str:
    distro = config.distro or distro_from_channels(channels)
    if distro is None:
        raise ConfigurationError(
            "ROS distro must be either explicitly configured or auto-detected from robostack channels. "
            "A 'robostack-<distro>' channel (e.g. 'robostack-kilted') was not found in the provided channels.",
            help='set `distro = "<name>"` in [package.build.config], or add a robostack-<distro> channel',
        )
    return distro


class RosBackend(GeneratingBackend):
    config_type = RosConfig
    #: A bare package.xml is a whole ROS package (pixi sends an empty model for one).
    requires_project_model = False

    def package_xml_path(self) -> Path:
        if self.manifest_path.name == PACKAGE_XML and not self.manifest_path.is_dir():
            return self.manifest_path
        return self.source_dir / PACKAGE_XML

    def workspace_root(self) -> Path | None:
        """Where sibling packages are looked for: the checkout root, else the workspace."""
        checkout = self.params.checkout_root
        if isinstance(checkout, str) and checkout:
            return Path(checkout)
        return Path(self.params.workspace_directory) if self.params.workspace_directory else None

    def build_input_globs(self, config: RosConfig, work_dir: Path, editable: bool) -> list[str]:
        globs = list(BUILD_GLOBS)
        if not editable:
            globs += PYTHON_GLOBS
        return globs + list(config.extra_input_globs or [])

    def generate_recipe(
        self,
        config: RosConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        distro = resolve_distro(config, channels)
        version = distros.ros_version(distro)
        env = {"ROS_DISTRO": distro, "ROS_VERSION": str(version), **(config.env or {})}

        path = self.package_xml_path()
        package = package_xml.load(path).evaluate_conditions(env)
        gen = GeneratedRecipe.from_model(self.model, PackageXmlMetadataProvider(package, distro))
        gen.metadata_input_globs = [*METADATA_GLOBS, *(config.extra_input_globs or []), *config.mapping_file_paths()]

        mapping = package_map.load_package_map(config.extra_package_mappings)
        build, run = package_map.package_requirements(package, distro, version, host_platform, mapping)
        host = list(build)
        req = gen.recipe.requirements
        root = self.workspace_root()
        if root is not None and not config.ignore_workspace_sources:
            siblings = workspace.sibling_specs(workspace.discover(root), package.name, path.parent, distro)
            build = workspace.apply(build, siblings, workspace.declared_names(req.build))
            host = workspace.apply(host, siblings, workspace.declared_names(req.host))
            run = workspace.apply(run, siblings, workspace.declared_names(req.run))
        mutex = distros.mutex_name(version)
        req.host = package_map.merge_lists(req.host, [*host, *HOST_TOOLS, mutex])
        req.build = package_map.merge_lists(req.build, [*build, *build_tools(host_platform), *COMPILERS])
        req.run = package_map.merge_lists(req.run, [*run, mutex])

        content = build_script.render(
            package.build_type, distro, path.parent, windows=family(build_platform) == "win", package_xml=path
        )
        gen.recipe.build.script = Script(
            env=self.script_env(config, {"ROS_DISTRO": distro, "ROS_VERSION": str(version)}),
            secrets=list(gen.recipe.build.script.secrets),
            content=[content],
        )
        return gen


def create(params) -> RosBackend:
    return RosBackend(params)
