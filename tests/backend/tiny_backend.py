"""A whole backend on the SDK: config, generator, script template, globs -- nothing else."""

from __future__ import annotations

import msgspec

from kiln.backend.compilers import compiler_items
from kiln.backend.config import merge_map, override, replace_if_nonempty
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.globs import compiler_globs, with_generated_excludes
from kiln.backend.intermediate import GeneratingBackend
from kiln.conda.platforms import family
from kiln.backend.recipe import Script

SCRIPT = {"unix": 'mkdir -p "$PREFIX/share/{name}" && echo {version} > "$PREFIX/share/{name}/VERSION"',
          "win": 'mkdir "%PREFIX%\\share\\{name}" && echo {version}> "%PREFIX%\\share\\{name}\\VERSION"'}  # fmt: skip


class TinyConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    env: dict[str, str] = {}
    compilers: list[str] | None = None
    extra_input_globs: list[str] = []

    def merge(self, t: TinyConfig) -> TinyConfig:
        return TinyConfig(merge_map(self.env, t.env), override(self.compilers, t.compilers),
                          replace_if_nonempty(self.extra_input_globs, t.extra_input_globs))  # fmt: skip


class TinyBackend(GeneratingBackend):
    config_type = TinyConfig

    def generate_recipe(self, config, *, host_platform, build_platform, variant_keys, editable, channels):
        gen = GeneratedRecipe.from_model(self.model)
        recipe = gen.recipe
        recipe.requirements.build.extend(compiler_items(config.compilers or [], variant_keys))
        template = SCRIPT["win" if family(build_platform) == "win" else "unix"]
        content = template.format(name=recipe.name, version=recipe.version)
        recipe.build.script = Script(env=self.script_env(config), secrets=recipe.build.script.secrets, content=[content])
        return gen

    def build_input_globs(self, config, work_dir, editable):
        return with_generated_excludes([*compiler_globs(config.compilers or []), *config.extra_input_globs])
