"""pixi-build-python options: defaults, validation at initialize, and per-target merging (§2.1)."""

from __future__ import annotations

import pytest
from tests.backends.python.pyhelpers import backend_factory  # noqa: F401 (fixture)

from kiln.backend.config import parse_config
from kiln.backends.python.config import PythonConfig
from kiln.errors import ConfigurationError


def parse(raw):
    return parse_config(PythonConfig, raw)


def test_defaults() -> None:
    config = parse({})
    assert config.noarch is None
    assert config.env == {} and config.extra_args == [] and config.extra_input_globs == []
    assert config.compilers is None
    assert config.reads_pyproject
    assert config.effective_installer == "uv"
    assert not config.pypi_mapping_enabled  # ignore-pypi-mapping defaults to true
    assert config.pypi_conda_map is None and config.abi3 is None
    assert config.skip_pyc_globs == []


def test_every_option_is_accepted() -> None:
    config = parse(
        {
            "noarch": False,
            "env": {"A": "1"},
            "extra-args": ["-v"],
            "extra-input-globs": ["data/**"],
            "compilers": ["c"],
            "ignore-pyproject-manifest": True,
            "ignore-pypi-mapping": False,
            "pypi-conda-map": {"torch": "pytorch", "internal": False, "gone": None},
            "abi3": True,
            "skip-pyc-compilation": ["tests/**"],
            "installer": "pip",
        }
    )
    assert config.effective_installer == "pip"
    assert config.pypi_mapping_enabled
    assert config.skip_pyc_globs == ["tests/**"]
    assert not config.reads_pyproject


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"noarch": "yes"}, "noarch"),
        ({"env": ["A=1"]}, "env"),
        ({"env": {"A": 1}}, "env"),
        ({"extra-args": "-v"}, "extra-args"),
        ({"extra-input-globs": [1]}, "extra-input-globs"),
        ({"compilers": "c"}, "compilers"),
        ({"ignore-pyproject-manifest": 1}, "ignore-pyproject-manifest"),
        ({"ignore-pypi-mapping": "no"}, "ignore-pypi-mapping"),
        ({"pypi-conda-map": ["torch"]}, "pypi-conda-map"),
        ({"pypi-conda-map": {"torch": 3}}, "pypi-conda-map"),
        ({"abi3": "true"}, "abi3"),
        ({"skip-pyc-compilation": "tests/**"}, "skip-pyc-compilation"),
        ({"installer": "conda"}, "installer"),
    ],
)
def test_wrong_type_names_the_key(raw, key) -> None:
    with pytest.raises(ConfigurationError, match=f"failed to parse configuration: .*`\\$\\.{key}") as info:
        parse(raw)
    assert key in str(info.value)


def test_unknown_key_names_it_and_suggests() -> None:
    with pytest.raises(ConfigurationError, match="unknown field `extra-arg`") as info:
        parse({"extra-arg": ["-v"]})
    assert "did you mean `extra-args`?" in str(info.value)


def test_true_in_pypi_conda_map_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="`pypi-conda-map.torch`: `true` is not supported"):
        parse({"pypi-conda-map": {"torch": True}})


@pytest.mark.parametrize("key", ["debug-dir", "debug_dir"])
def test_debug_dir_is_accepted_and_ignored(key, capsys) -> None:
    assert parse({key: "/tmp/debug", "noarch": True}) == parse({"noarch": True})
    assert "deprecated" in capsys.readouterr().err


def test_skip_pyc_true_means_every_python_file() -> None:
    assert parse({"skip-pyc-compilation": True}).skip_pyc_globs == ["**/*.py"]
    assert parse({"skip-pyc-compilation": False}).skip_pyc_globs == []


# -- merging ---------------------------------------------------------------------------


def merged(base, target) -> PythonConfig:
    return parse(base).merge(parse(target))


def test_empty_target_keeps_everything() -> None:
    base = {
        "noarch": True,
        "env": {"A": "1"},
        "extra-args": ["-x"],
        "extra-input-globs": ["*.base"],
        "compilers": ["c"],
        "ignore-pyproject-manifest": True,
        "ignore-pypi-mapping": False,
        "pypi-conda-map": {"a": "b"},
        "abi3": True,
        "skip-pyc-compilation": True,
        "installer": "pip",
    }
    assert merged(base, {}) == parse(base)


def test_target_values_override() -> None:
    result = merged(
        {
            "noarch": True,
            "ignore-pyproject-manifest": True,
            "ignore-pypi-mapping": True,
            "abi3": True,
            "installer": "pip",
        },
        {
            "noarch": False,
            "ignore-pyproject-manifest": False,
            "ignore-pypi-mapping": False,
            "abi3": False,
            "installer": "uv",
        },
    )
    assert (result.noarch, result.ignore_pyproject_manifest, result.ignore_pypi_mapping, result.abi3) == (
        False,
        False,
        False,
        False,
    )
    assert result.installer == "uv"


def test_env_merges_key_by_key_keeping_base_order() -> None:
    result = merged({"env": {"A": "base", "B": "base"}}, {"env": {"C": "t", "A": "t"}})
    assert list(result.env.items()) == [("A", "t"), ("B", "base"), ("C", "t")]


def test_lists_are_replaced_only_when_the_target_has_items() -> None:
    base = {"extra-args": ["-b"], "extra-input-globs": ["*.b"]}
    assert merged(base, {"extra-args": [], "extra-input-globs": []}).extra_args == ["-b"]
    result = merged(base, {"extra-args": ["-t"], "extra-input-globs": ["*.t"]})
    assert (result.extra_args, result.extra_input_globs) == (["-t"], ["*.t"])


def test_compilers_override_and_an_empty_target_list_clears() -> None:
    assert merged({"compilers": ["c"]}, {"compilers": ["cxx", "rust"]}).compilers == ["cxx", "rust"]
    assert merged({"compilers": ["c"]}, {"compilers": []}).compilers == []
    assert merged({"compilers": ["c"]}, {}).compilers == ["c"]


def test_pypi_conda_map_merges_per_key() -> None:
    result = merged(
        {"pypi-conda-map": {"torch": "pytorch", "shared": "base"}},
        {"pypi-conda-map": {"shared": False, "extra": "extra-conda"}},
    )
    assert result.pypi_conda_map == {"torch": "pytorch", "shared": False, "extra": "extra-conda"}
    assert merged({}, {}).pypi_conda_map is None
    assert merged({}, {"pypi-conda-map": {"a": "b"}}).pypi_conda_map == {"a": "b"}


def test_skip_pyc_is_replaced_unless_the_target_is_empty_or_false() -> None:
    assert merged({"skip-pyc-compilation": True}, {"skip-pyc-compilation": False}).skip_pyc_globs == ["**/*.py"]
    assert merged({"skip-pyc-compilation": ["a/**"]}, {"skip-pyc-compilation": []}).skip_pyc_globs == ["a/**"]
    assert merged({"skip-pyc-compilation": True}, {"skip-pyc-compilation": ["t/**"]}).skip_pyc_globs == ["t/**"]
    assert merged({"skip-pyc-compilation": ["a/**"]}, {"skip-pyc-compilation": True}).skip_pyc_globs == ["**/*.py"]


# -- through the backend: initialize validates, requests merge ---------------------------


def test_initialize_rejects_a_bad_target_configuration(backend_factory) -> None:
    with pytest.raises(ConfigurationError, match="target configuration `linux-64`.*`\\$\\.noarch`"):
        backend_factory(config={}, target_config={"linux-64": {"noarch": "maybe"}})


def test_initialize_rejects_a_bad_base_configuration(backend_factory) -> None:
    with pytest.raises(ConfigurationError, match="unknown field `colour`"):
        backend_factory(config={"colour": "blue"})


def test_first_matching_target_applies_per_platform(backend_factory) -> None:
    backend = backend_factory(
        config={"ignore-pyproject-manifest": True, "env": {"A": "base"}},
        target_config={
            "unix": {"env": {"A": "unix"}},
            "linux-64": {"env": {"A": "linux-64"}},
            "win": {"env": {"A": "win"}},
        },
    )
    assert backend.config_for("linux-64").env == {"A": "unix"}
    assert backend.config_for("osx-arm64").env == {"A": "unix"}
    assert backend.config_for("win-64").env == {"A": "win"}
