"""pixi-build-cmake: a conda package from a CMake project (spec ``backends.md`` §3).

The recipe is the one pixi's own backend generates: the model's requirements, then
``compiler(..)`` for each configured language (default ``cxx``), ``stdlib('c')`` when
a ``c_stdlib`` variant exists, ``cmake`` and ``ninja`` in ``build``; metadata from the
model only; the configure-and-install script of :mod:`.build_script`.

Builds are incremental, as pixi's: the script runs in ``<workDirectory>/work`` (where
pixi's rattler-build runs it), not in rattler-build's fresh work directory, so its
``build`` folder with CMake's cache and ninja's state survives to the next build in
the same ``workDirectory``; the prefixes keep their paths (``incremental``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kiln.backend.compilers import compiler_items
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.recipe import Recipe, Script
from kiln.backend.rendering import RecipeRequest
from kiln.backends.cmake import build_script, inputs
from kiln.backends.cmake.config import CMakeConfig
from kiln.backends.cmake.failures import compiler_error
from kiln.conda.platforms import family
from kiln.errors import BuildFailedError

#: The build tools every CMake build needs, after the compilers.
BUILD_TOOLS = ("cmake", "ninja")
#: Where the script runs, inside ``workDirectory``, and the folder it configures in there.
SCRIPT_DIR = "work"
BUILD_DIR = "build"


class CMakeBackend(GeneratingBackend):
    config_type = CMakeConfig
    incremental = True

    def generate_recipe(
        self,
        config: CMakeConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        gen = GeneratedRecipe.from_model(self.model)
        recipe = gen.recipe
        recipe.requirements.build.extend(compiler_items(config.effective_compilers, variant_keys))
        recipe.requirements.build.extend(BUILD_TOOLS)
        content = build_script.render(
            str(self.source_dir), list(config.extra_args), windows=family(build_platform) == "win"
        )
        recipe.build.script = Script(
            env=self.script_env(config),
            secrets=list(recipe.build.script.secrets),
            content=[content],
        )
        return gen

    def prepare_recipe(self, request: RecipeRequest):
        if not request.for_build:
            return super().prepare_recipe(request)
        self._check_cmakelists()
        # an interrupted configure leaves no build.ninja: start that folder over
        self._forget_unfinished_configure(request.work_dir)
        (request.work_dir / SCRIPT_DIR).mkdir(parents=True, exist_ok=True)
        return super().prepare_recipe(request)

    def recipe_for_build(self, recipe: Recipe, request: RecipeRequest) -> Recipe:
        """Run the script in ``<workDirectory>/work``, as pixi does: its ``build`` folder (CMake's
        cache, ninja's state) survives there, so a rebuild recompiles only what changed."""
        return recipe.with_script(cwd=str(request.work_dir / SCRIPT_DIR))

    def build_input_globs(self, config: CMakeConfig, work_dir: Path, editable: bool) -> list[str]:
        return inputs.build_input_globs(self._build_dir(work_dir), config.extra_input_globs)

    def explain_failure(self, exc: BuildFailedError, request: RecipeRequest) -> BuildFailedError:
        """Forget a configure that did not finish, and lead with the compiler's own error."""
        self._forget_unfinished_configure(request.work_dir)
        summary = compiler_error(exc.log)
        if summary is None:
            return exc
        headline = exc.message.split("\n", 1)[0]
        return BuildFailedError(f"{summary}\n\n{headline}", log=exc.log)

    # -- helpers ---------------------------------------------------------------------

    def _build_dir(self, work_dir: Path) -> Path | None:
        """The script's ``build`` folder (none for an empty path: upstream's test of the fallback)."""
        if not str(work_dir) or str(work_dir) == ".":
            return None
        return work_dir / SCRIPT_DIR / BUILD_DIR

    def _forget_unfinished_configure(self, work_dir: Path) -> None:
        """Without ``build.ninja`` the next build configures again; a ``CMakeCache.txt``
        left by a failed or interrupted attempt would make it trust that attempt's findings."""
        build_dir = self._build_dir(work_dir)
        if build_dir is not None and build_dir.is_dir() and not (build_dir / "build.ninja").is_file():
            shutil.rmtree(build_dir, ignore_errors=True)

    def _check_cmakelists(self) -> None:
        if not (self.source_dir / "CMakeLists.txt").is_file():
            raise BuildFailedError(
                f"{self.source_dir / 'CMakeLists.txt'} does not exist: pixi-build-cmake builds a CMake project "
                "from the package directory",
                help="add a CMakeLists.txt next to the package's pixi.toml, "
                "or use another build backend in [package.build.backend]",
            )


def create(params) -> CMakeBackend:
    return CMakeBackend(params)
