"""pyproject.toml: what the recipe takes from it (§2.4) and how mistakes in it are reported."""

from __future__ import annotations

import pytest
from tests.backends.python.pyhelpers import backend_factory, generate, recipe_data  # noqa: F401 (fixture)

from kiln.backends.python.metadata import entry_points, load_pyproject, normalize_specifiers, parse_entry_point
from kiln.errors import KilnError, ManifestError

HEAD = '[project]\nname = "demo"\nversion = "1.0"\n'
NO_MODEL = {"targets": {"defaultTarget": {}}}


def error_for(backend_factory, pyproject: str, **kwargs) -> ManifestError:
    backend = backend_factory(model=NO_MODEL, pyproject=pyproject, **kwargs)
    with pytest.raises(ManifestError) as info:
        generate(backend)
    return info.value


def test_invalid_toml_names_file_and_line(backend_factory) -> None:
    err = error_for(backend_factory, '[project]\nname = "demo"\nversion = 1.0.0\n')
    assert err.path is not None and err.path.name == "pyproject.toml"
    assert err.line == 3
    assert str(err).startswith(f"{err.path}:3:14: invalid TOML")


def test_unterminated_table_header(backend_factory) -> None:
    err = error_for(backend_factory, '[project\nname = "demo"\n')
    assert err.line == 1 and "invalid TOML" in str(err)


@pytest.mark.parametrize(
    ("pyproject", "line", "fragment"),
    [
        ('[project]\nversion = "1.0"\n', 1, "has no `name`"),
        ('[project]\nname = "demo"\nversion = "not.a.valid.version.at.all"\n', 3, "not a valid PEP 440 version"),
        (HEAD + 'requires-python = ">=3.x"\n', 4, "not a valid PEP 440 version specifier"),
        (HEAD + 'dependencies = [\n  "requests >= 2",\n  "bad req ;;",\n]\n', 4, "invalid requirement `bad req ;;`"),
        (HEAD + "license = 3\n", 4, "`project.license` must be"),
        (HEAD + "[project.scripts]\nx = 1\n", 4, "`project.scripts` must be a table of strings"),
        ('[build-system]\nbuild-backend = "hatchling.build"\n' + HEAD, 1, "has no `requires`"),
        ('[build-system]\nrequires = "hatchling"\n' + HEAD, 2, "`build-system.requires` must be a list"),
    ],
)
def test_invalid_fields_name_file_line_and_key(backend_factory, pyproject, line, fragment) -> None:
    err = error_for(backend_factory, pyproject)
    assert fragment in str(err)
    assert err.line == line, str(err)
    assert err.key


def test_missing_pyproject_is_an_error_with_help(backend_factory) -> None:
    backend = backend_factory(model={"name": "x", "version": "1"})
    with pytest.raises(KilnError, match="requires a `pyproject.toml`") as info:
        generate(backend)
    assert "ignore-pyproject-manifest" in str(info.value)


def test_ignored_pyproject_is_not_required(backend_factory) -> None:
    data = recipe_data(backend_factory(model={"name": "x", "version": "1"}, config={"ignore-pyproject-manifest": True}))
    assert data["package"] == {"name": "x", "version": "1"}


def test_an_ignored_but_present_pyproject_must_still_parse(backend_factory) -> None:
    """Upstream reads the entry points of any pyproject.toml, so a broken one fails even then."""
    with pytest.raises(ManifestError, match="invalid TOML"):
        generate(
            backend_factory(
                model={"name": "x", "version": "1"}, config={"ignore-pyproject-manifest": True}, pyproject="[project\n"
            )
        )


def test_dynamic_version_needs_a_model_version(backend_factory) -> None:
    """Upstream reads only a static ``project.version``; nothing runs the build backend to get it."""
    backend = backend_factory(model=NO_MODEL, pyproject='[project]\nname = "d"\ndynamic = ["version"]\n')
    with pytest.raises(KilnError, match="There was no version defined for the recipe"):
        generate(backend)


def test_no_project_table_leaves_everything_to_the_model(backend_factory) -> None:
    backend = backend_factory(model={"name": "m", "version": "2"}, pyproject='[build-system]\nrequires = ["x"]\n')
    data = recipe_data(backend)
    assert data["package"] == {"name": "m", "version": "2"} and data["about"] == {}


def test_version_is_normalised_like_pep440(backend_factory) -> None:
    data = recipe_data(backend_factory(model=NO_MODEL, pyproject='[project]\nname = "d"\nversion = "1.0-Alpha1"\n'))
    assert data["package"]["version"] == "1.0a1"


def test_invalid_spdx_license_is_dropped_with_a_warning(backend_factory, capsys) -> None:
    data = recipe_data(backend_factory(model=NO_MODEL, pyproject=HEAD + 'license = {text = "BLABLA"}\n'))
    assert "license" not in data["about"]
    assert "BLABLA" in capsys.readouterr().err


def test_pyproject_is_a_metadata_input_only_when_read(backend_factory) -> None:
    read = generate(backend_factory(model=NO_MODEL, pyproject=HEAD))
    assert read.metadata_input_globs == ["pyproject.toml"]
    ignored = generate(
        backend_factory(model={"name": "x", "version": "1"}, pyproject=HEAD, config={"ignore-pyproject-manifest": True})
    )
    assert ignored.metadata_input_globs == []
    # ...but its absolute path is a build input either way (upstream).
    assert ignored.build_input_globs[0].endswith("/pyproject.toml")


def test_requires_python_spelling() -> None:
    assert normalize_specifiers(">= 3.9, <4") == ">=3.9,<4"
    assert normalize_specifiers(">=3.09") == ">=3.9"
    assert normalize_specifiers("==3.11.*") == "==3.11.*"
    assert normalize_specifiers("~=3.10") == "~=3.10"


def test_requires_python_becomes_a_python_spec(backend_factory) -> None:
    data = recipe_data(backend_factory(model=NO_MODEL, pyproject=HEAD + 'requires-python = "~=3.10"\n'))
    assert data["requirements"]["host"] == ["uv", "python ~=3.10"]
    assert data["requirements"]["run"] == ["python ~=3.10"]


def test_entry_points() -> None:
    assert parse_entry_point("tool", " pkg.cli : main ") == "tool = pkg.cli:main"
    assert parse_entry_point("tool", "pkg.cli") is None
    assert parse_entry_point("tool", ":main") is None


def test_malformed_entry_points_are_left_out(tmp_path, capsys) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(HEAD + '[project.scripts]\ngood = "m:f"\nbad = "m"\n')
    assert entry_points(load_pyproject(path)) == ["good = m:f"]
    assert "bad" in capsys.readouterr().err


def test_gui_scripts_are_not_entry_points(tmp_path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(HEAD + '[project.gui-scripts]\ngui = "m:f"\n')
    assert entry_points(load_pyproject(path)) == []
