"""The render-and-build driver of every backend: one recipe in, protocol answers out.

A backend says what its recipe is (:meth:`RenderingBackend.prepare_recipe`) and,
optionally, its default variants, variant files, build input globs and how to
explain a failed build. The driver does the rest, the same way for both kinds of
backend -- a recipe generated from the project model (``GeneratingBackend``) and
a hand-written one (pixi-build-rattler-build):

* the request's platforms, decided here once (host from the request, as
  :func:`kiln.backend.platforms.request_platforms` says for ``conda/build_v1``);
* the effective configuration for the host platform;
* the variant configuration: defaults, then variant files, then the request's values;
* rendering with rattler-build, one output per variant, and the debug files;
* ``conda/outputs``: each rendered output as a protocol ``CondaOutput``;
* ``conda/build_v1``: the requested output built, with its input globs.

Light at import (pixi-build-rattler-build loads it during ``initialize``): the
recipe, rattler-build and pathlib modules are imported on the first request.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from kiln.backend.api import Backend
from kiln.backend.platforms import RequestPlatforms, request_platforms

if TYPE_CHECKING:
    from pathlib import Path

    from kiln.backend.outputs import RenderedOutput
    from kiln.errors import BuildFailedError
    from kiln.protocol import types as t


class RecipeRequest:
    """What a backend's recipe may depend on, for one protocol request.

    (Plain classes: a ``NamedTuple`` or dataclass here would cost every backend's
    start-up a few hundred microseconds.)
    """

    __slots__ = ("config", "platforms", "variant_keys", "variants", "editable", "channels", "work_dir", "for_build")

    def __init__(
        self,
        *,
        config: Any,
        platforms: RequestPlatforms,
        variant_keys: frozenset[str],
        variants: dict[str, list[Any]],
        editable: bool,
        channels: list[str],
        work_dir: Path,
        for_build: bool,
    ) -> None:
        self.config = config
        self.platforms = platforms
        self.variant_keys = variant_keys
        self.variants = variants
        self.editable = editable
        self.channels = channels
        self.work_dir = work_dir
        #: ``conda/build_v1`` (the recipe is built) rather than ``conda/outputs``.
        self.for_build = for_build


class PreparedRecipe:
    """A recipe file ready for rattler-build, and the globs that go with it."""

    __slots__ = ("path", "text", "v3", "metadata_input_globs", "build_input_globs", "experimental")

    def __init__(
        self,
        *,
        path: Path,
        text: str,
        v3: bool,
        metadata_input_globs: list[str],
        build_input_globs: list[str],
        experimental: bool = False,
    ) -> None:
        self.path = path
        #: What ``<work>/debug/recipe.yaml`` shows.
        self.text = text
        self.v3 = v3
        self.metadata_input_globs = metadata_input_globs
        self.build_input_globs = build_input_globs
        self.experimental = experimental


class RenderingBackend(Backend):
    """A backend whose outputs are what rattler-build renders from one recipe."""

    #: The ``[package.build.config]`` Struct (kebab-case keys, a ``merge(target)`` method).
    config_type: ClassVar[type]
    params: t.InitializeParams
    model: t.ProjectModel | None
    #: Dependencies the manifest says are built from source, by lower-case name.
    source_specs: dict[str, t.SourcePackageSpec] = {}
    #: The same build/host prefix paths in every build of one ``workDirectory``, for build
    #: scripts that keep state between builds (see :func:`kiln.backend.build.build_rendered`).
    incremental: ClassVar[bool] = False

    # -- hooks -------------------------------------------------------------------------

    @abstractmethod
    def prepare_recipe(self, request: RecipeRequest) -> PreparedRecipe:
        """The recipe file to render for this request."""

    def default_variants(self, host_platform: str) -> dict[str, list[Any]]:
        return {}

    def variant_files(self) -> list[Path]:
        """Variant files of the backend's own (read before the request's)."""
        return []

    def resolve_editable(self, requested: bool | None) -> bool:
        return bool(requested)

    def input_globs_for(
        self, request: RecipeRequest, recipe: PreparedRecipe, output: RenderedOutput, params: t.CondaBuildV1Params
    ) -> list[str]:
        """Files whose change means the built output is stale."""
        return list(recipe.build_input_globs)

    def explain_failure(self, exc: BuildFailedError, request: RecipeRequest) -> BuildFailedError:
        """A clearer account of a failed build (say, the installer's own error); default as is."""
        return exc

    # -- steps ---------------------------------------------------------------------------

    def config_for(self, platform: str) -> Any:
        from kiln.backend.config import effective_config

        return effective_config(self.config_type, self.params.configuration, self.params.target_configuration, platform)

    def outputs_platforms(self, params: t.CondaOutputsParams) -> RequestPlatforms:
        return RequestPlatforms(params.host_platform, params.build_platform)

    def _request(
        self,
        platforms: RequestPlatforms,
        variant_config: Any,
        *,
        config: Any,
        editable: bool,
        channels: list[str],
        work_directory: str,
        for_build: bool,
    ) -> RecipeRequest:
        from pathlib import Path

        return RecipeRequest(
            config=config,
            platforms=platforms,
            variant_keys=frozenset(variant_config.keys()),
            variants=variant_config.to_dict(),
            editable=editable,
            channels=channels,
            work_dir=Path(work_directory),
            for_build=for_build,
        )

    def render(self, request: RecipeRequest, recipe: PreparedRecipe, variant_config: Any) -> list[RenderedOutput]:
        """Render with rattler-build; two outputs of one name must differ in their variant."""
        from kiln.backend.debug import write_debug_recipes
        from kiln.backend.outputs import check_unique_variants, render_recipe

        model = self.model
        outputs = render_recipe(
            recipe.path,
            variant_config,
            host_platform=request.platforms.host,
            build_platform=request.platforms.build,
            experimental=recipe.experimental,
            v3=recipe.v3,
            build_string_prefix=model.build_string_prefix if model else None,
            build_number=model.build_number if model else None,
        )
        check_unique_variants(outputs)
        write_debug_recipes(request.work_dir, recipe.text, request.variants, (o.variant for o in outputs))
        return outputs

    # -- protocol ------------------------------------------------------------------------

    def conda_outputs(self, params: t.CondaOutputsParams) -> t.CondaOutputsResult:
        from kiln.backend.outputs import to_conda_output
        from kiln.backend.variants import build_variant_config
        from kiln.protocol import types as t

        platforms = self.outputs_platforms(params)
        config = self.config_for(platforms.host)
        variant_config = build_variant_config(
            defaults=self.default_variants(platforms.host),
            files=[*self.variant_files(), *(params.variant_files or [])],
            overrides=params.variant_configuration,
        )
        request = self._request(
            platforms, variant_config, config=config, editable=False, channels=list(params.channels),
            work_directory=params.work_directory, for_build=False,
        )  # fmt: skip
        recipe = self.prepare_recipe(request)
        outputs = self.render(request, recipe, variant_config)
        return t.CondaOutputsResult(
            outputs=[to_conda_output(o, outputs, source_specs=self.source_specs) for o in outputs],
            input_globs=list(recipe.metadata_input_globs),
        )

    def conda_build_v1(self, params: t.CondaBuildV1Params) -> t.CondaBuildV1Result:
        from kiln.backend.build import build_for_request
        from kiln.backend.outputs import find_output
        from kiln.backend.variants import build_variant_config, single_values
        from kiln.errors import BuildFailedError

        platforms = request_platforms(params)
        config = self.config_for(platforms.host)
        editable = self.resolve_editable(params.editable)
        variant_config = build_variant_config(
            defaults=self.default_variants(platforms.host),
            files=self.variant_files(),
            overrides=single_values(params.output.variant),
        )
        request = self._request(
            platforms, variant_config, config=config, editable=editable, channels=list(params.channels),
            work_directory=params.work_directory, for_build=True,
        )  # fmt: skip
        recipe = self.prepare_recipe(request)
        outputs = self.render(request, recipe, variant_config)
        output = find_output(outputs, params.output)
        try:
            result = build_for_request(output, params, [], incremental=self.incremental)
        except BuildFailedError as exc:
            explained = self.explain_failure(exc, request)
            if explained is exc:
                raise
            raise explained from None
        # after the build: a backend may read its inputs from the build's own records
        result.input_globs = self.input_globs_for(request, recipe, output, params)
        return result
