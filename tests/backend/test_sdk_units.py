"""Units of the backend SDK: YAML, match specs, spec conversion, platforms, globs."""

from __future__ import annotations

import subprocess
import sys

import msgspec
import pytest
import yaml as pyyaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kiln.backend import yaml
from kiln.backend.generated import GeneratedRecipe, MetadataProvider, RecipeGenerationError, normalize_license, normalize_url
from kiln.backend.globs import walk
from kiln.backend.outputs import decode_source_url
from kiln.backend.platforms import request_platforms
from kiln.backend.recipe import Conditional, Recipe
from kiln.backend.specs import form_urlencode, source_item, source_url
from kiln.backend.variants import variant_version_spec
from kiln.conda.match_specs import format_spec, parse_spec
from kiln.conda.pins import pin_range
from kiln.conda.platforms import current_platform, selector_matches
from kiln.conda.version_specs import normalize_version_spec
from kiln.protocol import types as t

# -- yaml --------------------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
documents = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), c, max_size=4),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_yaml_dump_reads_back_identically(doc):
    text = yaml.dump(doc)
    assert pyyaml.safe_load(text) == doc


def test_yaml_quoting_follows_upstream_snapshots():
    assert yaml.dump({"a": "${{ compiler('cxx') }}"}) == "a: \"${{ compiler('cxx') }}\"\n"
    assert yaml.dump({"h": "https://example.com/"}) == 'h: "https://example.com/"\n'
    assert yaml.dump({"v": "1.0", "n": "python", "e": [], "m": {}}) == 'v: "1.0"\nn: python\ne: []\nm: {}\n'
    assert yaml.dump({"s": "line one\nline two"}) == "s: |-\n  line one\n  line two\n"


# -- match specs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [("1.2", "==1.2"), ("=1.2", "1.2.*"), (">= 1.0 , <2", ">=1.0,<2"), ("3.12.*", "3.12.*"), ("*", "*"),
     (">=1,<2|>3", ">=1,<2|>3"), ("==1.26.3", "==1.26.3"), ("~=1.2", "~=1.2")],
)  # fmt: skip
def test_version_specs_are_normalised_like_rattler(text, expected):
    assert normalize_version_spec(text) == expected


SPECS = [
    "python",
    "python >=3.8",
    "hdf5 * *openmpi*",
    "my-package ==0.1.0 h4616a5c_0",
    'mylib[url="source://?path=..%2Fmylib"]',
    'foo >=1[build_number=">=2", license="MIT"]',
    "conda-forge::numpy 1.26.*",
]


@pytest.mark.parametrize("text", SPECS)
def test_parse_spec_agrees_with_rattler(text):
    code = (
        "import sys, json, os\nfrom rattler import MatchSpec\n"
        "m = MatchSpec(sys.argv[1])\n"
        "print(json.dumps([m.name.normalized, None if m.version is None else str(m.version), None if m.build is None else str(m.build)]))\n"
        "sys.stdout.flush(); os._exit(0)"
    )
    out = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True).stdout
    name, version, build = pyyaml.safe_load(out)
    parsed = parse_spec(text)
    assert (parsed.name, parsed.version, parsed.build) == (name, version, build)


def test_parse_spec_brackets_and_errors():
    parsed = parse_spec('foo[version=">=1", build="py*", sha256="ab"]')
    assert (parsed.version, parsed.build, parsed.brackets) == (">=1", "py*", {"sha256": "ab"})
    for bad in ("", "foo bar baz qux", "foo[oops"):
        with pytest.raises(ValueError):
            parse_spec(bad)
    assert format_spec("hdf5", None, "*openmpi*") == "hdf5 * *openmpi*"


# -- source specs ---------------------------------------------------------------------


def test_form_urlencoding_matches_rusts():
    assert form_urlencode("../sib ling/~x*y") == "..%2Fsib+ling%2F%7Ex*y"


def test_source_locations_roundtrip_through_urls():
    specs = [
        t.SourcePackageSpec(path=t.PathLocation(path="../sibling")),
        t.SourcePackageSpec(url=t.UrlLocation(url="https://x.org/a.tar.gz", sha256="ab", subdirectory="sub")),
        t.SourcePackageSpec(
            git=t.GitLocation(git="https://g.org/r.git", rev=t.GitReferenceObject(tag="v1"), subdirectory="pkg", lfs=True)
        ),
    ]
    for spec in specs:
        assert msgspec.to_builtins(decode_source_url(source_url(spec))) == msgspec.to_builtins(spec)
    assert source_item("sib", specs[0]) == 'sib[url="source://?path=..%2Fsibling"]'
    with_version = t.SourcePackageSpec(path=t.PathLocation(path="."), version=">=1")
    assert source_item("me", with_version) == 'me >=1[url="source://?path=."]'


def test_pin_application():
    assert pin_range("1.2.3", "x.x.x.x.x.x", "x.x") == ">=1.2.3,<1.3.0a0"
    assert pin_range("1.2.3", None, "x") == "<2.0a0"  # as rattler-build writes them
    assert pin_range("1.2.3", "x.x", "x") == ">=1.2,<2.0a0"
    with pytest.raises(ValueError):
        pin_range("1.2.3", "", None)
    assert variant_version_spec("3.10") == "3.10.*" and variant_version_spec(">=1.2") == ">=1.2"


# -- recipe skeleton ------------------------------------------------------------------


class Provider(MetadataProvider):
    def name(self):
        return "FromProvider"

    def version(self):
        return "2.0"

    def summary(self):
        return "provider summary"

    def license(self):
        return "mit"


def test_model_wins_field_by_field_and_summary_always_comes_from_the_provider():
    model = t.ProjectModel(name="MyLib", description="model description", homepage="https://example.com")
    recipe = GeneratedRecipe.from_model(model, Provider()).recipe
    assert (recipe.name, recipe.version) == ("mylib", "2.0")
    assert recipe.about.summary == "provider summary" and recipe.about.description == "model description"
    assert recipe.about.homepage == "https://example.com/" and recipe.about.license == "MIT"


@pytest.mark.parametrize("model,match", [(t.ProjectModel(version="1"), "no name"), (t.ProjectModel(name="x"), "no version"),
                                         (t.ProjectModel(name="bad name!", version="1"), "not a valid conda package name")])  # fmt: skip
def test_missing_or_invalid_identity(model, match):
    with pytest.raises(RecipeGenerationError, match=match):
        GeneratedRecipe.from_model(model)


def test_invalid_urls_and_licenses_are_dropped():
    assert normalize_url("not a url", "homepage") is None
    assert normalize_url("https://EXAMPLE.com:8080/a?b#c", "homepage") == "https://example.com:8080/a?b#c"
    assert normalize_license("LicenseRef-Apache License 2.0") is None
    assert normalize_license("apache-2.0 OR mit") == "Apache-2.0 OR MIT"


def test_recipe_serialisation_order_and_conditionals():
    recipe = Recipe(name="x", version="1")
    recipe.requirements.host = ["zlib", Conditional("host_platform == 'linux-64'", ["libuuid"])]
    data = recipe.to_data()
    assert list(data) == ["schema_version", "package", "build", "requirements", "about", "extra"]
    assert data["requirements"]["host"][1] == {"if": "host_platform == 'linux-64'", "then": "libuuid"}
    assert list(data["build"])[:3] == ["script", "python", "skip"]


# -- platforms and globs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "selector,platform,ok",
    [("unix", "linux-64", True), ("unix", "osx-arm64", True), ("unix", "win-64", False), ("linux", "linux-aarch64", True),
     ("win", "win-64", True), ("macos", "osx-64", True), ("osx", "osx-64", True), ("linux-64", "linux-64", True),
     ("Linux", "linux-64", False), ("osx-64", "osx-arm64", False)],
)  # fmt: skip
def test_target_selectors(selector, platform, ok):
    assert selector_matches(selector, platform) is ok


def _request(subdir, variant, host=None, build=None):
    prefix = lambda p: t.CondaBuildV1Prefix(prefix="/p", platform=p) if p else None  # noqa: E731
    return t.CondaBuildV1Params(
        output=t.CondaBuildV1Output(name="a", subdir=subdir, variant=variant),
        work_directory="/w", host_prefix=prefix(host), build_prefix=prefix(build),
    )  # fmt: skip


@pytest.mark.parametrize(
    "request_,host,build",
    [(_request("linux-aarch64", {"target_platform": "linux-aarch64"}), "linux-aarch64", current_platform()),
     (_request("osx-arm64", {}), "osx-arm64", current_platform()),  # no target_platform key: the subdir
     (_request("win-64", {"target_platform": "win-64"}, host="win-64", build="linux-64"), "win-64", "linux-64"),
     (_request("linux-ppc64le", {"target_platform": "linux-64"}, host="linux-ppc64le"), "linux-ppc64le",
      current_platform()),  # a prefix the caller set up wins, as pixi's backends
     (_request("noarch", {"target_platform": "noarch"}), current_platform(), current_platform())],
)  # fmt: skip
def test_request_platforms_come_from_the_request(request_, host, build):
    assert request_platforms(request_) == (host, build)


def test_walk_is_ordered_last_match_wins_and_skips_hidden(tmp_path):
    for rel in ("src/a.py", "src/b.py", "src/gen/c.py", ".git/x.py", ".pixi/y.py", "README.md", "src/__pycache__/a.pyc"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    found = sorted(str(p) for p in walk(tmp_path, ["**/*.py", "!src/gen/**", "README.md"]))
    assert found == ["README.md", "src/a.py", "src/b.py"]
    assert sorted(str(p) for p in walk(tmp_path, ["!**/*.py", "**/*.py"])) == ["src/a.py", "src/b.py", "src/gen/c.py"]


_segments = st.sampled_from(["src", "gen", "a.py", "b.txt", "README.md", "__pycache__", "x", "deep", ".hidden"])
_paths = st.lists(_segments, min_size=1, max_size=4).map("/".join)
_patterns = st.lists(
    st.sampled_from(["**/*.py", "*.txt", "src/**", "!src/gen/**", "!**/__pycache__/**", "README.md", "/x/**",
                     "!*.md", "deep/*/a.py", "gen/", "!gen/a.py"]),
    min_size=1, max_size=5,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_patterns, st.lists(_paths, min_size=1, max_size=10))
def test_combined_matcher_agrees_with_pathspec(patterns, paths):
    import pathspec

    from kiln.backend.globs import GlobMatcher

    spec = pathspec.PathSpec.from_lines("gitignore", patterns)
    matcher = GlobMatcher(patterns)
    for path in paths:
        assert matcher.match(path) == spec.match_file(path), (patterns, path)


# -- license files -------------------------------------------------------------------


def test_license_files_are_staged_under_their_path_below_the_source(tmp_path):
    from kiln.backend.licenses import stage_license_files
    from kiln.errors import KilnError

    src, recipe, elsewhere = tmp_path / "src", tmp_path / "recipe", tmp_path / "elsewhere"
    (src / "licenses").mkdir(parents=True)
    elsewhere.mkdir()
    (src / "LICENSE").write_text("main")
    (src / "licenses" / "A.txt").write_text("a")
    (src / "licenses" / "B.txt").write_text("b")
    (elsewhere / "NOTICE").write_text("notice")
    entries = [str(src / "LICENSE"), "licenses", str(elsewhere / "NOTICE"), str(src / "LICEN[CS]E")]
    assert stage_license_files(entries, recipe, src) == ["LICENSE", "licenses/A.txt", "licenses/B.txt", "NOTICE"]
    assert (recipe / "licenses" / "B.txt").read_text() == "b" and (recipe / "NOTICE").read_text() == "notice"

    (elsewhere / "LICENSE").write_text("other")
    with pytest.raises(KilnError, match="two license files would both be `info/licenses/LICENSE`"):
        stage_license_files(["LICENSE", str(elsewhere / "LICENSE")], tmp_path / "r2", src)
    with pytest.raises(KilnError, match=r"the license file `COPYING\*` does not exist \(looked in "):
        stage_license_files(["COPYING*"], tmp_path / "r3", src)


# -- one TOML reader -------------------------------------------------------------------


def test_kiln_parses_toml_only_through_its_one_reader():
    """Front end and backends read TOML alike (issue 8, point 7): no other module imports a parser."""
    import ast
    from pathlib import Path

    import kiln

    root = Path(kiln.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path == root / "backend" / "toml.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] in ("tomllib", "tomli")]
    assert offenders == []


def test_the_toml_reader_is_toml_1_1_and_names_the_line(tmp_path):
    from kiln.backend import toml
    from kiln.errors import ManifestError

    assert toml.parse('a = {\n  b = "\\e",\n}\n', tmp_path / "x.toml") == {"a": {"b": "\x1b"}}
    with pytest.raises(ManifestError) as info:
        toml.parse("a = 1\nb = = 2\n", tmp_path / "x.toml")
    assert str(info.value) == f"{tmp_path / 'x.toml'}:2:5: invalid TOML: Invalid value\n   2 | b = = 2\n     |     ^"
