"""pixi-build-r: a conda package from an R source package via ``R CMD INSTALL`` (spec ``backends.md`` §6).

The recipe is the one pixi's own backend generates: the model's requirements, then
the compilers (configured, or c/cxx/fortran when the package has ``src/`` or
``LinkingTo``), ``r-base`` in host and run, ``Imports`` and ``Depends`` in host and
run, ``LinkingTo`` in host only (built-in packages skipped), metadata from
DESCRIPTION, and a script that installs into ``$PREFIX/lib/R/library``.
"""

from __future__ import annotations

from pathlib import Path

from kiln.backend.compilers import compiler_items
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.globs import GENERATED_EXCLUDES
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.recipe import Script
from kiln.backend.rendering import PreparedRecipe, RecipeRequest
from kiln.backends.r import build_script
from kiln.backends.r.config import RConfig
from kiln.backends.r.description import DescriptionMetadataProvider, RDependency, load_description, parse_dependencies
from kiln.conda.platforms import family
from kiln.protocol import types as t

#: Compilers R's own build may call when a package has native code.
AUTO_COMPILERS = ("c", "cxx", "fortran")

#: Upstream's build globs: the package's structure files.
BASE_GLOBS = ("DESCRIPTION", "NAMESPACE", "**/*.R", "**/*.Rd")

#: Sources per configured compiler (upstream's R-specific lists, not the SDK's).
R_COMPILER_GLOBS: dict[str, tuple[str, ...]] = {
    "c": ("**/*.c", "**/*.h"),
    "cxx": ("**/*.cpp", "**/*.cc", "**/*.cxx", "**/*.hpp", "**/*.hxx"),
    "fortran": ("**/*.f", "**/*.f90", "**/*.f95"),
}

#: kiln's additions: what ``R CMD INSTALL`` also reads (Makevars, data, installed files).
PACKAGE_DIR_GLOBS = ("R/**", "src/**", "inst/**", "data/**", "man/**")
#: What ``R CMD INSTALL`` itself leaves in ``src/`` (it compiles in the source tree): not inputs.
BUILD_PRODUCTS = ("!src/**/*.o", "!src/**/*.so", "!src/**/*.dll")


def upstream_build_globs(compilers: list[str] | None, extra_input_globs: list[str]) -> list[str]:
    """Upstream's ``extract_input_globs_from_build``: one sorted set (configured compilers only)."""
    globs = set(BASE_GLOBS)
    for compiler in compilers or []:
        globs.update(R_COMPILER_GLOBS.get(compiler, ()))
    globs.update(extra_input_globs)
    return sorted(globs)


class RBackend(GeneratingBackend):
    config_type = RConfig

    def default_variants(self, host_platform: str) -> dict[str, list[str]]:
        """Upstream's R backend has no default variants (§6.5)."""
        return {}

    def has_native_code(self) -> bool:
        return (self.source_dir / "src").is_dir()

    def compilers(self, config: RConfig, linking_to: bool) -> list[str]:
        if config.compilers is not None:
            return list(config.compilers)
        return list(AUTO_COMPILERS) if self.has_native_code() or linking_to else []

    def prepare_recipe(self, request: RecipeRequest) -> PreparedRecipe:
        if request.for_build and not self.model.license_file:
            self._check_license_file()
        return super().prepare_recipe(request)

    def _check_license_file(self) -> None:
        """A ``+ file LICENSE`` that is not there stops the build at the DESCRIPTION line that
        names it (the SDK's own check would point at Python's options)."""
        desc = load_description(self.source_dir)
        for path in DescriptionMetadataProvider(self.source_dir, desc).license_files():
            if not Path(path).is_file():
                raise desc.error(
                    "License",
                    f"`License: {desc.get('License')}` names the license file {path}, which does not exist",
                    help="add the file next to DESCRIPTION, or drop `+ file ...` from `License`",
                )

    def build_input_globs(self, config: RConfig, work_dir: Path, editable: bool) -> list[str]:
        globs = upstream_build_globs(config.compilers, config.extra_input_globs)
        # kiln: auto-detected native code is an input too (upstream adds only configured compilers)
        if config.compilers is None and self.has_native_code():
            globs += [g for c in AUTO_COMPILERS for g in R_COMPILER_GLOBS[c] if g not in globs]
        globs += [g for g in PACKAGE_DIR_GLOBS if g not in globs]
        return [*globs, *BUILD_PRODUCTS, *GENERATED_EXCLUDES]

    def generate_recipe(
        self,
        config: RConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        root = self.source_dir
        desc = load_description(root)  # missing or malformed: fails here, naming file and line
        provider = DescriptionMetadataProvider(root, desc)
        gen = GeneratedRecipe.from_model(self.model, provider)
        req = gen.recipe.requirements

        imports = parse_dependencies(desc, "Imports")
        depends = [d for d in parse_dependencies(desc, "Depends") if d.name != "R"]
        linking_to = parse_dependencies(desc, "LinkingTo")
        compilers = self.compilers(config, desc.get("LinkingTo") is not None)
        req.build.extend(compiler_items(compilers, variant_keys))

        # r-base even when the model lists it: duplicate specs intersect in the solver
        req.host.append("r-base")
        req.run.append("r-base")
        for dep in _wanted([*imports, *depends]):
            req.host.append(dep.spec)
            req.run.append(dep.spec)
        for dep in _wanted(linking_to):
            req.host.append(dep.spec)  # headers at compile time only

        content = build_script.render(str(root), list(config.extra_args), windows=family(build_platform) == "win")
        build = gen.recipe.build
        build.script = Script(env=self.script_env(config), secrets=list(build.script.secrets), content=[content])
        gen.metadata_input_globs = provider.input_globs()
        return gen


def _wanted(deps: list[RDependency]) -> list[RDependency]:
    return [d for d in deps if not d.is_builtin]


def create(params: t.InitializeParams) -> RBackend:
    return RBackend(params)
