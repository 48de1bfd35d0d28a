"""pixi-build-python: a conda package from a Python project, via pip or uv (spec ``backends.md`` §2).

The recipe is the one pixi's own backend generates: the model's requirements, then
the installer and python in ``host`` (python in ``run`` too, with
``requires-python``), compilers (configured or implied by the build backend),
``noarch: python`` unless something compiles, optional abi3 and PyPI mapping,
metadata and entry points from pyproject.toml, and a one-command install script.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kiln.backend.compilers import compiler_items
from kiln.backend.generated import GeneratedRecipe
from kiln.backend.intermediate import GeneratingBackend
from kiln.backend.rendering import RecipeRequest
from kiln.backend.recipe import PythonBuild, Script, item_names
from kiln.backends.python import globs
from kiln.backends.python.build_script import BuildScript
from kiln.backends.python.config import PythonConfig
from kiln.backends.python.failures import installer_error, missing_module
from kiln.backends.python.metadata import PYPROJECT, PyprojectMetadataProvider, entry_points, load_pyproject
from kiln.backends.python.pypi_mapping import Fetcher, detect_compilers, fetch_from_service, map_requirements
from kiln.conda.match_specs import format_spec
from kiln.conda.pep440 import conda_version_spec
from kiln.conda.platforms import family
from kiln.errors import BuildFailedError, ConfigurationError
from kiln.protocol import log
from kiln.protocol import types as t

#: ``BUILD_EDITABLE_PYTHON=true`` forces editable installs, any other value forbids them.
EDITABLE_ENV = "BUILD_EDITABLE_PYTHON"

#: python-abi3 pin when requires-python gives no ``>=`` lower bound.
DEFAULT_ABI3_PYTHON = "3.9"


def effective_editable(requested: bool | None) -> bool:
    """The request's editable flag unless ``BUILD_EDITABLE_PYTHON`` overrides it."""
    value = os.environ.get(EDITABLE_ENV)
    if value is not None:
        return value == "true"
    return bool(requested)


def python_requirement(requires_python: str | None) -> str:
    """``python`` constrained by ``requires-python`` (canonical match-spec spelling)."""
    if not requires_python:
        return "python"
    return format_spec("python", conda_version_spec(requires_python) or None)


def abi3_python_version(requires_python: str | None) -> str:
    """``M.m.*`` from the first ``>=`` bound of requires-python (``>=3.9.3`` -> ``3.9.*``)."""
    lower = DEFAULT_ABI3_PYTHON
    for part in (requires_python or "").split(","):
        part = part.strip()
        if part.startswith(">=") and not part.startswith(">=="):
            lower = part[2:]
            break
    return ".".join(lower.split(".")[:2]) + ".*"


def is_noarch(configured: bool | None, compilers: list[str]) -> bool:
    """Explicit ``noarch`` wins; otherwise noarch exactly when nothing is compiled."""
    if configured is not None:
        return configured
    return not compilers


class PythonBackend(GeneratingBackend):
    config_type = PythonConfig

    def __init__(
        self,
        params: t.InitializeParams,
        *,
        fetch: Fetcher = fetch_from_service,
    ) -> None:
        super().__init__(params)
        #: Read once at start-up, like upstream; an empty value counts as unset.
        self.uv_cache_dir = os.environ.get("UV_CACHE_DIR") or None
        self.fetch = fetch

    # -- GeneratingBackend hooks -------------------------------------------------------

    def resolve_editable(self, requested: bool | None) -> bool:
        return effective_editable(requested)

    def build_input_globs(self, config: PythonConfig, work_dir: Path, editable: bool) -> list[str]:
        return globs.build_globs(config.compilers or [], config.extra_input_globs, editable)

    def input_globs_from_packages(self, config: PythonConfig, package_names: set[str]) -> list[str]:
        return globs.cython_globs(package_names)

    def explain_failure(self, exc: BuildFailedError, request: RecipeRequest) -> BuildFailedError:
        """Lead with pip's or uv's own error instead of the raw log tail."""
        installer = request.config.effective_installer
        summary = installer_error(exc.log, installer)
        if summary is None:
            return exc
        headline = exc.message.split("\n", 1)[0]
        help_text = None
        module = missing_module(summary)
        if module is not None:
            help_text = (
                f"the build runs without build isolation, so `{module}` must be installed in the host "
                "environment: add the package that provides it to [package.host-dependencies]"
            )
        return BuildFailedError(f"{headline}\n{installer} reported:\n{summary}", log=exc.log, help=help_text)

    def generate_recipe(
        self,
        config: PythonConfig,
        *,
        host_platform: str,
        build_platform: str,
        variant_keys: frozenset[str],
        editable: bool,
        channels: list[str],
    ) -> GeneratedRecipe:
        root = self.source_dir
        provider = PyprojectMetadataProvider(root, ignore=not config.reads_pyproject)
        pyproject = provider.load()  # a missing or broken file fails here, naming file and line
        gen = GeneratedRecipe.from_model(self.model, provider)
        req = gen.recipe.requirements

        # Installer and python go to host (python to run as well), even when the
        # model already lists them: duplicate specs intersect in the solver.
        req.host.append(config.effective_installer)
        requires_python = provider.requires_python()
        python = python_requirement(requires_python)
        req.host.append(python)
        req.run.append(python)

        compilers = list(config.compilers or [])
        for detected in detect_compilers(provider.build_system_requires() or []):
            if detected not in compilers:
                compilers.append(detected)
        noarch = is_noarch(config.noarch, compilers)

        if config.abi3:
            if noarch:
                raise ConfigurationError(
                    "abi3 = true is incompatible with noarch packages. "
                    "The stable ABI is only meaningful for packages with compiled extensions.",
                    help='set `compilers` (e.g. ["c"]) or `noarch = false` in [package.build.config]',
                )
            if not any("python-abi3" in item_names(item) for item in req.host):
                req.host.append(f"python-abi3 {abi3_python_version(requires_python)}")
            if "python" not in req.ignore_run_exports_from_package:
                req.ignore_run_exports_from_package.append("python")

        if config.pypi_mapping_enabled:
            self._map_pypi_requirements(gen, provider, config, "noarch" if noarch else host_platform, channels)
        elif config.pypi_conda_map:
            log.warn("`pypi-conda-map` is set but `ignore-pypi-mapping` is not false; the map is not used")

        req.build.extend(compiler_items(compilers, variant_keys))

        editable = effective_editable(editable)
        script = BuildScript(
            installer=config.effective_installer,
            windows=family(build_platform) == "win",
            editable=editable,
            manifest_root=str(root),
            extra_args=list(config.extra_args),
        )
        build = gen.recipe.build
        build.noarch = "python" if noarch else None
        build.script = Script(
            env=self.script_env(config, self._uv_env(config)),
            secrets=list(build.script.secrets),
            content=[script.render()],
        )
        # Entry points come from any pyproject.toml present, even an ignored one.
        path = root / PYPROJECT
        if pyproject is None and path.is_file():
            pyproject = load_pyproject(path)
        build.python = PythonBuild(
            entry_points=entry_points(pyproject),
            skip_pyc_compilation=config.skip_pyc_globs,
            version_independent=True if config.abi3 else None,
        )

        gen.metadata_input_globs = provider.input_globs()
        gen.build_input_globs = [str(path)] if path.is_file() else []
        gen.build_input_globs += globs.project_globs(root, pyproject, editable)
        return gen

    # -- helpers -------------------------------------------------------------------------

    def _uv_env(self, config: PythonConfig) -> dict[str, str]:
        """``UV_CACHE_DIR`` for uv only: the process' own, else pixi's cache dir."""
        env: dict[str, str] = {}
        if config.effective_installer == "uv":
            if self.uv_cache_dir:
                env["UV_CACHE_DIR"] = self.uv_cache_dir
            elif self.cache_dir is not None:
                env["UV_CACHE_DIR"] = str(self.cache_dir / "uv-cache")
        return env

    def _map_pypi_requirements(
        self,
        gen: GeneratedRecipe,
        provider: PyprojectMetadataProvider,
        config: PythonConfig,
        platform: str,
        channels: list[str],
    ) -> None:
        req = gen.recipe.requirements
        common: dict[str, Any] = dict(
            channels=channels,
            cache_dir=self.cache_dir,
            platform=platform,
            user_map=config.pypi_conda_map,
            fetch=self.fetch,
        )
        dependencies = provider.project_dependencies()
        if dependencies:
            req.run.extend(map_requirements(dependencies, context="project", **common))
        build_requires = provider.build_system_requires()
        if build_requires:
            req.host.extend(map_requirements(build_requires, context="build-system", **common))


def create(params: t.InitializeParams) -> PythonBackend:
    return PythonBackend(params)
