"""A generated recipe and the skeleton every language backend starts from.

:meth:`GeneratedRecipe.from_model` implements spec ``backends.md`` §1.3: the name,
version, requirements and ``about`` section come from the project model, falling
back field by field to a :class:`MetadataProvider` (pyproject.toml, Cargo.toml,
DESCRIPTION, package.xml). The summary always comes from the provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiln.backend.recipe import About, Build, Recipe
from kiln.backend.specs import requirements_from_model
from kiln.conda.package_names import is_valid_package_name
from kiln.conda.urls import about_url
from kiln.conda.versions import is_valid_version
from kiln.errors import KilnError
from kiln.protocol import log
from kiln.protocol.types import UNSET, ProjectModel


class RecipeGenerationError(KilnError):
    """The project model (plus the provider's metadata) does not make a recipe."""


class MetadataProvider:
    """Answers package metadata the model leaves empty. The default knows nothing.

    Subclasses override what their file provides; each method may raise
    ``KilnError`` when its file cannot be read.
    """

    def name(self) -> str | None:
        return None

    def version(self) -> str | None:
        return None

    def homepage(self) -> str | None:
        return None

    def license(self) -> str | None:
        return None

    def license_files(self) -> list[str]:
        return []

    def summary(self) -> str | None:
        return None

    def description(self) -> str | None:
        return None

    def documentation(self) -> str | None:
        return None

    def repository(self) -> str | None:
        return None


@dataclass
class GeneratedRecipe:
    recipe: Recipe
    metadata_input_globs: list[str] = field(default_factory=list)
    build_input_globs: list[str] = field(default_factory=list)

    @classmethod
    def from_model(cls, model: ProjectModel | None, provider: MetadataProvider | None = None) -> GeneratedRecipe:
        provider = provider or MetadataProvider()
        model = model or ProjectModel()
        name = _first(model.name, provider.name, "name")
        if name is None or not name.strip():
            raise RecipeGenerationError(
                "There was no name defined for the recipe",
                help="give `name` in the [package] table of the pixi manifest",
            )
        name = name.strip().lower()
        if not is_valid_package_name(name):
            raise RecipeGenerationError(f"`{name}` is not a valid conda package name")
        version = _first(model.version, provider.version, "version")
        if version is None or not str(version).strip():
            raise RecipeGenerationError(
                "There was no version defined for the recipe",
                help='set `version` in `[package]` of the manifest (e.g. `version = "0.1.0"`): a version '
                "computed at build time (`dynamic = [\"version\"]` in pyproject.toml) is not read",
            )
        version = str(version).strip()
        if not is_valid_version(version):
            raise RecipeGenerationError(f"`{version}` is not a valid conda version")

        about = About(
            homepage=normalize_url(_first(model.homepage, provider.homepage, "homepage"), "homepage"),
            license=normalize_license(_first(model.license, provider.license, "license")),
            license_file=[model.license_file] if model.license_file else _query(provider.license_files, "license"),
            summary=_query(provider.summary, "summary"),
            description=_first(model.description, provider.description, "description"),
            documentation=normalize_url(
                _first(model.documentation, provider.documentation, "documentation"), "documentation"
            ),
            repository=normalize_url(_first(model.repository, provider.repository, "repository"), "repository"),
        )
        flags = [] if model.build_flags is UNSET or model.build_flags is None else list(model.build_flags)
        recipe = Recipe(
            name=name,
            version=version,
            build=Build(flags=flags),
            requirements=requirements_from_model(model),
            about=about,
        )
        if model.secrets is not UNSET and model.secrets:
            recipe.build.script.secrets = sorted(model.secrets)
        return cls(recipe=recipe)


def _query(method, what: str):
    try:
        return method()
    except KilnError as exc:
        raise RecipeGenerationError(f"An error occurred while querying the {what}: {exc}") from None


def _first(value, method, what: str):
    """The model's value, else the provider's (queried only when needed)."""
    if value is not None and value != "":
        return value
    return _query(method, what)


def normalize_url(value: str | None, what: str) -> str | None:
    """The URL as the WHATWG/`url` crate prints it (``kiln.conda.urls.about_url``), or None with a warning."""
    if value is None:
        return None
    try:
        return about_url(value)
    except ValueError:
        log.warn(f"the {what} `{value}` is not a valid URL; it is left out of the recipe")
        return None


def normalize_license(value: str | None) -> str | None:
    """An SPDX expression in canonical form, or None (with a warning) when invalid."""
    if value is None:
        return None
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    try:
        return str(canonicalize_license_expression(value))
    except InvalidLicenseExpression:
        log.warn(f"the license `{value}` is not a valid SPDX expression; it is left out of the recipe")
        return None
