"""The shared driver of every recipe-generating backend (upstream's "intermediate backend").

A language backend subclasses :class:`GeneratingBackend` and supplies:

* ``config_type`` -- its configuration Struct (kebab-case keys, a ``merge`` method);
* :meth:`generate_recipe` -- the recipe for the project model, config and platform;
* optionally :meth:`default_variants`, :meth:`build_input_globs` and
  :meth:`input_globs_from_packages` (spec ``backends.md`` §1.7 and §1.9).

The driver does the rest: per-target configuration, variant assembly, writing the
debug recipe files, rendering with rattler-build into ``conda/outputs`` and
building the requested output for ``conda/build_v1``.
"""

from __future__ import annotations

import dataclasses
import shutil
from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from kiln.backend.api import Backend
from kiln.backend.compilers import default_variants
from kiln.backend.debug import write_debug_recipes, write_recipe_files
from kiln.backend.config import effective_config, validate_initialize
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.platforms import request_platforms
from kiln.backend.recipe import item_names
from kiln.backend.specs import solvable_requirements
from kiln.protocol import types as t


class GeneratingBackend(Backend):
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
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        """The recipe for this package on ``host_platform``."""

    def default_variants(self, host_platform: str) -> dict[str, list[Any]]:
        return default_variants(host_platform)

    def build_input_globs(self, config: Any, work_dir: Path, editable: bool) -> list[str]:
        """Files whose change means a rebuild (``extract_input_globs_from_build``)."""
        return []

    def input_globs_from_packages(self, config: Any, package_names: set[str]) -> list[str]:
        """Extra build globs implied by packages in the build/host environments."""
        return []

    def resolve_editable(self, requested: bool | None) -> bool:
        return bool(requested)

    # -- plumbing ----------------------------------------------------------------------

    def config_for(self, platform: str) -> Any:
        return effective_config(self.config_type, self.params.configuration, self.params.target_configuration, platform)

    def _render(
        self,
        work_dir: Path,
        gen: GeneratedRecipe,
        variant_config: Any,
        host_platform: str,
        build_platform: str,
        *,
        for_build: bool = False,
    ):
        from kiln.backend.outputs import check_unique_variants, render_recipe

        variants = variant_config.to_dict()
        text = gen.recipe.to_yaml()
        # a dedicated directory for rattler-build: it packages the recipe directory's files
        recipe_dir = work_dir / "recipe"
        handed = text
        if for_build:
            # start clean: rattler-build packages every file of an earlier build left here
            shutil.rmtree(recipe_dir, ignore_errors=True)
            if gen.recipe.about.license_file:
                from kiln.backend.licenses import with_staged_license_files

                # rattler-build copies license files only from beside the recipe (see licenses.py)
                recipe_dir.mkdir(parents=True)
                handed = with_staged_license_files(gen.recipe, recipe_dir, self.source_dir).to_yaml()
        recipe_path = write_recipe_files(recipe_dir, handed, variants)
        outputs = render_recipe(
            recipe_path,
            variant_config,
            host_platform=host_platform,
            build_platform=build_platform,
            v3=gen.recipe.uses_v3_features(),
            build_string_prefix=self.model.build_string_prefix,
            build_number=self.model.build_number,
        )
        check_unique_variants(outputs)
        write_debug_recipes(work_dir, text, variants, (o.variant for o in outputs))
        return outputs

    # -- protocol ------------------------------------------------------------------------

    def conda_outputs(self, params: t.CondaOutputsParams) -> t.CondaOutputsResult:
        from kiln.backend.outputs import to_conda_output
        from kiln.backend.variants import build_variant_config

        host = params.host_platform
        config = self.config_for(host)
        variant_config = build_variant_config(
            defaults=self.default_variants(host),
            files=list(params.variant_files or []),
            overrides=params.variant_configuration,
        )
        gen = self.generate_recipe(
            config,
            host_platform=host,
            variant_keys=frozenset(variant_config.keys()),
            editable=False,
            channels=list(params.channels),
        )
        outputs = self._render(Path(params.work_directory), gen, variant_config, host, params.build_platform)
        return t.CondaOutputsResult(
            outputs=[to_conda_output(o, outputs) for o in outputs],
            input_globs=list(gen.metadata_input_globs),
        )

    def conda_build_v1(self, params: t.CondaBuildV1Params) -> t.CondaBuildV1Result:
        from kiln.backend.build import build_for_request
        from kiln.backend.outputs import find_output
        from kiln.backend.variants import build_variant_config, single_values

        host, build_platform = request_platforms(params)
        config = self.config_for(host)
        editable = self.resolve_editable(params.editable)
        variant_config = build_variant_config(
            defaults=self.default_variants(host), overrides=single_values(params.output.variant)
        )
        gen = self.generate_recipe(
            config,
            host_platform=host,
            variant_keys=frozenset(variant_config.keys()),
            editable=editable,
            channels=list(params.channels),
        )
        work_dir = Path(params.work_directory)
        # rattler-build solves the build/host environments itself: source dependencies
        # are found by name in the channels (the front end's workspace channel)
        gen.recipe = dataclasses.replace(gen.recipe, requirements=solvable_requirements(gen.recipe.requirements))
        outputs = self._render(work_dir, gen, variant_config, host, build_platform, for_build=True)
        output = find_output(outputs, params.output)
        globs = self.build_input_globs(config, work_dir, editable)
        globs += self.input_globs_from_packages(config, _environment_names(params, output))
        globs += [g for g in gen.build_input_globs if g not in globs]
        return build_for_request(output, params, globs)

    def render_recipe(self, host_platform: str, build_platform: str) -> str:
        config = self.config_for(host_platform)
        defaults = self.default_variants(host_platform)
        gen = self.generate_recipe(
            config, host_platform=host_platform, variant_keys=frozenset(defaults), editable=False, channels=[]
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
