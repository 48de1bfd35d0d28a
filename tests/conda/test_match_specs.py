"""kiln.conda.match_specs: writing match specs and reading them back, checked against rattler."""

from __future__ import annotations

import pytest
from rattler import MatchSpec

from kiln.conda.match_specs import ParsedSpec, format_spec, parse_spec


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("python",), "python"), (("python", ">=3.8"), "python >=3.8"), (("hdf5", None, "*openmpi*"), "hdf5 * *openmpi*"),
     (("foo", ">=1", None, {"license": "MIT", "build_number": ">=2"}), 'foo >=1[build_number=">=2", license="MIT"]'),
     (("foo", None, None, {"extras": ["a", "b"]}), "foo[extras=[a, b]]"),
     (("foo", None, None, {"url": 'x"y'}), 'foo[url="x\\"y"]')],
)  # fmt: skip
def test_format(args: tuple, expected: str) -> None:
    assert format_spec(*args) == expected


@pytest.mark.parametrize(
    "text",
    ["python", "python >=3.8", "hdf5 * *openmpi*", "my-package ==0.1.0 h4616a5c_0", 'foo >=1[license="MIT"]',
     "conda-forge::numpy >=1.26"],
)  # fmt: skip
def test_parse_agrees_with_rattler(text: str) -> None:
    ours, theirs = parse_spec(text), MatchSpec(text)
    assert ours.name == theirs.name.normalized
    assert ours.version == (str(theirs.version) if theirs.version is not None else None)
    assert ours.build == theirs.build


def test_parse_reads_brackets_channels_and_version_keys() -> None:
    parsed = parse_spec('conda-forge::foo[version=">=1", build="h1", md5="abc", sha256=\'d\']')
    assert parsed == ParsedSpec("foo", ">=1", "h1", {"md5": "abc", "sha256": "d"}, "conda-forge")
    assert not parsed.is_bare and parse_spec("foo").is_bare
    assert parse_spec("py* >=3").name == "py*"


@pytest.mark.parametrize("text", ["", "   ", "a b c d", "foo[=x]", "foo >=", "bad!name 1"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_spec(text)


def test_format_then_parse_round_trips() -> None:
    text = format_spec("foo", ">=1,<2", "py_0", {"md5": "0" * 32})
    assert parse_spec(text) == ParsedSpec("foo", ">=1,<2", "py_0", {"md5": "0" * 32})
