"""The key scanner: every key path of a TOML document maps to the line it is written on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import ManifestError
from kiln.frontend.manifest.toml_source import TomlDocument, format_key

TEXT = '''\
# comment
[workspace]
channels = [
  "a", # trailing comment
  { channel = "b", priority = 1 },
]
text = """multi
line with "quotes" \\""" and more
"""
literal = \'\'\'
raw\'\'\'

[package."run-dependencies"."if(linux or win)"]
cuda = "12.*"
a.b.c = 1
when = 1979-05-27 07:32:00Z
inline = {
  x = 1,
  y = [1, 2],
}

[[tool.x]]
y = 1
[[tool.x]]
y = 2
[tool.x.z]
w = 3
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("workspace",), 2),
        (("workspace", "channels"), 3),
        (("workspace", "channels", 0), 4),
        (("workspace", "channels", 1, "priority"), 5),
        (("workspace", "text"), 7),
        (("workspace", "literal"), 10),
        (("package",), 13),
        (("package", "run-dependencies", "if(linux or win)"), 13),
        (("package", "run-dependencies", "if(linux or win)", "cuda"), 14),
        (("package", "run-dependencies", "if(linux or win)", "a", "b", "c"), 15),
        (("package", "run-dependencies", "if(linux or win)", "when"), 16),
        (("package", "run-dependencies", "if(linux or win)", "inline", "y", 1), 19),
        (("tool", "x", 0, "y"), 23),
        (("tool", "x", 1), 24),
        (("tool", "x", 1, "z", "w"), 27),
        (("package", "run-dependencies", "if(linux or win)", "missing", "deeper"), 13),
    ],
)
def test_lines(path: tuple, line: int) -> None:
    assert TomlDocument(Path("x.toml"), TEXT).line_of(path) == line


def test_format_key_quotes_what_is_not_bare() -> None:
    assert format_key(("package", "run-dependencies", "if(linux)", "a")) == 'package.run-dependencies."if(linux)".a'
    assert format_key(("workspace", "channels", 1)) == "workspace.channels[1]"


def test_invalid_toml_names_line_and_column_with_a_caret_under_the_text() -> None:
    with pytest.raises(ManifestError) as raised:
        TomlDocument(Path("x.toml"), "[a]\nb = 1\nc = [1, 2 x]\n")
    assert (raised.value.line, raised.value.column) == (3, 11)
    assert str(raised.value) == "x.toml:3:11: invalid TOML: Unclosed array\n   3 | c = [1, 2 x]\n     |           ^"
