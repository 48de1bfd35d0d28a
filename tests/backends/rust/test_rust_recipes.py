"""pixi-build-rust's recipe for each option and rule of spec ``backends.md`` §4, written from the spec."""

from __future__ import annotations

import pytest
from tests.backends.rust.rusthelpers import generate, make_backend, recipe_data

from kiln.errors import ConfigurationError, KilnError

CARGO = '[package]\nname = "hello"\nversion = "1.2.3"\nedition = "2021"\n'
IGNORE = {"ignore-cargo-manifest": True}


def script_of(data) -> str:
    script = data["build"]["script"]
    content = script["content"] if isinstance(script, dict) else script
    return "\n".join(content) if isinstance(content, list) else content


# -- configuration and target merging (§4.1) -----------------------------------------------


def test_target_config_merges_each_option_by_its_rule(tmp_path):
    base = {"extra-args": ["--features", "a"], "env": {"A": "1", "B": "1"}, "extra-input-globs": ["x/*"],
            "binaries": ["one"], "compilers": ["rust"]}  # fmt: skip
    target = {"linux-64": {"extra-args": [], "env": {"B": "2"}, "extra-input-globs": ["y/*"], "binaries": [],
                           "ignore-cargo-manifest": True, "compilers": ["rust", "cxx"]}}  # fmt: skip
    config = make_backend(tmp_path, config=base, target_config=target).config_for("linux-64")
    assert config.extra_args == ["--features", "a"]  # replace-if-nonempty: empty keeps the base
    assert config.env == {"A": "1", "B": "2"}  # merge-map
    assert config.extra_input_globs == ["y/*"]
    assert config.binaries == ["one"]  # replace-if-nonempty
    assert config.ignore_cargo_manifest is True and config.compilers == ["rust", "cxx"]  # override
    other = make_backend(tmp_path, config=base, target_config=target).config_for("osx-arm64")
    assert other.binaries == ["one"] and other.env == {"A": "1", "B": "1"}


def test_a_target_binaries_list_replaces_the_base_one(tmp_path):
    backend = make_backend(tmp_path, config={**IGNORE, "binaries": ["a"]},
                           target_config={"unix": {"binaries": ["b", "c"]}})  # fmt: skip
    assert "--no-track  --force" not in script_of(recipe_data(backend))
    assert " --bin b --bin c --force" in script_of(recipe_data(backend))


def test_unknown_keys_and_wrong_types_are_rejected(tmp_path):
    with pytest.raises(ConfigurationError, match="unknown field `binary`") as info:
        make_backend(tmp_path, config={"binary": ["x"]})
    assert "binaries" in (info.value.help or "")
    with pytest.raises(ConfigurationError, match=r"\$.binaries"):
        make_backend(tmp_path, config={"binaries": "x"})


# -- requirements (§4.2) ---------------------------------------------------------------------


def test_default_compilers_are_rust_and_c_and_stdlib_follows_a_c_stdlib_variant(tmp_path):
    backend = make_backend(tmp_path, config=IGNORE)
    assert recipe_data(backend)["requirements"]["build"] == ["${{ compiler('rust') }}", "${{ compiler('c') }}"]
    data = recipe_data(backend, variant_keys=["c_stdlib"])
    assert data["requirements"]["build"][-1] == "${{ stdlib('c') }}"
    configured = make_backend(tmp_path, config={**IGNORE, "compilers": ["rust"]})
    assert recipe_data(configured)["requirements"]["build"] == ["${{ compiler('rust') }}"]
    assert "host" not in recipe_data(backend)["requirements"]


def test_sccache_from_config_env_adds_the_tool_and_the_wrapper_but_no_secret(tmp_path):
    data = recipe_data(make_backend(tmp_path, config={**IGNORE, "env": {"SCCACHE_DIR": "/c"}}))
    assert data["requirements"]["build"][-1] == "sccache"
    assert data["build"]["script"]["env"] == {"SCCACHE_DIR": "/c"}
    assert "secrets" not in data["build"]["script"]
    assert 'export RUSTC_WRAPPER="sccache"' in script_of(data)
    assert script_of(data).endswith("\nsccache --show-stats\n")


def test_sccache_from_the_backend_environment_becomes_a_secret_whose_value_never_appears(tmp_path):
    secret = "s3cr3t-value-4711"
    backend = make_backend(tmp_path, config={**IGNORE, "env": {"SCCACHE_DIR": "/c"}},
                           system_env={"SCCACHE_REGION": secret, "SCCACHE_DIR": "/sys", "HOME": "/root"})  # fmt: skip
    data = recipe_data(backend)
    assert data["build"]["script"]["secrets"] == ["SCCACHE_REGION"]
    assert data["build"]["script"]["env"] == {"SCCACHE_DIR": "/c"}
    assert secret not in generate(backend).recipe.to_yaml()


def test_a_declared_sccache_is_added_again_and_no_sccache_variable_means_none(tmp_path):
    model = {"name": "foobar", "version": "0.1.0",
             "targets": {"defaultTarget": {"buildDependencies": {"sccache": {"binary": {"version": "*"}}}}}}  # fmt: skip
    data = recipe_data(make_backend(tmp_path, model=model, config=IGNORE, system_env={"SCCACHE_X": "1"}))
    assert data["requirements"]["build"].count("sccache") == 2
    plain = recipe_data(make_backend(tmp_path, config=IGNORE, system_env={"CCACHE_DIR": "/x"}))
    assert "sccache" not in plain["requirements"]["build"] and "RUSTC_WRAPPER=" not in script_of(plain)


def test_model_secrets_join_the_sccache_ones_sorted(tmp_path):
    model = {"name": "foobar", "version": "0.1.0", "secrets": ["ZED", "ALPHA"], "targets": {"defaultTarget": {}}}
    data = recipe_data(make_backend(tmp_path, model=model, config=IGNORE, system_env={"SCCACHE_KEY": "v"}))
    assert data["build"]["script"]["secrets"] == ["ALPHA", "SCCACHE_KEY", "ZED"]


# -- script (§4.4) ---------------------------------------------------------------------------


def test_the_script_installs_the_manifest_root_with_extra_args_then_the_chosen_binaries(tmp_path):
    backend = make_backend(tmp_path, config={**IGNORE, "extra-args": ["--features", "x"], "binaries": ["one"]})
    script = script_of(recipe_data(backend))
    assert (f'"$BUILD_PREFIX/bin/cargo" install --locked --root "$PREFIX" --path "{tmp_path}" '
            "--target-dir target --no-track --features x --bin one --force") in script  # fmt: skip
    win = script_of(recipe_data(backend, host_platform="win-64", build_platform="win-64"))
    assert win.startswith('if exist "%PREFIX%\\Library\\include\\openssl"')
    assert "--bin one --force\nif errorlevel 1 exit 1\n" in win


# -- metadata (§4.3) -------------------------------------------------------------------------

EMPTY_MODEL = {"targets": {"defaultTarget": {}}}


def test_metadata_comes_from_cargo_toml_when_the_model_has_none(tmp_path):
    cargo = CARGO + ('description = "d"\nlicense = "MIT OR Apache-2.0"\nlicense-file = "LICENSE.txt"\n'
                     'homepage = "https://h.example"\nrepository = "https://r.example/x"\n'
                     'documentation = "https://d.example"\n')  # fmt: skip
    gen = generate(make_backend(tmp_path, model=EMPTY_MODEL, files={"Cargo.toml": cargo}))
    r = gen.recipe
    assert (r.name, r.version) == ("hello", "1.2.3")
    assert r.about.description == "d" and r.about.summary is None
    assert r.about.license == "MIT OR Apache-2.0" and r.about.license_file == ["LICENSE.txt"]
    assert (r.about.homepage, r.about.repository) == ("https://h.example/", "https://r.example/x")
    assert gen.metadata_input_globs == ["Cargo.toml"]


def test_the_model_wins_over_cargo_toml(tmp_path):
    gen = generate(make_backend(tmp_path, model={"name": "other", "version": "9", "targets": {}},
                                files={"Cargo.toml": CARGO}))  # fmt: skip
    assert (gen.recipe.name, gen.recipe.version) == ("other", "9")


WORKSPACE = '[workspace]\nmembers = ["crates/*"]\n[workspace.package]\nversion = "2.0.0"\nlicense = "MIT"\n'
MEMBER = '[package]\nname = "app"\nversion.workspace = true\nlicense.workspace = true\nedition = "2021"\n'


def test_inherited_values_come_from_the_nearest_parent_workspace(tmp_path):
    (tmp_path / "Cargo.toml").write_text(WORKSPACE)
    gen = generate(make_backend(tmp_path / "crates" / "app", model=EMPTY_MODEL, files={"Cargo.toml": MEMBER}))
    assert (gen.recipe.version, gen.recipe.about.license) == ("2.0.0", "MIT")
    assert gen.metadata_input_globs == ["Cargo.toml", "../Cargo.toml", "../../Cargo.toml"]


def test_package_workspace_names_the_workspace_and_its_glob(tmp_path):
    (tmp_path / "ws" / "Cargo.toml").parent.mkdir()
    (tmp_path / "ws" / "Cargo.toml").write_text(WORKSPACE)
    member = MEMBER.replace('edition = "2021"', 'workspace = "../ws"')
    gen = generate(make_backend(tmp_path / "app", model=EMPTY_MODEL, files={"Cargo.toml": member}))
    assert gen.recipe.version == "2.0.0"
    assert gen.metadata_input_globs == ["Cargo.toml", "../ws/Cargo.toml"]


def test_a_workspace_in_the_package_manifest_itself_is_used_first(tmp_path):
    text = MEMBER + WORKSPACE.replace('members = ["crates/*"]', "")
    gen = generate(make_backend(tmp_path, model=EMPTY_MODEL, files={"Cargo.toml": text}))
    assert gen.recipe.version == "2.0.0" and gen.metadata_input_globs == ["Cargo.toml"]


def test_a_value_missing_from_the_workspace_is_an_error(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[workspace]\n[workspace.package]\nversion = "1"\n')
    backend = make_backend(tmp_path / "app", model=EMPTY_MODEL, files={"Cargo.toml": MEMBER})
    with pytest.raises(KilnError, match=r"missing inherited value from workspace workspace\.package\.license"):
        generate(backend)


def test_a_virtual_workspace_manifest_suggests_subdirectory(tmp_path):
    text = '[workspace]\nmembers = ["crates/*", "tools/cli"]\n'
    with pytest.raises(KilnError, match=r'virtual workspace manifest.*subdirectory = "tools/cli"'):
        generate(make_backend(tmp_path, model=EMPTY_MODEL, files={"Cargo.toml": text}))
    text = '[workspace]\nmembers = ["a"]\ndefault-members = ["crates/*", "b"]\n'
    with pytest.raises(KilnError, match=r'subdirectory = "b"'):
        generate(make_backend(tmp_path / "2", model=EMPTY_MODEL, files={"Cargo.toml": text}))
    with pytest.raises(KilnError, match=r'subdirectory = "crates/<member>"'):
        generate(make_backend(tmp_path / "3", model=EMPTY_MODEL, files={"Cargo.toml": "[workspace]\n"}))


def test_a_missing_cargo_toml_is_a_clear_error_and_ignore_cargo_manifest_skips_it(tmp_path):
    with pytest.raises(KilnError, match=r"Cargo.toml does not exist") as info:
        generate(make_backend(tmp_path))
    assert "ignore-cargo-manifest" in (info.value.help or "")
    assert generate(make_backend(tmp_path, config=IGNORE)).metadata_input_globs == []


def test_invalid_toml_names_the_file_and_line(tmp_path):
    with pytest.raises(KilnError, match=r"Cargo.toml:3"):
        generate(make_backend(tmp_path, files={"Cargo.toml": '[package]\nname = "x"\nversion = \n'}))


# -- globs (§4.5) -----------------------------------------------------------------------------


def test_build_globs_are_upstreams_then_extra_globs_then_exclusions(tmp_path):
    backend = make_backend(tmp_path, config={**IGNORE, "extra-input-globs": ["assets/**"]})
    globs = backend.build_input_globs(backend.config_for("linux-64"), tmp_path, False)
    assert globs[:5] == ["**/*.rs", "Cargo.toml", "Cargo.lock", "build.rs", "assets/**"]
    assert "!target/**" in globs and all(g.startswith("!") for g in globs[5:])


def test_default_variants_are_the_shared_ones(tmp_path):
    backend = make_backend(tmp_path, config=IGNORE)
    assert backend.default_variants("win-64") == {"c_compiler": ["vs2022"], "cxx_compiler": ["vs2022"],
                                                  "cuda_compiler": ["cuda-nvcc"]}  # fmt: skip


def test_build_globs_reach_path_dependency_crates_and_the_workspace_lock(tmp_path):
    (tmp_path / "Cargo.toml").write_text(WORKSPACE + '[workspace.dependencies]\nutil = { path = "crates/util" }\n')
    (tmp_path / "crates" / "util").mkdir(parents=True)
    (tmp_path / "crates" / "util" / "Cargo.toml").write_text('[package]\nname = "util"\n[dependencies]\n'
                                                             'deep = { path = "../../deep" }\n')  # fmt: skip
    member = MEMBER + '[dependencies]\nutil = { workspace = true }\nserde = "1"\n'
    gen = generate(make_backend(tmp_path / "crates" / "app", model=EMPTY_MODEL, files={"Cargo.toml": member}))
    assert gen.build_input_globs == [
        "../util/**/*.rs", "../util/Cargo.toml", "!../util/target/**",
        "../../deep/**/*.rs", "../../deep/Cargo.toml", "!../../deep/target/**",
        "../../Cargo.toml", "../../Cargo.lock",
    ]  # fmt: skip


def test_binary_targets_are_found_as_cargo_finds_them(tmp_path):
    from kiln.backend import toml
    from kiln.backends.rust.metadata import binary_targets

    root = tmp_path / "app"
    cargo = '[package]\nname = "app"\n[[bin]]\nname = "main-tool"\npath = "src/main.rs"\n[[bin]]\nname = "x"\n'
    make_backend(root, config=IGNORE, files={"Cargo.toml": cargo, "src/main.rs": "", "src/bin/x.rs": "",
                                             "src/bin/y.rs": "", "src/bin/z/main.rs": ""})  # fmt: skip
    # src/main.rs is main-tool's, so no `app`; src/bin/x.rs is the explicit x
    assert binary_targets(root, toml.loads(cargo)) == ["main-tool", "x", "y", "z"]
    assert binary_targets(root, toml.loads(cargo.replace('[package]\n', '[package]\nautobins = false\n'))) == [
        "main-tool", "x"]  # fmt: skip
