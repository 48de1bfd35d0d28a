"""Channel names, URLs and local paths as pixi resolves them.

A manifest may name a channel (``conda-forge``), give its URL, or give a local
directory. Names are joined to the channel alias -- pixi's default is
``https://conda.anaconda.org`` -- and relative paths to the manifest's directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

DEFAULT_CHANNEL_ALIAS = "https://conda.anaconda.org"

_CHANNEL_NAME = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


class InvalidChannel(ValueError):
    """The text names no channel: neither a URL, a path nor a channel name."""


def is_path(channel: str) -> bool:
    """Does the text name a local directory rather than a channel name or URL?"""
    return (
        channel.startswith(("/", "./", "../", "~", ".\\", "..\\", "\\\\"))
        or channel in (".", "..")
        or bool(_WINDOWS_DRIVE.match(channel))
    )


def channel_location(channel: str, *, root: Path, alias: str = DEFAULT_CHANNEL_ALIAS) -> str:
    """Where a channel lives: a URL without trailing slash, or an absolute local path.

    ``file://`` URLs become paths too: a local channel is a directory either way.
    """
    channel = channel.strip()
    if "://" in channel:
        parsed = urlparse(channel)
        if parsed.scheme == "file":
            return os.path.normpath(unquote(parsed.path))
        if not parsed.scheme or not parsed.netloc:
            raise InvalidChannel(f"`{channel}` is not a valid channel URL")
        return channel.rstrip("/")
    if is_path(channel):
        return os.path.normpath(root / Path(channel).expanduser())
    if not _CHANNEL_NAME.fullmatch(channel):
        raise InvalidChannel(f"`{channel}` is not a valid channel name, URL or path")
    return f"{alias.rstrip('/')}/{channel}"


def channel_url(channel: str, *, root: Path, alias: str = DEFAULT_CHANNEL_ALIAS) -> str:
    """The channel's base URL as the project model carries it (``file://`` for paths)."""
    location = channel_location(channel, root=root, alias=alias)
    if "://" in location:
        return location
    return Path(location).as_uri()
