"""pixi-build-mojo: a conda package of Mojo binaries and a Mojo package (spec ``backends.md`` §5).

Binaries go to ``$PREFIX/bin``, the package to ``$PREFIX/lib/mojo``.

Nothing is read from a language manifest: the recipe is the model's, plus the
configured compilers (no mojo compiler is added: users declare ``mojo-compiler``),
and a script that builds the configured or derived bins and pkg.
"""

from __future__ import annotations

from pathlib import Path

from kiln.backend.compilers import compiler_items
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.recipe import Script
from kiln.backends.mojo import build_script
from kiln.backends.mojo.config import MojoConfig, derive, project_name

#: Mojo sources (legacy also listed ``🔥`` files; current does not).
GLOBS = ("**/*.mojo",)


class MojoBackend(GeneratingBackend):
    config_type = MojoConfig

    def build_input_globs(self, config: MojoConfig, work_dir: Path, editable: bool) -> list[str]:
        return [*GLOBS, *config.extra_input_globs]

    def generate_recipe(
        self,
        config: MojoConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        gen = GeneratedRecipe.from_model(self.model)
        recipe = gen.recipe
        artifacts = derive(config, self.source_dir, project_name(recipe.name))
        recipe.requirements.build.extend(compiler_items(config.compilers or [], variant_keys))
        recipe.build.script = Script(
            env=self.script_env(config),
            secrets=list(recipe.build.script.secrets),
            content=[build_script.render(artifacts)],
        )
        gen.build_input_globs = list(GLOBS)
        return gen


def create(params) -> MojoBackend:
    return MojoBackend(params)
