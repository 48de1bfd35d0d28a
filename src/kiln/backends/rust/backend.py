"""pixi-build-rust: a conda package from a Cargo crate (spec ``backends.md`` §4).

The recipe is the one pixi's own backend generates: metadata from the model, then
Cargo.toml (with workspace inheritance); compilers ``rust`` and ``c`` unless
configured; ``sccache`` when a ``SCCACHE*`` variable is set (the backend's own
ones become secrets: names in the recipe, values never); and one ``cargo install``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from kiln.backend.compilers import compiler_items
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.globs import with_generated_excludes
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.recipe import Recipe, Script
from kiln.backend.rendering import PreparedRecipe, RecipeRequest
from kiln.backends.rust.build_script import BuildScript
from kiln.backends.rust.config import RustConfig
from kiln.backends.rust.failures import compiler_error
from kiln.backends.rust.metadata import CargoManifestError, CargoMetadataProvider, binary_targets, local_inputs
from kiln.conda.platforms import family
from kiln.errors import BuildFailedError
from kiln.protocol import types as t

#: What upstream's ``sccache_tools()`` adds to the build environment.
SCCACHE_TOOLS = ("sccache",)
#: Upstream's ``extract_input_globs_from_build``, before ``extra-input-globs``.
BUILD_GLOBS = ("**/*.rs", "Cargo.toml", "Cargo.lock", "build.rs")
#: cargo's target directory, kept in the build's work directory (see ``recipe_for_build``).
CARGO_TARGET = "cargo-target"


def sccache_keys(env: Mapping[str, str]) -> list[str]:
    return [key for key in env if key.startswith("SCCACHE")]


class RustBackend(GeneratingBackend):
    config_type = RustConfig

    def __init__(self, params: t.InitializeParams, *, system_env: Mapping[str, str] | None = None) -> None:
        super().__init__(params)
        # Only the names matter (and only SCCACHE* ones): values never leave the process.
        env = os.environ if system_env is None else system_env
        self.system_sccache = sorted(sccache_keys(env))

    def build_input_globs(self, config: RustConfig, work_dir: Path, editable: bool) -> list[str]:
        # cargo writes `target/` (build-script output included) next to the sources
        return with_generated_excludes([*BUILD_GLOBS, *config.extra_input_globs, "!target/**"])

    def prepare_recipe(self, request: RecipeRequest) -> PreparedRecipe:
        """Before a build, check the binaries ``cargo install`` would refuse only after solving
        (upstream generates the recipe regardless, so ``conda/outputs`` does too)."""
        if request.for_build and not request.config.ignore_cargo_manifest:
            provider = CargoMetadataProvider(self.manifest_root)
            self._check_binaries(self.manifest_root, provider.load() or {}, request.config.binaries)
        return super().prepare_recipe(request)

    def recipe_for_build(self, recipe: Recipe, request: RecipeRequest) -> Recipe:
        """Make the script's ``--target-dir target`` the work directory's ``cargo-target``.

        pixi runs the script in the ``conda/build_v1`` work directory itself, so cargo's
        ``target`` survives between builds and a rebuild compiles only what changed.
        rattler-build runs it in a fresh directory; a link from there to one kept in the
        work directory gives the same result (``kiln build --clean`` removes it).
        """
        keep = request.work_dir / CARGO_TARGET
        if family(request.platforms.build) == "win":
            link = f'if not exist "{keep}" mkdir "{keep}"\nmklink /J target "{keep}"'
        else:
            link = f'mkdir -p "{keep}" && ln -sfn "{keep}" target'
        return recipe.with_script(content=[link, *recipe.build.script.content])

    def explain_failure(self, exc: BuildFailedError, request: RecipeRequest) -> BuildFailedError:
        """Lead with rustc's (or cargo's) own first error instead of the log tail."""
        summary = compiler_error(exc.log)
        if summary is None:
            return exc
        headline = exc.message.split("\n", 1)[0]
        return BuildFailedError(f"{headline}\ncargo reported:\n{summary}", log=exc.log, help=exc.help)

    def generate_recipe(
        self,
        config: RustConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        root = self.manifest_root
        provider = CargoMetadataProvider(root, ignore=bool(config.ignore_cargo_manifest))
        provider.load()  # a missing, broken or virtual manifest fails here
        gen = GeneratedRecipe.from_model(self.model, provider)
        req = gen.recipe.requirements
        req.build.extend(compiler_items(config.effective_compilers, variant_keys))

        has_sccache = bool(sccache_keys(config.env) or self.system_sccache)
        secrets: set[str] = set()
        if has_sccache:
            req.build.extend(SCCACHE_TOOLS)  # unconditional, as upstream
            secrets.update(k for k in self.system_sccache if k not in config.env)
        secrets.update(gen.recipe.build.script.secrets)

        script = BuildScript(
            source_dir=str(root),
            windows=family(build_platform) == "win",
            has_sccache=has_sccache,
            extra_args=config.cargo_args,
        )
        gen.recipe.build.script = Script(env=self.script_env(config), secrets=sorted(secrets), content=[script.render()])
        gen.metadata_input_globs = provider.input_globs()
        if provider.manifest is not None:
            gen.build_input_globs = local_inputs(root, provider.manifest)
        return gen

    @staticmethod
    def _check_binaries(root: Path, manifest: dict, chosen: list[str]) -> None:
        """Fail before building on what ``cargo install`` would refuse after solving."""
        found = binary_targets(root, manifest)
        name = (manifest.get("package") or {}).get("name", root.name)
        if not found:
            raise CargoManifestError(
                f"crate `{name}` ({root / 'Cargo.toml'}) has no binary targets: `cargo install` has nothing to install",
                help="pixi-build-rust packages a crate's programs: add `src/main.rs` or a [[bin]] target; "
                "a library crate is used as a cargo path dependency of the crate that is packaged",
            )
        missing = [b for b in chosen if b not in found]
        if missing:
            raise CargoManifestError(
                f"`binaries` names {', '.join(f'`{m}`' for m in missing)}, but crate `{name}` has no such binary "
                f"(its binaries: {', '.join(f'`{f}`' for f in found)})",
                help="fix `binaries` in [package.build.config] or remove it to install every binary",
            )


def create(params: t.InitializeParams) -> RustBackend:
    return RustBackend(params)
