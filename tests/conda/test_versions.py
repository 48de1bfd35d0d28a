"""kiln.conda.versions: a version is what rattler's Version parses; plain ones skip the import."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rattler import Version

from kiln.conda.versions import is_valid_version


def _rattler_accepts(text: str) -> bool:
    try:
        Version(text)
    except Exception:
        return False
    return True


@given(st.text(alphabet=st.sampled_from("019a_.+-!* "), min_size=0, max_size=10))
def test_validity_is_rattlers(text: str) -> None:
    assert is_valid_version(text) is (_rattler_accepts(text) and text == text.strip() and text != "")


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1", True), ("1.2.3", True), ("2!1.0", True), ("1.0a1", True), ("1.0+local", True), ("1.0-alpha", True),
     ("2024.01.01", True), ("", False), ("1..2", False), ("1.*", False), ("1 2", False), (" 1", False),
     ("1!", False), ("_1", False)],
)  # fmt: skip
def test_versions(text: str, ok: bool) -> None:
    assert is_valid_version(text) is ok


def test_plain_versions_do_not_import_rattler() -> None:
    probe = (
        "import sys; from kiln.conda.versions import is_valid_version; "
        "assert is_valid_version('1.2.3') and is_valid_version('2!10'); print('rattler' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
