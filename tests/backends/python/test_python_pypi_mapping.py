"""PyPI -> conda mapping (§2.5): user map, cache, channel order, markers, versions.

No test reaches the mapping service: lookups come from a pre-seeded cache or a
fake fetch function, and the real fetcher is exercised against a fake ``urlopen``.
"""

from __future__ import annotations

import io
import json
import os
import time
import urllib.error
from pathlib import Path

import pytest
from tests.backends.python.pyhelpers import backend_factory, recipe_data  # noqa: F401 (fixture)

from kiln.backends.python import pypi_mapping as pm


def lookup(name: str, conda: str) -> dict:
    return {"format_version": "1", "channel": "c", "pypi_name": name, "conda_versions": {"1": conda}}


class FakeService:
    """Answers from a dict per channel; records every call."""

    def __init__(self, answers: dict[str, dict[str, str]], failing: set[str] = frozenset()) -> None:
        self.answers = answers
        self.failing = failing
        self.calls: list[tuple[str, str]] = []

    def __call__(self, channel: str, name: str) -> dict:
        self.calls.append((channel, name))
        if channel in self.failing:
            raise pm.MappingError("connection refused")
        if name not in self.answers.get(channel, {}):
            raise pm.PackageNotMapped(name)
        return lookup(name, self.answers[channel][name])


def run(reqs, fetch, *, channels=("https://prefix.dev/conda-forge",), cache=None, platform="linux-64", user=None):
    return pm.map_requirements(
        list(reqs), channels=list(channels), cache_dir=cache, platform=platform, user_map=user, fetch=fetch
    )


def test_service_answers_are_cached_and_reused(tmp_path: Path) -> None:
    service = FakeService({"conda-forge": {"requests": "requests"}})
    assert run(["requests>=2"], service, cache=tmp_path) == ["requests >=2"]
    cached = tmp_path / "pypi-conda-mapping" / "conda-forge" / "requests.json"
    assert json.loads(cached.read_text())["conda_versions"] == {"1": "requests"}
    assert run(["requests>=2"], service, cache=tmp_path) == ["requests >=2"]
    assert service.calls == [("conda-forge", "requests")]


def test_a_day_old_cache_entry_is_refreshed(tmp_path: Path) -> None:
    directory = tmp_path / "pypi-conda-mapping" / "conda-forge"
    directory.mkdir(parents=True)
    stale = directory / "requests.json"
    stale.write_text(json.dumps(lookup("requests", "old-name")))
    old = time.time() - 25 * 3600
    os.utime(stale, (old, old))
    service = FakeService({"conda-forge": {"requests": "requests"}})
    assert run(["requests"], service, cache=tmp_path) == ["requests"]
    assert service.calls == [("conda-forge", "requests")]


def test_without_a_cache_dir_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    """Not in the working directory, nor in any default cache location: tmp_path is all of them."""
    monkeypatch.chdir(tmp_path)
    for var in ("HOME", "XDG_CACHE_HOME", "PIXI_CACHE_DIR", "RATTLER_CACHE_DIR", "TMPDIR"):
        monkeypatch.setenv(var, str(tmp_path))
    service = FakeService({"conda-forge": {"rich": "rich"}})
    assert run(["rich"], service) == ["rich"]
    assert run(["rich"], service) == ["rich"]
    assert service.calls == [("conda-forge", "rich")] * 2  # nothing cached anywhere, so asked twice
    assert list(tmp_path.rglob("*")) == []


def test_unknown_package_is_skipped_others_are_kept(capsys) -> None:
    service = FakeService({"conda-forge": {"rich": "rich"}})
    assert run(["not-on-conda", "rich"], service) == ["rich"]
    assert "not-on-conda" in capsys.readouterr().err


def test_failing_channel_falls_through_to_the_next() -> None:
    service = FakeService({"mirror": {"rich": "rich"}}, failing={"conda-forge"})
    channels = ["https://prefix.dev/conda-forge", "file:///srv/channels/mirror/"]
    assert run(["rich"], service, channels=channels) == ["rich"]


def test_first_channel_that_maps_something_wins() -> None:
    service = FakeService({"first": {}, "second": {"rich": "rich-second"}, "third": {"rich": "rich-third"}})
    assert run(["rich"], service, channels=["x/first", "x/second", "x/third"]) == ["rich-second"]


def test_the_last_conda_name_of_the_lookup_is_used() -> None:
    def fetch(channel, name):
        return {"conda_versions": {"0.1": "py-thing", "0.2": "thing"}}

    assert run(["thing"], fetch) == ["thing"]


def test_invalid_conda_name_fails_the_channel(capsys) -> None:
    assert run(["thing"], lambda c, n: lookup(n, "not a name!")) == []
    assert "invalid conda package name" in capsys.readouterr().err


def test_user_map_comes_first_and_avoids_the_service() -> None:
    service = FakeService({"conda-forge": {"rich": "rich"}})
    user = {"Torch": "pytorch", "internal_pkg": False, "gone": None}
    result = run(["rich", "torch>=2", "internal-pkg", "gone"], service, user=user)
    assert result == ["pytorch >=2", "rich"]
    assert service.calls == [("conda-forge", "rich")]


def test_invalid_user_map_values_and_keys(capsys) -> None:
    service = FakeService({"conda-forge": {"torch": "pytorch"}})
    assert run(["torch"], service, user={"torch": "Not Valid", "not a key!": "x"}) == ["pytorch"]
    err = capsys.readouterr().err
    assert "not a valid conda package name" in err and "not a valid PyPI package name" in err


def test_colliding_user_keys_last_wins(capsys) -> None:
    assert run(["my-pkg"], FakeService({}), user={"My_Pkg": "first", "my.pkg": "second"}) == ["second"]
    assert "later entry wins" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("requirement", "linux", "windows", "osx_arm"),
    [
        ("pywin32; sys_platform == 'win32'", False, True, False),
        ("uvloop; sys_platform != 'win32'", True, False, True),
        ("appnope; platform_system == 'Darwin' and platform_machine == 'arm64'", False, False, True),
        ("tomli; python_version < '3.11'", False, False, False),
        ("extra-thing; extra == 'test'", False, False, False),
    ],
)
def test_markers_on_platform_specific_packages(requirement, linux, windows, osx_arm) -> None:
    req = pm.PypiRequirement.parse(requirement)
    assert (req.applies_to("linux-64"), req.applies_to("win-64"), req.applies_to("osx-arm64")) == (
        linux,
        windows,
        osx_arm,
    )


def test_unknown_platform_is_treated_like_linux_64() -> None:
    assert pm.PypiRequirement.parse("x; platform_machine == 'x86_64'").applies_to("freebsd-64")


@pytest.mark.parametrize(
    ("requirement", "conda"),
    [
        ("pkg", "pkg"),
        ("pkg>=1.0,<2.0", "pkg >=1.0,<2.0"),
        ("pkg (>= 1.0, < 2.0)", "pkg >=1.0,<2.0"),
        ("pkg<2,>=1", "pkg <2,>=1"),
        ("pkg===1.0.0", "pkg ==1.0.0"),
        ("pkg~=1.4.2", "pkg ~=1.4.2"),
        ("pkg==2.*", "pkg 2.*"),
        ("pkg[extra]>=1", "pkg >=1"),
        ("pkg @ https://example.com/pkg-1.0.tar.gz", "pkg"),
    ],
)
def test_versions(requirement, conda) -> None:
    assert pm.PypiRequirement.parse(requirement).as_conda("pkg") == conda


def test_mapping_through_the_backend_uses_the_host_platform_when_compiled(backend_factory, tmp_path) -> None:
    """Not noarch (compilers): markers are evaluated for the host platform instead of dropped."""
    service = FakeService({"conda-forge": {"pywin32": "pywin32", "uvloop": "uvloop"}})
    backend = backend_factory(
        model={"targets": {"defaultTarget": {}}},
        pyproject='[project]\nname = "p"\nversion = "1"\n'
        "dependencies = [\"pywin32; sys_platform == 'win32'\", \"uvloop; sys_platform != 'win32'\"]\n",
        config={"ignore-pypi-mapping": False, "compilers": ["c"]},
        fetch=service,
    )
    channels = ["https://prefix.dev/conda-forge"]
    assert recipe_data(backend, channels=channels)["requirements"]["run"] == ["python", "uvloop"]
    assert recipe_data(backend, host_platform="win-64", channels=channels)["requirements"]["run"] == [
        "python",
        "pywin32",
    ]


# -- the real fetcher, against a fake urlopen ----------------------------------------------


def test_fetch_from_service(monkeypatch) -> None:
    seen = []

    def fake_urlopen(url, timeout):
        seen.append(url)
        if url.endswith("/missing.json"):
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        if url.endswith("/broken.json"):
            raise urllib.error.URLError("no route to host")
        return io.BytesIO(json.dumps(lookup("rich", "rich")).encode())

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    assert pm.fetch_from_service("conda-forge", "rich")["conda_versions"] == {"1": "rich"}
    assert seen == ["https://conda-mapping.prefix.dev/pypi-to-conda-v1/conda-forge/rich.json"]
    with pytest.raises(pm.PackageNotMapped):
        pm.fetch_from_service("conda-forge", "missing")
    with pytest.raises(pm.MappingError, match="no route to host"):
        pm.fetch_from_service("conda-forge", "broken")
