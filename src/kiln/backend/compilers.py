"""Compiler and C-stdlib requirements, and the variants every backend starts from.

``${{ compiler('<lang>') }}`` is resolved by rattler-build through the
``<lang>_compiler[_version]`` variants to ``<compiler>_<target_platform>``
packages; ``${{ stdlib('c') }}`` needs a ``c_stdlib`` variant, so it is only added
when one is configured (spec ``backends.md`` §1.6).
"""

from __future__ import annotations

from kiln.conda.platforms import family


def compiler_requirement(language: str) -> str:
    return "${{ compiler('" + language + "') }}"


STDLIB_C = "${{ stdlib('c') }}"


def default_compiler(platform: str, language: str) -> str:
    """The package rattler-build picks for ``compiler(language)`` without variants."""
    fam = family(platform)
    if language == "cuda":
        return "cuda-nvcc"
    if language == "fortran":
        return "gfortran"
    if language in ("c", "cxx"):
        if platform.startswith("emscripten"):
            return "emscripten"
        if fam == "osx":
            return "clang" if language == "c" else "clangxx"
        if fam == "win":
            return "vs2019"
        return "gcc" if language == "c" else "gxx"
    return language


def stdlib_for(language: str) -> str | None:
    """The stdlib a language's compiler implies: ``c`` for all but ``go-nocgo``."""
    return None if language == "go-nocgo" else "c"


def compiler_items(compilers: list[str], variant_keys: set[str] | frozenset[str]) -> list[str]:
    """``compiler(..)`` per language in order, then ``stdlib('c')`` when configured."""
    items = [compiler_requirement(lang) for lang in compilers]
    stdlibs = []
    for lang in compilers:
        std = stdlib_for(lang)
        if std is not None and std not in stdlibs:
            stdlibs.append(std)
    if "c" in stdlibs and "c_stdlib" in variant_keys:
        items.append(STDLIB_C)
    return items


def default_variants(host_platform: str) -> dict[str, list[str]]:
    """Variants the python/cmake/rust/mojo/ros backends start from."""
    fam = family(host_platform)
    variants: dict[str, list[str]] = {}
    if fam == "win":
        variants["c_compiler"] = ["vs2022"]
        variants["cxx_compiler"] = ["vs2022"]
    if fam in ("linux", "win"):
        variants["cuda_compiler"] = ["cuda-nvcc"]
    return variants
