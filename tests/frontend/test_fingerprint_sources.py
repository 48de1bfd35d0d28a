"""Fingerprints, cache entries and source checkouts (git, url, path)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest

from kiln.frontend.build.cache import ArtifactCache, MetadataCache, cache_key, explain_key_change
from kiln.frontend.build.fingerprint import compare, snapshot, with_exclusions
from kiln.frontend.build.sources import ChecksumMismatch, SourceError, locate
from kiln.protocol import types as t


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_compare_sees_changes_but_not_touches(tmp_path):
    write(tmp_path, "src/a.py", "a")
    write(tmp_path, "src/b.py", "b")
    globs = ["src/**/*.py"]
    recorded = snapshot(tmp_path, globs)
    assert not compare(tmp_path, globs, recorded)
    os.utime(tmp_path / "src/a.py", ns=(1, 1))  # touched, same content
    changes = compare(tmp_path, globs, recorded)
    assert not changes and "src/a.py" in changes.touched
    write(tmp_path, "src/a.py", "changed")
    write(tmp_path, "src/c.py", "new")
    (tmp_path / "src/b.py").unlink()
    changes = compare(tmp_path, globs, recorded)
    assert (changes.modified, changes.added, changes.removed) == (["src/a.py"], ["src/c.py"], ["src/b.py"])
    assert changes.describe() == "changed: src/a.py; added: src/c.py; removed: src/b.py"


def test_same_size_edit_is_detected_by_content(tmp_path):
    write(tmp_path, "f.txt", "aaaa")
    recorded = snapshot(tmp_path, ["*.txt"])
    path = write(tmp_path, "f.txt", "bbbb")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, recorded["f.txt"].mtime_ns + 1))
    assert compare(tmp_path, ["*.txt"], recorded).modified == ["f.txt"]


def test_exclusions_keep_outputs_and_caches_out(tmp_path):
    globs = with_exclusions(["**"], tmp_path, ["**/__pycache__/**", str(tmp_path / "out"), "/elsewhere"])
    assert globs == ["**", "!**/__pycache__/**", "!/out/**"]
    write(tmp_path, "pkg/a.py", "x")
    write(tmp_path, "pkg/__pycache__/a.cpython-311.pyc", "x")
    write(tmp_path, "out/linux-64/p.conda", "x")
    assert sorted(snapshot(tmp_path, globs)) == ["pkg/a.py"]


def test_metadata_cache_entry_is_invalidated_by_its_input_files(tmp_path):
    cache = MetadataCache(tmp_path / "meta")
    write(tmp_path, "src/recipe.yaml", "one")
    cache.store("pkg", "k1", {"outputs": []}, tmp_path / "src", ["recipe.yaml"])
    assert cache.lookup("pkg", "k1", tmp_path / "src").value == {"outputs": []}
    assert not cache.lookup("pkg", "other-key", tmp_path / "src").hit
    write(tmp_path, "src/recipe.yaml", "two")
    miss = cache.lookup("pkg", "k1", tmp_path / "src")
    assert not miss.hit and "recipe.yaml" in miss.reason


def test_artifact_cache_store_lookup_and_reasons(tmp_path):
    cache = ArtifactCache(tmp_path / "artifacts")
    src = tmp_path / "src"
    write(src, "a.c", "int main(){}")
    archive = write(tmp_path, "build/pkg-1-h0_0.conda", "archive bytes")
    components = {"model": {"name": "pkg"}, "dependencies": {"lib/h1_0/linux-64": "aaa"}}
    key = cache_key(components)
    result = {"name": "pkg", "version": "1", "build": "h0_0", "subdir": "linux-64", "input_globs": ["*.c"]}
    assert cache.lookup("pkg", key, src, components).reason == "not built before"
    stored = cache.store("pkg", key, archive, result, components, src)
    assert stored.sha256 == hashlib.sha256(b"archive bytes").hexdigest()
    assert cache.lookup("pkg", key, src, components).value.path == stored.path
    write(src, "a.c", "int main(){return 1;}")
    assert cache.lookup("pkg", key, src, components).reason == "input files changed: a.c"
    changed = {**components, "dependencies": {"lib/h1_0/linux-64": "bbb"}}
    assert cache.lookup("pkg", cache_key(changed), src, changed).reason == "dependency lib/h1_0/linux-64 was rebuilt"
    assert explain_key_change({"configuration": {"a": 1}}, {"configuration": {"a": 2}}) == "the backend configuration changed"
    pinned = {"run_dependencies": {"liba": ["liba ==1.0 h1_0"]}}
    repinned = {"run_dependencies": {"liba": ["liba ==1.1 h2_0"]}}
    why = "the run requirement on liba changed (liba ==1.0 h1_0 -> liba ==1.1 h2_0)"
    assert explain_key_change(pinned, repinned) == why


# -- sources ------------------------------------------------------------------------------


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e"})  # fmt: skip


@pytest.fixture
def repo(tmp_path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    git("init", "-q", "-b", "main", cwd=r)
    write(r, "pkg/recipe.yaml", "v1")
    git("add", ".", cwd=r)
    git("commit", "-q", "-m", "one", cwd=r)
    git("tag", "v1", cwd=r)
    write(r, "pkg/recipe.yaml", "v2")
    git("commit", "-q", "-am", "two", cwd=r)
    return r


def test_git_branch_tag_rev_and_subdirectory(repo, tmp_path):
    sources = tmp_path / "sources"
    main = locate(t.SourcePackageSpec(git=t.GitLocation(git=str(repo), subdirectory="pkg")), tmp_path, sources)
    assert (main.directory / "recipe.yaml").read_text() == "v2" and not main.mutable
    tag = locate(
        t.SourcePackageSpec(git=t.GitLocation(git=f"file://{repo}", rev=t.GitReferenceObject(tag="v1"), subdirectory="pkg")),
        tmp_path,
        sources,
    )
    assert (tag.directory / "recipe.yaml").read_text() == "v1"
    commit = tag.identity.split("@")[1].split("#")[0]
    by_rev = locate(t.SourcePackageSpec(git=t.GitLocation(git=f"file://{repo}", rev=t.GitReferenceObject(rev=commit))), tmp_path, sources)
    assert (by_rev.directory / "pkg" / "recipe.yaml").read_text() == "v1"
    branch = locate(t.SourcePackageSpec(git=t.GitLocation(git="repo", rev=t.GitReferenceObject(branch="main"))), tmp_path, sources)
    assert (branch.directory / "pkg" / "recipe.yaml").read_text() == "v2"  # relative to the declaring manifest
    with pytest.raises(SourceError, match="no such branch, tag or revision `nope`"):
        locate(t.SourcePackageSpec(git=t.GitLocation(git=str(repo), rev=t.GitReferenceObject(branch="nope"))), tmp_path, sources)
    with pytest.raises(SourceError, match="no subdirectory `missing`"):
        locate(t.SourcePackageSpec(git=t.GitLocation(git=str(repo), subdirectory="missing")), tmp_path, sources)


def make_archive(path: Path, top: str, recipe: str) -> str:
    """A tar.gz with one top directory holding ``recipe.yaml``; its sha256."""
    content = path.parent / f"content-{path.name}" / top
    write(content, "recipe.yaml", recipe)
    with tarfile.open(path, "w:gz") as tf:
        tf.add(content, arcname=top)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_url_archive_with_checksum(tmp_path):
    archive = tmp_path / "mypkg-1.0.tar.gz"
    sha = make_archive(archive, "mypkg-1.0", "from an archive")
    sources = tmp_path / "sources"
    spec = t.SourcePackageSpec(url=t.UrlLocation(url=archive.as_uri(), sha256=sha))
    checkout = locate(spec, tmp_path, sources)
    assert (checkout.directory / "recipe.yaml").read_text() == "from an archive"  # single top dir stripped
    assert checkout.identity == f"url:{archive.as_uri()}#sha256={sha}"
    # a wrong pin is caught even though the archive is already unpacked in the same cache
    bad = t.SourcePackageSpec(url=t.UrlLocation(url=archive.as_uri(), sha256="0" * 64))
    with pytest.raises(ChecksumMismatch, match=f"sha256 mismatch: expected {'0' * 64}, got {sha}") as caught:
        locate(bad, tmp_path, sources)
    assert (caught.value.expected, caught.value.actual) == ("0" * 64, sha)
    with pytest.raises(SourceError, match="sha256 mismatch"):
        locate(bad, tmp_path, tmp_path / "other-sources")  # and on a first fetch
    with pytest.raises(SourceError, match="failed to download"):
        locate(t.SourcePackageSpec(url=t.UrlLocation(url=(tmp_path / "missing.tar.gz").as_uri())), tmp_path, tmp_path / "s")


class _Counting(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802 -- the stdlib's name
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A directory served over HTTP on 127.0.0.1 (bypassing the suite's closed proxy); the request log."""
    root = tmp_path / "served"
    root.mkdir()
    requests: list[str] = []
    handler = functools.partial(type("H", (_Counting,), {"requests": requests}), directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_a_changed_url_pin_is_checked_against_the_cached_archive(served, tmp_path):
    """The sha256 is part of the source's identity: a cached checkout is reused only for its own pin."""
    root, base, requests = served
    url = f"{base}/mypkg-1.0.tar.gz"
    sources = tmp_path / "sources"
    sha1 = make_archive(root / "mypkg-1.0.tar.gz", "mypkg-1.0", "release one")
    pin = lambda sha: t.SourcePackageSpec(url=t.UrlLocation(url=url, sha256=sha))  # noqa: E731
    first = locate(pin(sha1), tmp_path, sources)
    assert (first.directory / "recipe.yaml").read_text() == "release one"
    assert locate(pin(sha1), tmp_path, sources) == first and len(requests) == 1  # the pin matches: no download

    # the manifest's pin changes to one the archive does not have: an error naming both hashes
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ChecksumMismatch) as caught:
        locate(pin(wrong), tmp_path, sources)
    assert caught.value.message == f"{url}: sha256 mismatch: expected {wrong}, got {sha1}"
    # ... and the cache is not poisoned: the old pin still gives the old tree
    assert (locate(pin(sha1), tmp_path, sources).directory / "recipe.yaml").read_text() == "release one"

    # the archive is re-released at the same URL and the manifest pins the new one: fetched again
    sha2 = make_archive(root / "mypkg-1.0.tar.gz", "mypkg-1.0", "release two")
    second = locate(pin(sha2), tmp_path, sources)
    assert (second.directory / "recipe.yaml").read_text() == "release two"
    assert second.identity == f"url:{url}#sha256={sha2}"
    # the old pin now fails against what the server serves, rather than reviving the old tree
    with pytest.raises(ChecksumMismatch, match=f"expected {sha1}, got {sha2}"):
        locate(pin(sha1), tmp_path, sources)


def test_missing_path_source(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        locate(t.SourcePackageSpec(path=t.PathLocation(path="../nowhere")), tmp_path, tmp_path / "s")
