"""The base of every recipe-generating backend (upstream's "intermediate backend").

A language backend subclasses :class:`GeneratingBackend` and supplies:

* ``config_type`` -- its configuration Struct (kebab-case keys, a ``merge`` method);
  an ``env`` table in it is the ``[package.build.config] env`` option (:meth:`script_env`);
* :meth:`generate_recipe` -- the recipe for the project model, config and platforms,
  its build script rendered from the backend's template;
* optionally :meth:`default_variants`, :meth:`build_input_globs` and
  :meth:`input_globs_from_packages` (spec ``backends.md`` §1.7 and §1.9), using the
  shared globs of :mod:`kiln.backend.globs`, and
  :meth:`~kiln.backend.rendering.RenderingBackend.explain_failure`.

The rendering base (:mod:`kiln.backend.rendering`) does the rest: platforms,
per-target configuration, variants, rendering, debug files and the build.
"""

from __future__ import annotations

import dataclasses
import shutil
from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from kiln.backend.compilers import default_variants
from kiln.backend.config import validate_initialize
from kiln.backend.debug import write_recipe_files
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.recipe import Recipe, item_names
from kiln.backend.rendering import PreparedRecipe, RecipeRequest, RenderingBackend
from kiln.backend.specs import solvable_requirements
from kiln.protocol import types as t


class GeneratingBackend(RenderingBackend):
    """Backend whose recipe is generated from the project model."""

    config_type: ClassVar[type]
    #: Whether a project model is mandatory (it is for every upstream generating backend).
    requires_project_model: ClassVar[bool] = True

    def __init__(self, params: t.InitializeParams) -> None:
        self.base_config = validate_initialize(self.config_type, params, require_model=self.requires_project_model)
        self.params = params
        self.model = params.project_model or t.ProjectModel()
        self.manifest_path = Path(params.manifest_path)
        self.manifest_root = self.manifest_path if self.manifest_path.is_dir() else self.manifest_path.parent
        if not self.manifest_root.is_absolute():
            self.manifest_root = self.manifest_root.absolute()
        self.source_dir = Path(params.source_directory) if params.source_directory else self.manifest_root
        self.cache_dir = Path(params.cache_directory) if params.cache_directory else None

    # -- hooks for the language backends -------------------------------------------

    @abstractmethod
    def generate_recipe(
        self,
        config: Any,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        """The recipe for this package on ``host_platform``, built on ``build_platform``."""

    def default_variants(self, host_platform: str) -> dict[str, list[Any]]:
        return default_variants(host_platform)

    def build_input_globs(self, config: Any, work_dir: Path, editable: bool) -> list[str]:
        """Files whose change means a rebuild (``extract_input_globs_from_build``)."""
        return []

    def input_globs_from_packages(self, config: Any, package_names: set[str]) -> list[str]:
        """Extra build globs implied by packages in the build/host environments."""
        return []

    def recipe_for_build(self, recipe: Recipe, request: RecipeRequest) -> Recipe:
        """The recipe handed to rattler-build for ``conda/build_v1`` (the debug files keep
        ``recipe``): a backend may point its script at state kept in the work directory."""
        return recipe

    # -- shared pieces for generate_recipe -----------------------------------------------

    def script_env(self, config: Any, entries: dict[str, str] | None = None) -> dict[str, str]:
        """The build script's env: the backend's own ``entries``, then the ``env`` option.

        A configured key overrides the backend's value but keeps its position (spec
        ``backends.md`` §1.8); values are not expanded.
        """
        env = dict(entries or {})
        env.update(getattr(config, "env", None) or {})
        return env

    # -- the rendering base's hooks --------------------------------------------------------

    def prepare_recipe(self, request: RecipeRequest) -> PreparedRecipe:
        gen = self.generate_recipe(
            request.config,
            host_platform=request.platforms.host,
            build_platform=request.platforms.build,
            variant_keys=request.variant_keys,
            editable=request.editable,
            channels=request.channels,
        )
        if request.for_build:
            # rattler-build solves the build/host environments itself: source dependencies
            # are found by name in the channels (the front end's workspace channel)
            gen.recipe = dataclasses.replace(gen.recipe, requirements=solvable_requirements(gen.recipe.requirements))
        text = gen.recipe.to_yaml()
        # a dedicated directory for rattler-build: it packages the recipe directory's files
        recipe_dir = request.work_dir / "recipe"
        handed = text
        if request.for_build:
            # start clean: rattler-build packages every file of an earlier build left here
            shutil.rmtree(recipe_dir, ignore_errors=True)
            for_build = self.recipe_for_build(gen.recipe, request)
            if for_build is not gen.recipe:
                handed = for_build.to_yaml()
            if for_build.about.license_file:
                from kiln.backend.licenses import with_staged_license_files

                # rattler-build copies license files only from beside the recipe (see licenses.py)
                recipe_dir.mkdir(parents=True)
                handed = with_staged_license_files(for_build, recipe_dir, self.source_dir).to_yaml()
        return PreparedRecipe(
            path=write_recipe_files(recipe_dir, handed, request.variants),
            text=text,
            v3=gen.recipe.uses_v3_features(),
            metadata_input_globs=list(gen.metadata_input_globs),
            build_input_globs=list(gen.build_input_globs),
        )

    def input_globs_for(
        self, request: RecipeRequest, recipe: PreparedRecipe, output: Any, params: t.CondaBuildV1Params
    ) -> list[str]:
        globs = self.build_input_globs(request.config, request.work_dir, request.editable)
        globs += self.input_globs_from_packages(request.config, _environment_names(params, output))
        globs += [g for g in recipe.build_input_globs if g not in globs]
        return globs

    def render_recipe(self, host_platform: str, build_platform: str) -> str:
        config = self.config_for(host_platform)
        defaults = self.default_variants(host_platform)
        gen = self.generate_recipe(
            config,
            host_platform=host_platform,
            build_platform=build_platform,
            variant_keys=frozenset(defaults),
            editable=False,
            channels=[],
        )
        return gen.recipe.to_yaml()


def _environment_names(params: t.CondaBuildV1Params, output: Any) -> set[str]:
    """Package names in the build/host environments: the caller's records if it sent
    prefixes, otherwise the rendered recipe's build/host requirement names."""
    names: set[str] = set()
    for prefix in (params.build_prefix, params.host_prefix):
        if prefix is not None:
            names.update(str(p.get("name", "")).lower() for p in prefix.packages)
    if names:
        return names
    req = output.data.get("requirements", {}) or {}
    for item in [*req.get("build", []), *req.get("host", [])]:
        if isinstance(item, str):
            names.update(item_names(item))
    return names
