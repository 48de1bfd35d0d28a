"""Manifests from older pixi docs (issue 14): deprecation warnings, the migration message, ``kiln migrate``.

The older docs' manifest is ``tests/projects/older-docs-build-system`` (pixi's
"Migrate to the new build feature" page, verbatim apart from its channels and the
host dependencies the offline channel has); ``tests/projects/deprecated-forms``
uses every deprecated form ``kiln migrate`` rewrites. Builds, installs and runs
are real, from the session's offline channel.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiln.frontend.manifest import legacy
from kiln.frontend.manifest.manifest_files import read_manifest
from kiln.frontend.manifest.migrate import MigrationRefused, plan_migration
from tests.conftest import PROJECTS
from tests.helpers import kiln_install, run_kiln

#: line -> what the migration message says there, for the older docs' manifest.
OLDER_DOCS_FORMS = {
    5: "The `project` field is deprecated. Use `workspace` instead. (deprecated)",
    10: '`preview = ["build"]`: write `preview = ["pixi-build"]`',
    17: "`[package]` without `name` took it from the workspace: write `name = { workspace = true }`",
    24: "`[build-system]`: write `[package.build.backend]`",
    31: '`build-backend = { name = "pixi-build-python", version = "*" }`: write '
    '`[package.build] backend = { name = "pixi-build-python", version = "*" }`',
    34: "`[build-system] channels`: write `[package.build] backend.channels`",
    38: "`[host-dependencies]` outside `[package]`: write `[package.host-dependencies]`",
}
#: line -> pixi's warning, for tests/projects/deprecated-forms.
DEPRECATED_FORMS = {
    3: "The `project` field is deprecated. Use `workspace` instead.",
    9: "The `host-dependencies` field is deprecated. Use `dependencies` instead.",
    12: "The `build-dependencies` field is deprecated. Use `dependencies` instead.",
    17: "The `depends_on` field is deprecated. Use `depends-on` instead.",
    29: "Top-level 'channels' in [package.build] is deprecated. Please move to 'backend.channels'.",
    31: "The `configuration` field is deprecated. Use `config` instead.",
    37: "the `[package.target]` tables are deprecated in favor of conditional dependencies: move the dependencies "
    "to [package.run-dependencies.\"if(host_platform == 'linux-64')\"]",
}


def copy_project(name: str, tmp_path: Path, channel: Path) -> Path:
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    manifest = project / "pixi.toml"
    manifest.write_text(manifest.read_text().replace("CHANNEL", str(channel)))
    return project


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def build_install_run(project: Path, tmp_path: Path, channel: Path, command: str) -> tuple[str, str]:
    """``kiln build`` the project, install the archive into a fresh prefix, run ``command``; (stderr, stdout)."""
    out = tmp_path / "out"
    built = run_kiln("build", "--path", str(project), "-o", str(out))
    archives = sorted(out.glob("*.conda"))
    assert len(archives) == 1, built.stderr
    prefix = kiln_install(tmp_path / "prefix", [str(archives[0])], [channel])
    ran = subprocess.run([prefix / "bin" / command], capture_output=True, text=True, check=True)
    return built.stderr, ran.stdout


@pytest.mark.build
def test_older_docs_manifest_gets_one_migration_message_naming_each_form_at_its_line(tmp_path, local_channel):
    project = copy_project("older-docs-build-system", tmp_path, local_channel)
    manifest = project / "pixi.toml"
    failed = run_kiln("build", "--path", str(project), "-o", str(tmp_path / "out"), check=False)
    assert failed.returncode == 1
    assert "unknown key" not in failed.stderr
    assert "Traceback" not in failed.stderr
    assert failed.stderr.count("error: ") == 1
    for line, form in OLDER_DOCS_FORMS.items():
        assert f"  {manifest}:{line}: {form}" in failed.stderr, failed.stderr
    listed = re.findall(rf"^  {re.escape(str(manifest))}:(\d+): ", failed.stderr, re.M)
    assert [int(n) for n in listed] == sorted(int(n) for n in listed)  # in line order
    assert failed.stderr.rstrip().endswith(f"kiln migrate --manifest-path {manifest}")
    assert not warnings_of(failed.stderr)  # the deprecated form is in the message, not warned about as well
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.build
def test_migrate_rewrites_the_older_docs_manifest_keeping_comments_and_the_result_builds_installs_runs(
    tmp_path, local_channel
):
    project = copy_project("older-docs-build-system", tmp_path, local_channel)
    manifest = project / "pixi.toml"
    before = manifest.read_bytes()

    dry = run_kiln("migrate", "--manifest-path", str(manifest), "--dry-run")
    assert manifest.read_bytes() == before
    assert dry.stdout.startswith(f"--- {manifest}\n+++ {manifest}\n")
    assert "-[build-system]\n+[package.build.backend]\n" in dry.stdout

    done = run_kiln("migrate", "--manifest-path", str(project))  # the directory works too
    assert done.stdout == dry.stdout
    after = manifest.read_text()
    comments = [line for line in before.decode().splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert "[workspace]\n" in after and "[project]" not in after.replace("[project] section", "")
    assert 'preview = ["pixi-build"]' in after
    assert "[package]\nname = { workspace = true }\nversion = { workspace = true }\n" in after
    assert '\nname = "pixi-build-python"\nversion = "*"\n' in after
    assert "[package.host-dependencies]\n" in after and "\n[host-dependencies]" not in after
    assert after.endswith('[dependencies]\nolder_docs = { path = "." }\n')  # the workspace's own, untouched

    again = run_kiln("migrate", "--manifest-path", str(manifest))
    assert again.stdout == "" and "nothing to migrate" in again.stderr
    assert manifest.read_text() == after

    stderr, stdout = build_install_run(project, tmp_path, local_channel, "older-docs")
    assert not warnings_of(stderr), stderr
    assert stdout == "built from a migrated manifest\n"


@pytest.mark.build
def test_each_deprecated_form_warns_once_at_its_line_and_the_package_still_builds_installs_runs(
    tmp_path, local_channel
):
    project = copy_project("deprecated-forms", tmp_path, local_channel)
    manifest = project / "pixi.toml"
    stderr, stdout = build_install_run(project, tmp_path, local_channel, "deprecated-forms")
    assert stdout == "built despite deprecated forms\n"
    expected = [f"warning: {manifest}:{line}: {message}" for line, message in DEPRECATED_FORMS.items()]
    assert warnings_of(stderr) == expected  # each once, in line order, however often the manifest is read


@pytest.mark.build
def test_migrate_rewrites_the_deprecated_forms_and_the_result_builds_without_warnings(tmp_path, local_channel):
    project = copy_project("deprecated-forms", tmp_path, local_channel)
    manifest = project / "pixi.toml"
    run_kiln("migrate", "--manifest-path", str(manifest))
    after = manifest.read_text()
    assert f'backend = {{ name = "pixi-build-python", version = "*", channels = ["{local_channel}"] }}' in after
    assert "[package.build.config]\n" in after
    assert "[package.run-dependencies.\"if(host_platform == 'linux-64')\"]\n" in after
    assert 'depends-on = ["check"]' in after and "[feature.lint.dependencies]" in after
    assert "[dependencies]  # the workspace environment's" in after  # the comment on the renamed header stays
    assert "nothing to migrate" in run_kiln("migrate", "--manifest-path", str(manifest)).stderr
    stderr, stdout = build_install_run(project, tmp_path, local_channel, "deprecated-forms")
    assert not warnings_of(stderr), stderr
    assert stdout == "built despite deprecated forms\n"


@pytest.mark.build
def test_migrate_refuses_forms_whose_meaning_it_cannot_keep_and_changes_nothing(tmp_path, local_channel):
    project = copy_project("deprecated-forms", tmp_path, local_channel)
    manifest = project / "pixi.toml"
    text = manifest.read_text().replace('preview = ["pixi-build"]\n', 'preview = ["pixi-build"]\nconda-pypi-map = {}\n')
    manifest.write_text(text + '\n[system-requirements]\nlibc = "2.17"\n')
    before = manifest.read_bytes()
    refused = run_kiln("migrate", "--manifest-path", str(manifest), check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert manifest.read_bytes() == before
    assert f"{manifest}:8: `conda-pypi-map = {{}}` is deprecated: choose" in refused.stderr
    assert f"{manifest}:41: the `[system-requirements]` table is deprecated" in refused.stderr
    # both only warn: the package still builds
    built = run_kiln("build", "--path", str(project), "-o", str(tmp_path / "out"))
    assert f"warning: {manifest}:8: `conda-pypi-map = {{}}` is deprecated" in warnings_of(built.stderr)
    assert len(list((tmp_path / "out").glob("*.conda"))) == 1


def test_migrating_a_current_manifest_is_a_no_op(tmp_path):
    for name in ("workspace-python", "workspace-recipes"):
        project = tmp_path / name
        shutil.copytree(PROJECTS / name, project)
        before = (project / "pixi.toml").read_bytes()
        done = run_kiln("migrate", "--manifest-path", str(project))
        assert done.stdout == "" and "nothing to migrate" in done.stderr
        assert (project / "pixi.toml").read_bytes() == before


def test_pyproject_tool_pixi_tables_are_migrated_and_pep517_build_system_left_alone(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[build-system]  # PEP 517: not pixi\'s\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "pp"\nversion = "1.0"\n\n'
        '[tool.pixi.project]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\npreview = ["build"]\n\n'
        "[tool.pixi.package]\n\n"
        '[tool.pixi.build-system]\nbuild-backend = { name = "pixi-build-python", version = "*" }\n'
    )
    with pytest.raises(Exception) as raised:
        read_manifest(pyproject)
    assert f"{pyproject}:9: `[build-system]`" not in str(raised.value)
    assert f"{pyproject}:16: `[build-system]`: write `[package.build.backend]`" in str(raised.value)
    migration = plan_migration(pyproject)
    assert migration.after == (
        '[build-system]  # PEP 517: not pixi\'s\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "pp"\nversion = "1.0"\n\n'
        '[tool.pixi.workspace]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\npreview = ["pixi-build"]\n\n'
        "[tool.pixi.package]\n\n"
        '[tool.pixi.package.build.backend]\nname = "pixi-build-python"\nversion = "*"\n'
    )
    pyproject.write_text(migration.after)
    assert read_manifest(pyproject) is not None
    assert not plan_migration(pyproject).changed


def test_migrate_refuses_a_rewrite_that_would_not_parse_to_the_same_data(tmp_path):
    manifest = tmp_path / "pixi.toml"
    text = (
        '[workspace]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\n\n'
        '[host-dependencies]\npython = "*"\n\n[dependencies]\npython = ">=3.10"\n'
    )
    manifest.write_text(text)
    with pytest.raises(MigrationRefused, match="change them by hand"):
        plan_migration(manifest)
    assert manifest.read_text() == text


def test_a_deprecation_warns_once_however_often_the_manifest_is_read(tmp_path, capsys):
    manifest = tmp_path / "pixi.toml"
    manifest.write_text('[project]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\n')
    for _ in range(3):
        read_manifest(manifest)
    assert capsys.readouterr().err == (
        f"warning: {manifest}:1: The `project` field is deprecated. Use `workspace` instead.\n"
    )
    seen: list[str] = []
    legacy.set_warning_sink(seen.append)
    try:
        other = tmp_path / "other" / "pixi.toml"
        other.parent.mkdir()
        other.write_text(manifest.read_text())
        read_manifest(other)
    finally:
        legacy.set_warning_sink(None)
    assert seen == [f"warning: {other}:1: The `project` field is deprecated. Use `workspace` instead."]


OLD_LAYOUT = '''[project]
name = "old"
version = "1.2"
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64"]
preview = ["pixi-build"]

[package]
name = "old"

[build-system]
build-backend = { name = "pixi-build-cmake", version = "0.1.*" }  # the backend
channels = ["https://prefix.dev/pixi-build-backends", "conda-forge"]
additional-dependencies = { git = "*" }

[build-backend.pixi-build-cmake]
extra-args = ["-DX=1"]

[run-dependencies]
zlib = "*"

[target.osx.build-dependencies]
clang = "*"

[target.linux-64.run-dependencies]
libgcc = "*"
'''


def test_the_december_2024_layout_moves_every_package_table_under_package(tmp_path):
    manifest = tmp_path / "pixi.toml"
    manifest.write_text(OLD_LAYOUT)
    migration = plan_migration(manifest)
    assert migration.after == (
        OLD_LAYOUT.replace("[project]", "[workspace]")
        .replace('[package]\nname = "old"\n', '[package]\nversion = { workspace = true }\nname = "old"\n')
        .replace("[build-system]\n", "[package.build.backend]\n")
        .replace('build-backend = { name = "pixi-build-cmake", version = "0.1.*" }  # the backend',
                 'name = "pixi-build-cmake"\nversion = "0.1.*"  # the backend')
        .replace("[build-backend.pixi-build-cmake]", "[package.build.config]")
        .replace("[run-dependencies]", "[package.run-dependencies]")
        .replace("[target.osx.build-dependencies]", '[package.build-dependencies."if(osx)"]')
        .replace("[target.linux-64.run-dependencies]", "[package.run-dependencies.\"if(host_platform == 'linux-64')\"]")
    )  # fmt: skip
    manifest.write_text(migration.after)
    assert not plan_migration(manifest).changed

    manifest.write_text(OLD_LAYOUT.replace("[build-backend.pixi-build-cmake]", "[build-backend.other]"))
    with pytest.raises(MigrationRefused, match=r"pixi.toml:16: cannot rewrite `\[build-backend\]`"):
        plan_migration(manifest)
