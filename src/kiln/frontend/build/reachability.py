"""Is each remote channel reachable? Asked once, before the first backend starts.

Without this, a channel that cannot be reached shows up seconds later, after
rattler's retries, as "Failed to resolve dependencies" in a build log full of
"Retry attempt" lines. One short request per channel (``noarch/repodata.json``,
which every conda channel has) says it at once, with the network's own error.
Any HTTP answer, even 404 or 401, counts as reachable: only the network failing
is reported here.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

TIMEOUT = 3.0


def _proxy_for(url: str) -> str | None:
    import urllib.request

    scheme = urlsplit(url).scheme
    proxies = urllib.request.getproxies()
    if scheme in proxies and not urllib.request.proxy_bypass(urlsplit(url).hostname or ""):
        return proxies[scheme]
    return None


def probe(channel: str, timeout: float = TIMEOUT) -> str | None:
    """None if ``channel`` answers; else the network error, in words."""
    import urllib.error  # on first use: a build with local channels only never pays for it
    import urllib.request

    url = channel.rstrip("/") + "/noarch/repodata.json"
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "kiln"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None  # the server answered
    except urllib.error.URLError as exc:
        reason = exc.reason
        error = getattr(reason, "strerror", None) or str(reason)
    except (OSError, ValueError) as exc:
        error = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    proxy = _proxy_for(url)
    return f"{error} (through the proxy {proxy})" if proxy else error


def unreachable(channels: list[str], timeout: float = TIMEOUT) -> list[tuple[str, str]]:
    """``(channel, error)`` for every http(s) channel that cannot be reached; local ones are skipped."""
    remote = [c for c in dict.fromkeys(channels) if urlsplit(c).scheme in ("http", "https")]
    if not remote:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(remote))) as pool:
        errors = list(pool.map(lambda c: probe(c, timeout), remote))
    return [(c, e) for c, e in zip(remote, errors) if e is not None]


def offline_help(workspace_manifest: str | os.PathLike | None) -> str:
    """How to build without the network, and how not to repeat the flags on every call."""
    where = f"`[workspace]` of {workspace_manifest}" if workspace_manifest else "`[workspace]`"
    return (
        "on a machine that reaches no conda channel, `kiln channel bootstrap DIR` makes a local one from this "
        f"machine's own tools;\n        list it in {where} -- `channels = [\"DIR\"]` and "
        '`build-variants-files = ["DIR/variants.yaml"]` -- to save passing `--channel DIR -m DIR/variants.yaml` '
        "on every call"
    )
