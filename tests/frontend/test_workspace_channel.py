"""The workspace channel indexes when a build reads it, and a killed kiln leaves no stale index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiln.frontend.build.channel import UNINDEXED, LocalChannel
from tests.helpers import make_channel, repodata

# the channel is used in a child process, as everything that loads py-rattler is (tests/helpers.py)
_ADD_THEN_DIE = """
import os, sys
from pathlib import Path
from kiln.frontend.build.channel import LocalChannel
channel = LocalChannel(Path(sys.argv[1]), ["noarch"])
channel.index()
channel.add(Path(sys.argv[2]), "noarch")
os._exit(9)  # killed before the end of its build, where it would index
"""

_INDEX = """
import os, sys
from pathlib import Path
from kiln.frontend.build.channel import LocalChannel
LocalChannel(Path(sys.argv[1]), ["noarch"]).index()
sys.stdout.flush(); os._exit(0)
"""


def test_archives_added_by_a_killed_kiln_are_indexed_by_the_next(tmp_path: Path):
    source = make_channel(tmp_path / "source", [{"name": "dep", "version": "1.0"}])
    [archive] = (source / "noarch").glob("dep-1.0-*.conda")
    workspace = tmp_path / "channel-v0"
    died = subprocess.run([sys.executable, "-c", _ADD_THEN_DIE, str(workspace), str(archive)])
    assert died.returncode == 9
    assert (workspace / "noarch" / archive.name).is_file()
    assert repodata(workspace, "noarch") == {}  # added, not listed yet
    assert (workspace / UNINDEXED).exists()

    subprocess.run([sys.executable, "-c", _INDEX, str(workspace)], check=True)
    assert list(repodata(workspace, "noarch")) == [archive.name]
    assert not (workspace / UNINDEXED).exists()


def test_an_identical_archive_is_not_copied_again(tmp_path: Path):
    source = make_channel(tmp_path / "source", [{"name": "dep", "version": "1.0"}])
    [archive] = (source / "noarch").glob("dep-1.0-*.conda")
    from kiln.frontend.build.fingerprint import hash_file

    channel = LocalChannel(tmp_path / "channel", ["noarch"])
    target = channel.add(archive, "noarch", hash_file(archive))
    before = target.stat().st_mtime_ns
    assert channel.add(archive, "noarch", hash_file(archive)) == target
    assert target.stat().st_mtime_ns == before
