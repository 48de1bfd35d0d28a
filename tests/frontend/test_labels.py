"""The package name read from a recipe for labels, and when it gives up (then the
directory name is used; see test_progress_display for what a build shows)."""

from __future__ import annotations

import pytest

from kiln.frontend.manifest.labels import recipe_package_name

CASES = {
    "plain": ("package:\n  name: kiln-hello\n  version: 1\n", "kiln-hello"),
    "quoted, commented": ("# a recipe\npackage:\n    name: 'kiln-hello'   # the name\n", "kiln-hello"),
    "from context": ('context:\n  name: "ctx-pkg"\n  version: 1\npackage:\n  name: ${{ name }}\n', "ctx-pkg"),
    "context after use": ("package:\n  name: ${{name}}-extra\ncontext:\n  name: late\n", "late-extra"),
    "multi-output": ("recipe:\n  name: multi\noutputs:\n  - package:\n      name: one\n", "multi"),
    "package wins over recipe": ("recipe:\n  name: r\npackage:\n  name: p\n", "p"),
    "nested key ignored": ("package:\n  version: 1\n  extra:\n    name: nested\n  name: real\n", "real"),
    "jinja filter": ("context:\n  name: X\npackage:\n  name: ${{ name | lower }}\n", None),
    "unknown variable": ("package:\n  name: ${{ missing }}\n", None),
    "no name": ("build:\n  number: 0\n", None),
    "not text": (b"\xff\xfe\x00name", None),
}


@pytest.mark.parametrize("case", CASES)
def test_recipe_package_name(tmp_path, case):
    text, expected = CASES[case]
    recipe = tmp_path / "recipe.yaml"
    if isinstance(text, bytes):
        recipe.write_bytes(text)
    else:
        recipe.write_text(text)
    assert recipe_package_name(recipe) == expected


def test_missing_file_is_no_name(tmp_path):
    assert recipe_package_name(tmp_path / "recipe.yaml") is None
