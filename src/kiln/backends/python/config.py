"""``[package.build.config]`` of pixi-build-python: the options, their defaults and target merging.

Option names, defaults and per-target merge rules are upstream's (spec ``backends.md``
§2.1). Unset options stay ``None`` so that a target configuration can tell "not
given" from "given as the default" when it is merged into the base.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from kiln.backend.config import merge_map, override, replace_if_nonempty

Installer = Literal["uv", "pip"]

#: What ``skip-pyc-compilation = true`` means: every Python source file.
SKIP_ALL_PYC = ["**/*.py"]


class PythonConfig(msgspec.Struct, rename="kebab", forbid_unknown_fields=True, omit_defaults=True):
    noarch: bool | None = None
    env: dict[str, str] = {}
    extra_args: list[str] = []
    extra_input_globs: list[str] = []
    compilers: list[str] | None = None
    ignore_pyproject_manifest: bool | None = None
    ignore_pypi_mapping: bool | None = None
    #: PyPI name -> conda name; ``False`` (or ``null``) drops the requirement.
    pypi_conda_map: dict[str, str | bool | None] | None = None
    abi3: bool | None = None
    skip_pyc_compilation: bool | list[str] | None = None
    installer: Installer | None = None

    def __post_init__(self) -> None:
        for name, value in (self.pypi_conda_map or {}).items():
            if value is True:
                # A ValueError becomes msgspec's ValidationError, so the caller's
                # "failed to parse ..." context is added like for any other mistake.
                raise ValueError(
                    f"`pypi-conda-map.{name}`: `true` is not supported; "
                    "use a conda package name to map the package, or `false` to drop the dependency"
                )

    # -- effective values ----------------------------------------------------------

    @property
    def effective_installer(self) -> Installer:
        """uv unless pip was asked for: upstream's default regardless of the dependencies."""
        return self.installer or "uv"

    @property
    def reads_pyproject(self) -> bool:
        return not self.ignore_pyproject_manifest

    @property
    def pypi_mapping_enabled(self) -> bool:
        """The PyPI -> conda mapping is opt-in: ``ignore-pypi-mapping`` defaults to true."""
        return self.ignore_pypi_mapping is False

    @property
    def skip_pyc_globs(self) -> list[str]:
        if self.skip_pyc_compilation is True:
            return list(SKIP_ALL_PYC)
        if isinstance(self.skip_pyc_compilation, list):
            return list(self.skip_pyc_compilation)
        return []

    # -- merging ---------------------------------------------------------------------

    def merge(self, target: PythonConfig) -> PythonConfig:
        """This (base) configuration with a ``[package.build.target.<sel>.config]`` applied."""
        if self.pypi_conda_map is None and target.pypi_conda_map is None:
            conda_map = None
        else:
            conda_map = merge_map(self.pypi_conda_map or {}, target.pypi_conda_map or {})
        return PythonConfig(
            noarch=override(self.noarch, target.noarch),
            env=merge_map(self.env, target.env),
            extra_args=replace_if_nonempty(self.extra_args, target.extra_args),
            extra_input_globs=replace_if_nonempty(self.extra_input_globs, target.extra_input_globs),
            # A target `compilers = []` is set, so it clears the base list.
            compilers=list(target.compilers) if target.compilers is not None else self.compilers,
            ignore_pyproject_manifest=override(self.ignore_pyproject_manifest, target.ignore_pyproject_manifest),
            ignore_pypi_mapping=override(self.ignore_pypi_mapping, target.ignore_pypi_mapping),
            pypi_conda_map=conda_map,
            abi3=override(self.abi3, target.abi3),
            # An empty list or `false` in a target cannot clear the base globs.
            skip_pyc_compilation=target.skip_pyc_compilation if target.skip_pyc_globs else self.skip_pyc_compilation,
            installer=override(self.installer, target.installer),
        )
