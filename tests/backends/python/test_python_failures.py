"""Picking pip's and uv's error report out of a failed build's log (logs recorded from real builds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.backends.python.failures import installer_error, missing_module

LOGS = Path(__file__).parent / "logs"


def summary(name: str, installer: str) -> str:
    text = installer_error((LOGS / f"{name}.log").read_text().splitlines(), installer)
    assert text is not None
    return text


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_the_build_backend_message_is_kept(installer: str) -> None:
    text = summary(f"{installer}-failing-build", installer)
    assert "failing-build: the build step refuses to run (deliberate test failure)" in text
    assert "Traceback" not in text or installer == "uv"
    assert "Script failed" not in text and "conda_build.sh" not in text
    assert len(text.splitlines()) <= 40


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_a_missing_build_backend_is_named(installer: str) -> None:
    text = summary(f"{installer}-unknown-backend", installer)
    assert missing_module(text) == "nonexistent_backend"


def test_pip_report_stops_before_its_traceback() -> None:
    text = summary("pip-unknown-backend", "pip")
    assert "Cannot import build backend 'nonexistent_backend.build'" in text
    assert 'File "' not in text


def test_no_report_in_an_unrelated_log() -> None:
    assert installer_error(["+ make", "make: *** [all] Error 2", "Script failed with status 2"], "uv") is None
    assert installer_error([], "pip") is None
