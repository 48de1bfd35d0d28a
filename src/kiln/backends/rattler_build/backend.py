"""pixi-build-rattler-build: build a hand-written ``recipe.yaml`` as it is.

No recipe is generated (spec ``backends.md`` §8): single- and multi-output recipes,
``context``, jinja, ``if:`` selectors and ``variants.yaml`` are rattler-build's own.
The project model, when there is one, may only carry source dependencies: they
tell which recipe dependencies are built from workspace sources.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import msgspec

from kiln.backend.config import parse_config, replace_if_nonempty, validate_target_configs
from kiln.backend.rendering import PreparedRecipe, RecipeRequest, RenderingBackend
from kiln.backends import RECIPE_CANDIDATES, RECIPE_NAMES
from kiln.errors import ConfigurationError, KilnError
from kiln.protocol import types as t

if TYPE_CHECKING:
    from pathlib import Path

# What runs during `initialize` uses os.path only: pathlib costs a backend ~5 ms of
# start-up, and the recipe lookup needs none of it.


class RattlerBuildConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    extra_input_globs: list[str] = []
    experimental: bool | None = None
    recipe: str | None = None

    def merge(self, target: RattlerBuildConfig) -> RattlerBuildConfig:
        return RattlerBuildConfig(
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            experimental=self.experimental,
            recipe=self.recipe,
        )

    def check_target(self, selector: str) -> None:
        if self.experimental is not None:
            raise ConfigurationError(f"`experimental` cannot have a target specific value (target `{selector}`)")
        if self.recipe is not None:
            raise ConfigurationError(f"`recipe` cannot have a target specific value (target `{selector}`)")


def find_recipe(manifest_path: str | os.PathLike, source_dir: str | os.PathLike, configured: str | None) -> str:
    """The recipe file: the manifest itself, the configured one, or the first candidate."""
    manifest, source = os.fspath(manifest_path), os.fspath(source_dir)
    if os.path.basename(manifest) in RECIPE_NAMES and os.path.isfile(manifest):
        return manifest
    if configured:
        path = os.path.realpath(os.path.join(source, configured))
        if not os.path.isfile(path):
            raise ConfigurationError(f"the configured recipe `{configured}` does not exist ({path})")
        return path
    root = manifest if os.path.isdir(manifest) else os.path.dirname(manifest)
    for candidate in RECIPE_CANDIDATES:
        path = os.path.join(root, candidate)
        if os.path.isfile(path):
            return path
    raise KilnError(
        f"no recipe found for {manifest}: expected one of "
        + ", ".join(f"`{c}`" for c in RECIPE_CANDIDATES)
        + f" in {root}",
        help="add a recipe.yaml, or set `recipe` in [package.build.config]",
    )


def _check_model(model: t.ProjectModel | None) -> dict[str, t.SourcePackageSpec]:
    """Only source dependencies may appear in the manifest; returns them by name."""
    sources: dict[str, t.SourcePackageSpec] = {}
    if model is None:
        return sources
    for _cond, target in model.iter_targets():
        if target.run_exports is not t.UNSET and target.run_exports is not None:
            raise KilnError(
                "`[package.run-exports]` is not supported by pixi-build-rattler-build; "
                "declare run-exports in the recipe instead"
            )
        maps = [target.build_dependencies, target.host_dependencies, target.run_dependencies, target.run_constraints]
        if target.extra_dependencies is not t.UNSET and target.extra_dependencies:
            maps.extend(target.extra_dependencies.values())
        for deps in maps:
            for name, spec in (deps or {}).items():
                kind = spec.kind
                if kind == "binary":
                    raise KilnError(
                        f"Binary dependency '{name}' is not allowed in the manifest of a pixi-build-rattler-build "
                        "package; declare it in recipe.yaml (only source dependencies may be listed)"
                    )
                if kind != "source":
                    raise KilnError(
                        f"the pin on '{name}' is not allowed in the manifest; use "
                        "`${{ pin_subpackage(..) }}`/`${{ pin_compatible(..) }}` in recipe.yaml"
                    )
                sources[name.lower()] = spec.source  # type: ignore[assignment]
    return sources


_V3_KEYS = re.compile(r"^\s*-?\s*(extras|flags|when|condition)\s*:", re.M)


def recipe_uses_v3(text: str) -> bool:
    """Scan a user recipe for repodata-v3 features (spec §1.12)."""
    return bool(_V3_KEYS.search(text)) or "extras=" in text or "flags=" in text


class RattlerBuildBackend(RenderingBackend):
    config_type = RattlerBuildConfig

    def __init__(self, params: t.InitializeParams) -> None:
        self.params = params
        manifest = params.manifest_path
        self._manifest_root = manifest if os.path.isdir(manifest) else os.path.dirname(manifest)
        self._source_dir = params.source_directory or self._manifest_root
        self.model = params.project_model
        self.base_config = parse_config(RattlerBuildConfig, params.configuration)
        validate_target_configs(RattlerBuildConfig, params.target_configuration)
        self.source_specs = _check_model(self.model)
        self._recipe = find_recipe(manifest, self._source_dir, self.base_config.recipe)

    @property
    def manifest_root(self) -> Path:
        from pathlib import Path

        return Path(self._manifest_root)

    @property
    def source_dir(self) -> Path:
        from pathlib import Path

        return Path(self._source_dir)

    @property
    def recipe_path(self) -> Path:
        from pathlib import Path

        return Path(self._recipe)

    # -- the rendering base's hooks ----------------------------------------------

    def _variant_file_candidates(self) -> list[Path]:
        files = [self.recipe_path.parent / "variants.yaml"]
        if self.recipe_path.parent.resolve() != self.source_dir.resolve():
            files.append(self.source_dir / "variants.yaml")
        return files

    def variant_files(self) -> list[Path]:
        return [p for p in self._variant_file_candidates() if p.is_file()]

    def metadata_input_globs(self) -> list[str]:
        from kiln.backend.globs import relative_glob

        globs = [relative_glob(self.source_dir, p) for p in self._variant_file_candidates()]
        globs.append(relative_glob(self.manifest_root, self.recipe_path))
        return globs

    def prepare_recipe(self, request: RecipeRequest) -> PreparedRecipe:
        """The recipe file itself, as it is."""
        text = self.recipe_path.read_text(encoding="utf-8")
        return PreparedRecipe(
            path=self.recipe_path,
            text=text,
            v3=recipe_uses_v3(text),
            metadata_input_globs=self.metadata_input_globs(),
            build_input_globs=[],
            experimental=bool(request.config.experimental),
        )

    def input_globs_for(self, request: RecipeRequest, recipe: PreparedRecipe, output, params) -> list[str]:
        return self.build_input_globs(output.data, request.config)

    def build_input_globs(self, rendered_data: dict[str, Any], config: RattlerBuildConfig) -> list[str]:
        from pathlib import Path

        from kiln.backend.globs import relative_glob

        globs = [relative_glob(self.manifest_root, self.recipe_path.parent)]
        for source in rendered_data.get("source", []) or []:
            path = source.get("path") if isinstance(source, dict) else None
            if path:
                full = Path(path) if Path(path).is_absolute() else self.recipe_path.parent / path
                globs.append(relative_glob(self.manifest_root, full.resolve()))
        globs.extend(config.extra_input_globs)
        return globs

    def render_recipe(self, host_platform: str, build_platform: str) -> str:
        return self.recipe_path.read_text(encoding="utf-8")


def create(params: t.InitializeParams) -> RattlerBuildBackend:
    return RattlerBuildBackend(params)
