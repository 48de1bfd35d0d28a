"""ROS 1 or ROS 2: the bundled table of ROS distributions, so the decision needs no network (spec §7.1).

Upstream downloads rosdistro's ``index-v4.yaml`` on every build and reads
``distributions.<name>.distribution_type``. kiln builds offline, so the table is
bundled here: every distribution of ros/rosdistro's index (REP 153), by name.
A new distribution means a new entry here.
"""

from __future__ import annotations

from kiln.errors import ConfigurationError

#: Distribution name -> ROS major version (``distribution_type`` ros1/ros2 of index-v4.yaml).
DISTRIBUTIONS: dict[str, int] = {
    # ROS 1
    "groovy": 1,
    "hydro": 1,
    "indigo": 1,
    "jade": 1,
    "kinetic": 1,
    "lunar": 1,
    "melodic": 1,
    "noetic": 1,
    # ROS 2
    "ardent": 2,
    "bouncy": 2,
    "crystal": 2,
    "dashing": 2,
    "eloquent": 2,
    "foxy": 2,
    "galactic": 2,
    "humble": 2,
    "iron": 2,
    "jazzy": 2,
    "kilted": 2,
    "lyrical": 2,
    "rolling": 2,
}


class UnknownDistroError(ConfigurationError):
    """The configured (or channel-derived) distro is not in the table."""


def ros_version(distro: str) -> int:
    """1 or 2 for a known distribution; an unknown one is an error naming the known ones."""
    try:
        return DISTRIBUTIONS[distro]
    except KeyError:
        known = ", ".join(sorted(DISTRIBUTIONS))
        raise UnknownDistroError(
            f"distribution '{distro}' not found in the ROS distribution index",
            help=f"set `distro` in [package.build.config] to one of: {known}",
        ) from None


def mutex_name(version: int) -> str:
    """The distro mutex package every ROS package depends on."""
    return "ros-distro-mutex" if version == 1 else "ros2-distro-mutex"
