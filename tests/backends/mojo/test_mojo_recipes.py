"""pixi-build-mojo: bins/pkg derivation, script, target merging, a rattler-build render (spec ``backends.md`` §5).

Upstream's assertions (tests/data/upstream/recipes/current/assertions/mojo.yaml) run
here entry by entry. There is no Mojo toolchain here, so recipes are rendered, not built.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.backends.generating import generate, make_backend
from tests.upstream_cases import assertions

from kiln.backends.mojo.backend import MojoBackend
from kiln.backends.mojo.config import MojoConfig, derive, project_name
from kiln.backend.config import parse_config
from kiln.errors import KilnError
from kiln.protocol import types as t

ENTRIES = {e["id"]: e for e in assertions("current", "mojo")}


def project(root: Path, files: dict[str, str] | None = None, **kwargs) -> MojoBackend:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return make_backend(MojoBackend, root, **kwargs)


def script(backend: MojoBackend) -> str:
    (content,) = generate(backend).recipe.to_data()["build"]["script"]["content"]
    return content


def test_relative_paths_absolutised(tmp_path: Path) -> None:
    entry = ENTRIES["mojo/relative-paths-absolutised"]
    text = script(project(tmp_path, model={**entry["model"], "targets": {"defaultTarget": {}}}, config=entry["config"]))
    for wanted in entry["expect"]["script contains"]:
        assert wanted.replace("<tmpdir>", str(tmp_path)) in text
    assert not any(line.lstrip().startswith("cd ") for line in text.splitlines())


def test_compilers(tmp_path: Path) -> None:
    for i, key in enumerate(("mojo/extra-compilers", "mojo/default-no-compilers")):
        entry = ENTRIES[key]
        data = generate(project(tmp_path / str(i), entry["files"], config=entry["config"])).recipe.to_data()
        build = data["requirements"].get("build", [])
        assert [b for b in build if b.startswith("${{ compiler(")] == entry["expect"]["compiler templates"]


def test_project_name() -> None:
    for name, cleaned in ENTRIES["mojo/clean-project-name"]["expect"].items():
        assert project_name(name) == cleaned


def _config(raw) -> MojoConfig:
    return parse_config(MojoConfig, raw)


def test_bin_auto_derive(tmp_path: Path) -> None:
    """Each row of upstream's table; a pkg dir is present so "no bins" is not an error."""
    for i, row in enumerate(ENTRIES["mojo/bin-auto-derive"]["expect"]):
        root = tmp_path / str(i)
        (root / "test_project").mkdir(parents=True)
        (root / "test_project" / "__init__.mojo").write_text("")
        if row.get("main.mojo"):
            (root / "main.mojo").write_text("def main():\n    pass\n")
        config = _config({"bins": row["config.bins"]} if row["config.bins"] is not None else {})
        if "error" in row:
            with pytest.raises(KilnError, match=row["error"]):
                derive(config, root, "test_project")
            continue
        found = derive(config, root, "test_project")
        if row["result"].startswith("no bins"):
            # no bins: the (auto) package is what is left
            assert found.bins is None and found.pkg is not None
        else:
            assert [b.name for b in found.bins] == ["test_project"]
            assert found.bins[0].path == str(root / "main.mojo")
            # a derived bin suppresses the derived pkg; a configured one as well
            assert found.pkg is None


def test_pkg_auto_derive(tmp_path: Path) -> None:
    for i, row in enumerate(ENTRIES["mojo/pkg-auto-derive"]["expect"]):
        root = tmp_path / str(i)
        root.mkdir()
        if row.get("init"):
            (root / row["init"]).parent.mkdir(parents=True, exist_ok=True)
            (root / row["init"]).write_text("")
        raw = {"bins": []}
        if row["config.pkg"] is not None:
            raw["pkg"] = row["config.pkg"]
        config = _config(raw)
        if "error" in row:
            with pytest.raises(KilnError, match=row["error"]):
                derive(config, root, "test_project")
            continue
        if row["result"] == "no pkg":
            with pytest.raises(KilnError, match="No bin or pkg configuration detected."):
                derive(config, root, "test_project")
            continue
        found = derive(config, root, "test_project")
        name = row["result"].split()[1].rstrip(",")
        assert found.pkg is not None and found.pkg.name == name
        if " at " in row["result"]:
            assert found.pkg.path == row["result"].split(" at ")[1].split(",")[0].replace("<root>", str(root))
        if row["config.pkg"] and row["config.pkg"].get("path"):
            assert found.pkg.path == str(root / row["config.pkg"]["path"])
            assert found.pkg.extra_args == ["-O3"]


def test_bin_and_pkg_script(tmp_path: Path) -> None:
    files = {"main.mojo": "def main():\n    pass\n", "src/__init__.mojo": ""}
    config = {
        "bins": [{"name": "a", "extra-args": ["-O3"]}, {"name": "b", "path": "tools/b.mojo"}],
        "pkg": {"extra-args": ["-I", "."]},
    }
    model = {"name": "my-lib", "version": "1.0", "targets": {"defaultTarget": {}}}
    text = script(project(tmp_path, files, model=model, config=config))
    assert text.split("\n")[:6] == [
        "mojo --version",
        "",
        f'mojo build -O3 "{tmp_path / "main.mojo"}" -o $PREFIX/bin/a',
        "",
        f'mojo build  "{tmp_path}/tools/b.mojo" -o $PREFIX/bin/b',
        "",
    ]
    assert text.endswith(f'mojo $MOJO_PKG_CMD -I . "{tmp_path / "src"}" -o $PREFIX/lib/mojo/my_lib.$MOJO_PKG_EXT')


def test_nothing_to_build_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KilnError, match="No bin or pkg configuration detected."):
        generate(project(tmp_path))


def test_target_merge_keeps_target_order_and_fills_named_bins() -> None:
    base = _config(
        {
            "bins": [{"name": "a", "path": "a.mojo", "extra-args": ["-O1"]}, {"name": "gone", "path": "g.mojo"}],
            "pkg": {"name": "lib", "path": "src"},
            "env": {"X": "1"},
            "compilers": ["c"],
        }
    )
    target = _config(
        {
            "bins": [{"path": "new.mojo"}, {"name": "a", "extra-args": ["-O3"]}],
            "pkg": {"path": "other"},
            "env": {"Y": "2"},
        }
    )
    merged = base.merge(target)
    assert [(b.name, b.path, b.extra_args) for b in merged.bins] == [(None, "new.mojo", None), ("a", "a.mojo", ["-O3"])]
    assert (merged.pkg.name, merged.pkg.path) == ("lib", "other")
    assert merged.env == {"X": "1", "Y": "2"} and merged.compilers == ["c"]


def test_unknown_options_are_accepted_as_upstream() -> None:
    assert _config({"no-such-option": 1}).bins is None


def test_recipe_renders_with_rattler_build(tmp_path: Path) -> None:
    model = {
        "name": "hello-mojo",
        "version": "0.2.0",
        "targets": {"defaultTarget": {"buildDependencies": {"mojo-compiler": {"binary": {"version": ">=0.25"}}}}},
    }
    files = {"main.mojo": "def main():\n    print('hi')\n"}
    backend = project(tmp_path, files, model=model, config={"compilers": ["c"]})
    result = backend.conda_outputs(
        t.CondaOutputsParams(host_platform="linux-64", build_platform="linux-64", work_directory=str(tmp_path / "work"))
    )
    (out,) = result.outputs
    assert (out.metadata.name, out.metadata.version, out.metadata.subdir) == ("hello-mojo", "0.2.0", "linux-64")
    assert [s.name for s in out.build_dependencies.depends] == ["mojo-compiler", "gcc_linux-64"]
    assert backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False) == ["**/*.mojo"]
