"""URLs, normalised two ways: channel locations, and the URLs a package's ``about`` gives.

The two rules differ on purpose. A channel is a base that paths are joined to, so
its URL loses any trailing slash, and a ``file://`` URL or a directory becomes a
local path. An about URL (homepage, repository, documentation) is printed the way
pixi and rattler-build print a parsed URL (the WHATWG/``url`` crate form): scheme
and host lower-cased, ``/`` as the empty path of a special scheme.

A manifest may name a channel (``conda-forge``), give its URL, or give a local
directory. Names are joined to the channel alias -- pixi's default is
``https://conda.anaconda.org`` -- and relative paths to the manifest's directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

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


def channel_name(channel: str) -> str:
    """Last path segment of a channel URL or path (``https://prefix.dev/conda-forge`` -> ``conda-forge``)."""
    return channel.rstrip("/").rsplit("/", 1)[-1]


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_SPECIAL_SCHEMES = {"http", "https", "ftp", "ws", "wss", "file"}


def about_url(text: str) -> str:
    """An about URL in the form the WHATWG/``url`` crate prints it; ``ValueError`` if it is none.

    Scheme and host are lower-cased and a special scheme gets ``/`` as its empty
    path (``https://Example.com`` -> ``https://example.com/``). A special scheme
    other than ``file`` needs a host.
    """
    value = text.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError(f"`{text}` is not a valid URL") from None
    if not parts.scheme or not _SCHEME.fullmatch(parts.scheme):
        raise ValueError(f"`{text}` is not a valid URL")
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number
        raise ValueError(f"`{text}` is not a valid URL") from None
    if scheme in _SPECIAL_SCHEMES and scheme != "file" and not hostname:
        raise ValueError(f"`{text}` is not a valid URL")
    if hostname:
        userinfo = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
        netloc = f"{userinfo}{hostname.lower()}" + (f":{port}" if port is not None else "")
    path = parts.path
    if scheme in _SPECIAL_SCHEMES and path == "":
        path = "/"
    return urlunsplit((scheme, netloc, path, parts.query, parts.fragment))
