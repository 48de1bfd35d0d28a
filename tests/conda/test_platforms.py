"""kiln.conda.platforms: the hand-written platform facts agree with rattler's."""

from __future__ import annotations

import pytest
from rattler import Subdir as Platform

from kiln.conda.platforms import KNOWN_PLATFORMS, current_platform, family, is_unix, selector_matches


def test_current_platform_is_rattlers() -> None:
    assert current_platform() == str(Platform.current())


def test_known_platforms_are_all_platforms_rattler_knows() -> None:
    assert KNOWN_PLATFORMS <= {str(p) for p in Platform.all()}
    assert {"noarch", "linux-64", "osx-arm64", "win-64"} <= KNOWN_PLATFORMS


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("linux-64", "linux"), ("linux-aarch64", "linux"), ("osx-arm64", "osx"), ("win-64", "win"),
     ("noarch", None), ("emscripten-wasm32", None), ("freebsd-64", None)],
)  # fmt: skip
def test_family(platform: str, expected: str | None) -> None:
    assert family(platform) == expected


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("linux-64", True), ("osx-64", True), ("freebsd-64", True), ("emscripten-wasm32", True),
     ("win-64", False), ("noarch", False), ("wasi-wasm32", False)],
)  # fmt: skip
def test_is_unix(platform: str, expected: bool) -> None:
    assert is_unix(platform) is expected


def test_family_and_unix_agree_with_rattler_for_every_known_platform() -> None:
    for p in Platform.all():
        name = str(p)
        if name not in KNOWN_PLATFORMS or name == "noarch":
            continue
        assert (family(name) == "linux") is p.is_linux, name
        assert (family(name) == "osx") is p.is_osx, name
        assert (family(name) == "win") is p.is_windows, name
        assert is_unix(name) is p.is_unix, name


@pytest.mark.parametrize(
    ("selector", "platform", "ok"),
    [("unix", "linux-64", True), ("unix", "win-64", False), ("linux", "linux-aarch64", True),
     ("linux", "osx-64", False), ("win", "win-arm64", True), ("macos", "osx-arm64", True),
     ("osx", "osx-64", True), ("osx", "linux-64", False), ("linux-64", "linux-64", True),
     ("linux-64", "linux-aarch64", False), ("Linux-64", "linux-64", False)],
)  # fmt: skip
def test_selector_matches(selector: str, platform: str, ok: bool) -> None:
    assert selector_matches(selector, platform) is ok
