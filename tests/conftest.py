"""Shared fixtures: an isolated package cache, the upstream data, backend helpers.

Every test runs with ``RATTLER_CACHE_DIR`` in a session temp dir and with HTTP(S)
proxies pointing at a closed local port, so nothing can quietly reach a conda
channel: builds resolve from local channels only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
UPSTREAM = TESTS / "data" / "upstream"
PROJECTS = TESTS / "projects"
BIN = Path(sys.executable).parent

#: A local port nothing listens on: any proxied request fails at once.
CLOSED_PROXY = "http://127.0.0.1:9"


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory):
    cache = tmp_path_factory.mktemp("rattler-cache")
    saved = {k: os.environ.get(k) for k in ("RATTLER_CACHE_DIR", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
                                            "https_proxy", "NO_PROXY", "no_proxy", "PIXI_CACHE_DIR")}  # fmt: skip
    os.environ["RATTLER_CACHE_DIR"] = str(cache)
    os.environ.pop("PIXI_CACHE_DIR", None)
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ[key] = CLOSED_PROXY
    os.environ.pop("NO_PROXY", None)
    os.environ.pop("no_proxy", None)
    for key in ("PIXI_BUILD_BACKEND_OVERRIDE", "PIXI_BUILD_BACKEND_OVERRIDE_ALL", "BUILD_EDITABLE_PYTHON", "UV_CACHE_DIR"):
        os.environ.pop(key, None)
    yield cache
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def upstream() -> Path:
    """The copied upstream fixtures (see tests/data/upstream/PROVENANCE.md)."""
    return UPSTREAM


@pytest.fixture(scope="session")
def projects() -> Path:
    return PROJECTS


def backend_exe(name: str) -> str:
    """Path of one of kiln's backend executables in the test environment."""
    exe = BIN / name
    assert exe.exists(), f"{exe} missing: install kiln into the test environment (pip install -e .)"
    return str(exe)


def kiln_exe() -> str:
    return backend_exe("kiln")


@pytest.fixture(scope="session")
def local_channel(_isolated_environment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An offline channel made once per session by ``kiln channel bootstrap`` (every kind the host has).

    Its ``variants.yaml`` (pass it with ``-m``) makes ``compiler(..)`` and ``stdlib('c')``
    resolve to the channel's shims. Treat it as read-only: copy it to change it. Besides
    the default build tools it holds :data:`EXTRA_BUILD_BACKENDS` (the real-world sdists
    of ``tests/data/sdists`` need them; they are in kiln's ``dev`` extra).
    """
    from tests.helpers import run_kiln

    channel = tmp_path_factory.mktemp("local-channel") / "channel"
    run_kiln("channel", "bootstrap", str(channel), "--quiet", *EXTRA_BOOTSTRAP_ARGS)
    return channel


#: PEP 517 backends (and plugins) beyond bootstrap's defaults that the session channel packages.
EXTRA_BUILD_BACKENDS = ("setuptools-scm", "flit-core", "hatch-vcs", "poetry-core")
#: The options that add them: a test that bootstraps the session channel again passes these.
EXTRA_BOOTSTRAP_ARGS = tuple(arg for name in EXTRA_BUILD_BACKENDS for arg in ("--python-package", name))
