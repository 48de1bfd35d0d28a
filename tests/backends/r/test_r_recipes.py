"""pixi-build-r's recipes, rule by rule (spec ``backends.md`` §6), and a real CRAN DESCRIPTION."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml as pyyaml
from tests.backends.r.rhelpers import generate, make_backend

from kiln.backend import yaml
from kiln.backends.r.cran_licenses import CRAN_SPDX
from kiln.backends.r.description import BUILTIN_PACKAGES, parse_description, parse_license
from kiln.errors import ConfigurationError, KilnError, ManifestError

DATA = Path(__file__).parents[2] / "data" / "r"
EXPECTED = Path(__file__).parent / "expected"
NO_NAME = {"targets": {"defaultTarget": {}}}


def recipe(tmp_path: Path, description: str, *, model=None, config=None, dirs=(), files=None, **kwargs):
    root = tmp_path / "pkg"
    backend = make_backend(root, model=model, config=config, files={"DESCRIPTION": description, **(files or {})})
    for d in dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    return generate(backend, **kwargs).recipe.to_data()


# -- a real CRAN DESCRIPTION ----------------------------------------------------------


def test_real_cran_description_gives_the_expected_recipe(tmp_path: Path) -> None:
    root = shutil.copytree(DATA / "later", tmp_path / "later")
    data = generate(make_backend(root, model=NO_NAME)).recipe.to_data()
    actual = {k: data[k] for k in ("package", "requirements", "about")}
    expected = (EXPECTED / "later.yaml").read_text().replace("<root>", str(root))
    assert yaml.dump(actual) == "".join(line + "\n" for line in expected.splitlines() if not line.startswith("#"))
    # Authors@R (R code over six lines) and the indented `Author:` are kept, not interpreted
    desc = parse_description((root / "DESCRIPTION").read_text(), root / "DESCRIPTION")
    assert desc.get("Authors@R").startswith('c( person("Winston", "Chang"')
    assert desc.fields["Authors@R"].line == 6 and desc.fields["Description"].line == 13


# -- DESCRIPTION parsing -----------------------------------------------------------------


def test_continuation_lines_join_with_one_space_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    text = "Package: p\nVersion: 1.0\nTitle: A\n\tlong\n      title\n\nDescription:\n    starts on the next line\n"
    data = recipe(tmp_path, text)
    assert data["about"]["summary"] == "A long title"
    assert data["about"]["description"] == "starts on the next line"


def test_name_and_version_come_from_description_only_when_the_model_gives_none(tmp_path: Path) -> None:
    text = "Package: MyPkg\nVersion: 2.1-3\n"
    assert recipe(tmp_path / "a", text, model=NO_NAME)["package"] == {"name": "r-mypkg", "version": "2.1-3"}
    model = {"name": "given", "version": "9.9", "targets": {"defaultTarget": {}}}
    assert recipe(tmp_path / "b", text, model=model)["package"] == {"name": "given", "version": "9.9"}


def test_dependencies_naming_constraints_and_builtins(tmp_path: Path) -> None:
    text = (
        "Package: p\nVersion: 1\nDepends: R (>= 4.2), stats, methods\n"
        "Imports: httr (>= 1.4),\n    XML, Matrix, MASS(>=7.3), data.table (== 1.14.8)\n"
        "LinkingTo: cpp11, Rcpp (>= 1.0)\n"
        "Suggests: testthat\nEnhances: foo\n"
    )
    req = recipe(tmp_path, text)["requirements"]
    assert req["host"] == ["r-base", "r-httr >=1.4", "r-xml", "r-data.table ==1.14.8", "r-cpp11", "r-rcpp >=1.0"]
    assert req["run"] == ["r-base", "r-httr >=1.4", "r-xml", "r-data.table ==1.14.8"]


def test_depends_entries_come_after_imports_and_model_items_first(tmp_path: Path) -> None:
    model = {
        "name": "r-p", "version": "1",
        "targets": {"defaultTarget": {"hostDependencies": {"r-base": {"binary": {"version": ">=4"}}},
                                      "runDependencies": {"zlib": {"binary": {}}}}},
    }  # fmt: skip
    req = recipe(tmp_path, "Package: p\nVersion: 1\nDepends: R6\nImports: glue\n", model=model)["requirements"]
    assert req["host"] == ["r-base >=4", "r-base", "r-glue", "r-r6"]
    assert req["run"] == ["zlib", "r-base", "r-glue", "r-r6"]


def test_builtin_table_is_upstreams_and_case_insensitive() -> None:
    assert len(BUILTIN_PACKAGES) == 29
    assert {"grdevices", "kernsmooth", "mass", "survival", "tcltk"} <= BUILTIN_PACKAGES


# -- licence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("MIT + file LICENSE", ("MIT", "LICENSE")),
        ("GPL (>= 2)", ("GPL-2.0-or-later", None)),
        ("BSD_3_clause + file LICENCE", ("BSD-3-Clause", "LICENCE")),
        ("file LICENSE", (None, "LICENSE")),
        ("GPL-2 | GPL-3", ("GPL-2.0-only OR GPL-3.0-only", None)),
        ("  Apache License 2.0  ", ("Apache-2.0", None)),
        ("MIT + FILE LICENSE", ("MIT", "LICENSE")),
        ("EUPL-1.2 + file LICENSE", ("EUPL-1.2", "LICENSE")),
        ("Unknown Licence", ("Unknown Licence", None)),
    ],
)
def test_license_text(text: str, parsed: tuple) -> None:
    assert parse_license(text) == parsed


def test_cran_table_is_complete() -> None:
    assert len(CRAN_SPDX) == 93
    assert CRAN_SPDX["Part of R"] == "LicenseRef-R" and CRAN_SPDX["file LICENSE"] == "LicenseRef-file-LICENSE"


def test_license_and_file_in_the_recipe_and_invalid_spdx_dropped(tmp_path: Path) -> None:
    about = recipe(tmp_path / "a", "Package: p\nVersion: 1\nLicense: MIT + file LICENSE\n")["about"]
    assert about["license"] == "MIT"
    assert about["license_file"] == [str(tmp_path / "a" / "pkg" / "LICENSE")]
    about = recipe(tmp_path / "b", "Package: p\nVersion: 1\nLicense: Some odd text\n")["about"]
    assert "license" not in about and "license_file" not in about


def test_url_is_the_homepage_and_bug_reports_the_repository(tmp_path: Path) -> None:
    text = "Package: p\nVersion: 1\nURL: https://a.example/p\nBugReports: https://a.example/p/issues\n"
    about = recipe(tmp_path, text)["about"]
    assert about["homepage"] == "https://a.example/p"
    assert about["repository"] == "https://a.example/p/issues"
    assert "documentation" not in about


# -- compilers, scripts, globs -----------------------------------------------------------


def test_compilers_auto_with_src_or_linking_to_and_configured_otherwise(tmp_path: Path) -> None:
    auto = ["${{ compiler('c') }}", "${{ compiler('cxx') }}", "${{ compiler('fortran') }}"]
    base = "Package: p\nVersion: 1\n"
    assert "build" not in recipe(tmp_path / "a", base)["requirements"]
    assert recipe(tmp_path / "b", base, dirs=["src"])["requirements"]["build"] == auto
    assert recipe(tmp_path / "c", base + "LinkingTo: BH\n")["requirements"]["build"] == auto
    got = recipe(tmp_path / "d", base, dirs=["src"], config={"compilers": ["c"]}, variant_keys=["c_stdlib"])
    assert got["requirements"]["build"] == ["${{ compiler('c') }}", "${{ stdlib('c') }}"]
    assert "build" not in recipe(tmp_path / "e", base, dirs=["src"], config={"compilers": []})["requirements"]


def test_windows_script_env_and_extra_args(tmp_path: Path) -> None:
    config = {"extra-args": ["--no-test-load"], "env": {"MAKEFLAGS": "-j2"}}
    script = recipe(tmp_path, "Package: p\nVersion: 1\n", config=config, build_platform="win-64")["build"]["script"]
    assert script["env"] == {"MAKEFLAGS": "-j2"}
    (content,) = script["content"]
    assert content.startswith("R.exe --version\n@if errorlevel 1 exit 1\n\n\n\n")
    assert '^\n    --no-test-load "' + str(tmp_path / "pkg") + '"' in content


def test_target_config_merging(tmp_path: Path) -> None:
    backend = make_backend(
        tmp_path, files={"DESCRIPTION": "Package: p\nVersion: 1\n"},
        config={"extra-args": ["--a"], "env": {"A": "1"}, "compilers": ["c"]},
        target_config={"linux-64": {"extra-args": [], "env": {"B": "2"}, "compilers": ["cxx"]}},
    )  # fmt: skip
    config = backend.config_for("linux-64")
    assert (config.extra_args, config.env, config.compilers) == (["--a"], {"A": "1", "B": "2"}, ["cxx"])


def test_build_globs_are_upstreams_sorted_set_then_kilns(tmp_path: Path) -> None:
    backend = make_backend(tmp_path, files={"DESCRIPTION": "Package: p\nVersion: 1\n"},
                           config={"compilers": ["fortran"], "extra-input-globs": ["extra/*.txt"]})  # fmt: skip
    globs = backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False)
    upstream = ["**/*.R", "**/*.Rd", "**/*.f", "**/*.f90", "**/*.f95", "DESCRIPTION", "NAMESPACE", "extra/*.txt"]
    assert globs[:8] == upstream
    assert "src/**" in globs and globs[-1].startswith("!")
    assert globs.index("src/**") < globs.index("!src/**/*.o")  # R CMD INSTALL's objects are no input
    # auto-detected native code is an input too (kiln's addition)
    (tmp_path / "src").mkdir()
    auto = make_backend(tmp_path, config={})
    assert "**/*.c" in auto.build_input_globs(auto.config_for("linux-64"), tmp_path, False)


def test_recipe_renders_with_rattler_build(tmp_path: Path) -> None:
    """The generated recipe is valid for rattler-build (rendered, not built)."""
    root = shutil.copytree(DATA / "later", tmp_path / "later")
    text = generate(make_backend(root, model=NO_NAME)).recipe.to_yaml()
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    code = "import sys, rattler_build\nrattler_build.Stage0Recipe.from_yaml(open(sys.argv[1]).read())\n"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    path.write_text(text.replace("schema_version: 1", "schema_version: [1]"))
    broken = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert broken.returncode != 0  # the check can fail
    assert pyyaml.safe_load(text)["package"]["name"] == "r-later"


# -- errors ----------------------------------------------------------------------------


def test_missing_description_names_the_file(tmp_path: Path) -> None:
    backend = make_backend(tmp_path / "pkg")
    with pytest.raises(ManifestError) as err:
        generate(backend)
    assert str(err.value).startswith(f"{tmp_path / 'pkg' / 'DESCRIPTION'}: no DESCRIPTION file")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Package: p\nVersion: 1\nthis is not a field\n", 3, "expected `Field: value`"),
        ("  leading continuation\nPackage: p\n", 1, "continuation line"),
        ("Package: p\nVersion: 1\nImports: a,\n    b (>= 1.0,\n    c\n", 4, "`b (>= 1.0` in Imports"),
        ("Package: p\nVersion: 1\nImports: a (~ 2)\n", 3, "constraint `~ 2`"),
        ("Package: p\nVersion: 1\nDepends: R (>= 4),\n  not a name\n", 4, "not an R package name"),
        ("Package: p\nVersion: 1 beta\n", 2, "`1 beta` is not a valid version"),
    ],
)
def test_malformed_description_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    backend = make_backend(tmp_path / "pkg", model=NO_NAME, files={"DESCRIPTION": text})
    with pytest.raises(KilnError) as err:
        generate(backend)
    message = str(err.value)
    assert f"{tmp_path / 'pkg' / 'DESCRIPTION'}:{line}: " in message
    assert words in message


def test_unknown_option_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as err:
        make_backend(tmp_path, config={"extra-arg": ["x"]})
    assert "extra-arg" in str(err.value) and "extra-args" in str(err.value)


def test_missing_license_file_stops_the_build_at_the_description_line(local_channel: Path, tmp_path: Path) -> None:
    from tests.helpers import run_kiln

    from kiln.conda.platforms import current_platform

    root = tmp_path / "pkg"
    root.mkdir()
    (root / "DESCRIPTION").write_text("Package: nolic\nVersion: 1.0\nTitle: T\nLicense: MIT + file LICENSE\n")
    (root / "pixi.toml").write_text(
        f'[workspace]\nchannels = ["{local_channel}"]\nplatforms = ["{current_platform()}"]\npreview = ["pixi-build"]\n'
        '[package.build.backend]\nname = "pixi-build-r"\nversion = "*"\n'
    )
    out = tmp_path / "out"
    done = run_kiln("build", "--path", str(root), "-o", str(out), "--no-progress", check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{root / 'DESCRIPTION'}:4: `License: MIT + file LICENSE` names the license file" in done.stderr
    assert not out.exists() or not any(out.iterdir())
