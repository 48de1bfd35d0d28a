"""kiln.conda.urls: the channel rule (no trailing slash, local paths) and the about-URL rule (WHATWG)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.conda.urls import (
    DEFAULT_CHANNEL_ALIAS,
    InvalidChannel,
    about_url,
    channel_location,
    channel_name,
    channel_url,
    is_path,
)

ROOT = Path("/work/ws")


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("conda-forge", f"{DEFAULT_CHANNEL_ALIAS}/conda-forge"), ("conda-forge/label/dev", f"{DEFAULT_CHANNEL_ALIAS}/conda-forge/label/dev"),
     ("https://prefix.dev/conda-forge/", "https://prefix.dev/conda-forge"), (" https://x.org/a ", "https://x.org/a"),
     ("file:///srv/chan/", "/srv/chan"), ("file:///srv/my%20chan", "/srv/my chan"), ("./chan", "/work/ws/chan"),
     ("../chan/", "/work/chan"), ("/abs/chan", "/abs/chan"), (".", "/work/ws")],
)  # fmt: skip
def test_channel_location(channel: str, expected: str) -> None:
    assert channel_location(channel, root=ROOT) == expected


def test_channel_alias_is_joined_without_double_slash() -> None:
    assert channel_location("bioconda", root=ROOT, alias="https://prefix.dev/") == "https://prefix.dev/bioconda"


@pytest.mark.parametrize("channel", ["https://", "bad name", "a//b", "conda forge"])
def test_invalid_channels(channel: str) -> None:
    with pytest.raises(InvalidChannel):
        channel_location(channel, root=ROOT)


def test_channel_url_is_a_url_for_paths_too() -> None:
    assert channel_url("./chan", root=ROOT) == "file:///work/ws/chan"
    assert channel_url("https://x.org/c/", root=ROOT) == "https://x.org/c"


@pytest.mark.parametrize(
    ("text", "path"),
    [("/a", True), ("./a", True), ("../a", True), ("~/a", True), (".", True), ("C:\\a", True), ("c:/a", True),
     ("\\\\server\\share", True), ("conda-forge", False), ("https://x", False)],
)  # fmt: skip
def test_is_path(text: str, path: bool) -> None:
    assert is_path(text) is path


@pytest.mark.parametrize(
    ("channel", "name"),
    [("https://prefix.dev/conda-forge", "conda-forge"), ("https://prefix.dev/conda-forge/", "conda-forge"),
     ("conda-forge", "conda-forge"), ("/srv/channels/local", "local")],
)  # fmt: skip
def test_channel_name(channel: str, name: str) -> None:
    assert channel_name(channel) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [("https://example.com", "https://example.com/"), ("HTTPS://EXAMPLE.com:8080/a?b#c", "https://example.com:8080/a?b#c"),
     ("https://x.org?q=1", "https://x.org/?q=1"), ("https://u:p@Host.org/P", "https://u:p@host.org/P"),
     (" https://x.org/a/ ", "https://x.org/a/"), ("mailto:me@example.com", "mailto:me@example.com"),
     ("file:///tmp/x", "file:///tmp/x"), ("git+https://x.org/r.git", "git+https://x.org/r.git")],
)  # fmt: skip
def test_about_url(text: str, expected: str) -> None:
    assert about_url(text) == expected


@pytest.mark.parametrize("text", ["not a url", "", "https://", "http:///path", "1http://x.org", "https://x.org:port/"])
def test_about_url_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a valid URL"):
        about_url(text)
