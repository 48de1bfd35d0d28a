"""What `kiln build` shows while it works: a live display whose elapsed time ticks (on a
pseudo-terminal), heartbeat lines without a terminal, package names as labels, and a
closing table that keeps paths whole on an 80-column terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECTS, kiln_exe
from tests.terminal import Terminal, plain


def copy_project(name: str, dest: Path) -> Path:
    shutil.copytree(PROJECTS / name, dest)
    return dest


def _building_times(text: str, label: str) -> list[float]:
    return [float(m) for m in re.findall(rf"{re.escape(label)}\s+building\s+(\d+\.\d)s", plain(text))]


# -- point 1: progress that moves ------------------------------------------------------------


def test_live_display_elapsed_time_ticks_while_a_package_builds(tmp_path):
    project = copy_project("recipe-slow", tmp_path / "recipe-slow")
    term = Terminal([kiln_exe(), "build", "--path", str(project), "-o", str(tmp_path / "out")], cwd=tmp_path)
    # the recipe sleeps a few seconds with no state change: the row must still count up
    term.wait_for(lambda text: len(set(_building_times(text, "recipe-slow"))) >= 3)
    code, text, _ = term.finish()
    assert code == 0, plain(text)
    times = _building_times(text, "recipe-slow")
    assert times == sorted(times) and times[-1] > times[0], times
    shown = plain(text)
    # the backend's last log line, in the row: the script's echo or its trace of `sleep`
    assert re.search(r"recipe-slow\s+building\s+\d+\.\ds\s+new\s+(slow build started|\+ sleep 4)", shown), shown
    assert re.search(r"recipe-slow\s+built\s+\d+\.\ds", shown)


def _stream_stderr(cmd: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Run without a terminal (stdin, stdout, stderr all pipes), reading stderr as it comes."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})  # fmt: skip
    lines = [line.rstrip("\n") for line in proc.stderr]
    proc.stdout.read()
    return proc.wait(timeout=300), lines


HEARTBEAT = re.compile(r"^recipe-slow: still building, (\d+\.\d)s so far; last log: (.*)$")


def _heartbeats(lines: list[str]) -> list[tuple[int, re.Match]]:
    start = lines.index("recipe-slow: building (new)")
    end = next(i for i, line in enumerate(lines) if line.startswith("recipe-slow: built ("))
    assert not any(HEARTBEAT.match(line) for line in lines[:start] + lines[end:]), lines
    beats = [(i, HEARTBEAT.match(lines[i])) for i in range(start + 1, end) if HEARTBEAT.match(lines[i])]
    assert beats, lines[start : end + 1]
    elapsed = [float(m.group(1)) for _, m in beats]
    assert elapsed == sorted(elapsed)
    return beats


def test_without_a_terminal_a_heartbeat_names_elapsed_time_and_the_last_log_line(tmp_path):
    project = copy_project("recipe-slow", tmp_path / "recipe-slow")
    cmd = [kiln_exe(), "build", "--path", str(project), "-o", str(tmp_path / "out")]
    code, lines = _stream_stderr(cmd, {"KILN_HEARTBEAT_SECONDS": "0.5"})
    assert code == 0, "\n".join(lines)
    beats = _heartbeats(lines)
    # during the recipe's sleep the backend last logged the script's echo or its trace of `sleep`
    assert {m.group(2) for _, m in beats} & {"slow build started", "+ sleep 4"}, lines


def test_under_v_a_heartbeat_quotes_the_last_backend_line_shown(tmp_path):
    project = copy_project("recipe-slow", tmp_path / "recipe-slow")
    cmd = [kiln_exe(), "build", "-v", "--path", str(project), "-o", str(tmp_path / "out")]
    code, lines = _stream_stderr(cmd, {"KILN_HEARTBEAT_SECONDS": "0.5"})
    assert code == 0, "\n".join(lines)
    for i, beat in _heartbeats(lines):
        logged = [line.removeprefix("recipe-slow | ").strip() for line in lines[:i] if line.startswith("recipe-slow |")]
        assert beat.group(2) == [text for text in logged if text][-1], lines[: i + 1]


def test_heartbeat_is_quiet_under_q_and_a_bad_interval_is_an_error(tmp_path):
    project = copy_project("recipe-slow", tmp_path / "recipe-slow")
    cmd = [kiln_exe(), "build", "--path", str(project), "-o", str(tmp_path / "out")]
    code, lines = _stream_stderr([*cmd, "-q"], {"KILN_HEARTBEAT_SECONDS": "0.2"})
    assert code == 0 and lines == [], lines
    code, lines = _stream_stderr(cmd, {"KILN_HEARTBEAT_SECONDS": "soon"})
    assert code == 1
    assert lines == ["error: KILN_HEARTBEAT_SECONDS='soon': expected a number of seconds (0 turns the heartbeat off)"]


# -- point 6: labels, first-build wording, the closing table -----------------------------------


def test_labels_are_package_names_and_a_first_build_is_new(tmp_path):
    project = copy_project("recipe-hello", tmp_path / "hello-dir")  # directory name != package name
    cmd = [kiln_exe(), "build", "--path", str(project), "-o", str(tmp_path / "out"), "--no-progress", "--explain"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "hello-dir" not in proc.stderr.replace(str(project), "")
    assert "recipe-hello: building (new)" in proc.stderr
    assert re.search(r"^  recipe-hello 0\.1\.0 \(\w+\): built \(new\)$", proc.stderr, re.M), proc.stderr
    assert "not built before" not in proc.stderr
    (project / "message.txt").write_text("changed\n")
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "recipe-hello 0.1.0" in again.stderr and "rebuilt, input files changed: message.txt" in again.stderr


def test_a_recipe_named_through_its_context_is_labelled_by_that_name(tmp_path):
    project = copy_project("recipe-hello", tmp_path / "hello-dir")
    recipe = project / "recipe.yaml"
    text = recipe.read_text().replace("  name: recipe-hello\n", "  name: ${{ name }}\n", 1)
    recipe.write_text('context:\n  name: "ctx-hello"  # from context\n\n' + text)
    proc = subprocess.run([kiln_exe(), "build", "--json", "--path", str(project), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "ctx-hello: building (new)" in proc.stderr


def _table_run(project: Path, out: Path, cwd: Path, columns: int) -> tuple[str, Path]:
    term = Terminal([kiln_exe(), "build", "--path", str(project), "-o", str(out)], columns=columns, cwd=cwd)
    code, text, _ = term.finish()
    assert code == 0, plain(text)
    (archive,) = out.rglob("recipe-hello-*.conda")
    text = plain(text).replace("\r\n", "\n")
    return text[text.index("archives written"):], archive


def _drawn(table: str) -> list[str]:
    return [line for line in table.splitlines() if line[:1] in "┏┃┡│└"]


def test_closing_table_keeps_paths_whole_on_80_columns(tmp_path):
    deep = tmp_path / "a-rather-long-directory-name-for-the-build" / "and-one-more-level-below-it"
    project = copy_project("recipe-hello", deep / "recipe-hello")
    # from the workspace the path is shortened relative to it; 80 columns cannot hold it
    # beside the other columns, so it is printed whole below the table
    table, archive = _table_run(project, deep / "out", cwd=deep, columns=80)
    assert f"\n  {archive.relative_to(deep)}\n" in table, table
    assert _drawn(table) and all(len(line) <= 80 for line in _drawn(table)), table
    # from elsewhere the path stays absolute, longer than the terminal, and still whole
    assert len(str(archive)) > 80
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    table, archive = _table_run(project, deep / "out", cwd=elsewhere, columns=80)
    assert f"\n  {archive}\n" in table, table
    assert _drawn(table) and all(len(line) <= 80 for line in _drawn(table)), table
    # on a wide terminal the path fits in its column, on the package's row
    table, archive = _table_run(project, deep / "out", cwd=deep, columns=140)
    assert re.search(rf"│ recipe-hello +│.*│ {re.escape(str(archive.relative_to(deep)))} +│", table), table
