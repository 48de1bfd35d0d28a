"""Host and build platform of one ``conda/build_v1`` request; platform facts are in ``kiln.conda``."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from kiln.conda.platforms import current_platform

if TYPE_CHECKING:
    from kiln.protocol.types import CondaBuildV1Params


class RequestPlatforms(NamedTuple):
    """The platforms one ``conda/build_v1`` request builds for (host) and on (build)."""

    host: str
    build: str


def request_platforms(params: CondaBuildV1Params) -> RequestPlatforms:
    """Host and build platform of a ``conda/build_v1`` request, the one place they are decided.

    As pixi's backends: a prefix the caller set up names its platform. kiln's front end
    sends no prefixes (rattler-build solves the environments itself), so the host platform
    then comes from the requested output, which ``conda/outputs`` rendered for it: its
    ``target_platform`` variant, else its subdir. Only a noarch output with no prefix
    leaves nothing to go by; it is built here, like the build platform without a prefix.
    """
    if params.host_prefix is not None:
        host = params.host_prefix.platform
    else:
        wanted = params.output.variant.get("target_platform")
        candidates = [wanted if isinstance(wanted, str) else None, params.output.subdir]
        host = next((p for p in candidates if p and p != "noarch"), None) or current_platform()
    build = params.build_prefix.platform if params.build_prefix is not None else current_platform()
    return RequestPlatforms(host, build)
