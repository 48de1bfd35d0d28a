"""Where a source package lives: local paths, git repositories and URL archives.

A path source is used in place and is *mutable*: its files are fingerprinted. A git
or url source is fetched into ``.pixi/sources-v0/`` of the workspace and is
*immutable* once pinned (a commit, an archive hash), so its pin alone identifies it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import KilnError
from kiln.protocol import types as t


class SourceError(KilnError):
    """A source dependency could not be found, fetched or unpacked.

    ``key`` names the field of the source spec at fault (``path``, ``branch``,
    ``sha256``, ...), so that the front end can point at its manifest line.
    """

    def __init__(self, message: str, *, key: str | None = None, help: str | None = None) -> None:
        super().__init__(message, help=help)
        self.key = key


class ChecksumMismatch(SourceError):
    """A url source's archive is not the one its manifest pins."""

    def __init__(self, url: str, algorithm: str, expected: str, actual: str) -> None:
        super().__init__(
            f"{url}: {algorithm} mismatch: expected {expected}, got {actual}",
            key=algorithm,
            help=f'if the archive changed on purpose, set `{algorithm} = "{actual}"`; else check the `url`',
        )
        self.url = url
        self.algorithm = algorithm
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class Checkout:
    """A source tree on disk and what identifies its content."""

    directory: Path
    mutable: bool
    identity: str
    """``path:<abs>``, ``git:<url>@<commit>[#subdir]`` or ``url:<url>#sha256=..``."""
    root: Path | None = None
    """The checkout before any ``subdirectory`` (pixi's ``checkoutRoot``); None for paths."""

    @property
    def label(self) -> str:
        return self.directory.name


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def locate(spec: t.SourcePackageSpec, base_dir: Path, sources_dir: Path) -> Checkout:
    """The checkout for a source spec declared by a manifest in ``base_dir``."""
    loc = spec.location
    if isinstance(loc, t.PathLocation):
        path = Path(loc.path).expanduser()
        directory = (path if path.is_absolute() else base_dir / path).resolve()
        if not directory.exists():
            raise SourceError(
                f"source dependency path `{loc.path}` does not exist (resolved to {directory})",
                key="path",
                help=f"a relative `path` starts at {base_dir}; point it at the directory holding the package's "
                "pixi.toml, pyproject.toml or recipe.yaml",
            )
        return Checkout(directory, mutable=True, identity=f"path:{directory}")
    if isinstance(loc, t.GitLocation):
        return checkout_git(loc, base_dir, sources_dir)
    return fetch_url(loc, sources_dir)


# -- git --------------------------------------------------------------------------------


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise SourceError("git is needed for git source dependencies but was not found on PATH") from None
    if proc.returncode != 0:
        raise SourceError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


def _git_url(url: str, base_dir: Path) -> str:
    url = url.removeprefix("git+")
    if "://" not in url and not url.startswith("git@"):
        path = Path(url).expanduser()
        return str((path if path.is_absolute() else base_dir / path).resolve())
    return url


def checkout_git(loc: t.GitLocation, base_dir: Path, sources_dir: Path) -> Checkout:
    url = _git_url(loc.git, base_dir)
    root = sources_dir / "git" / _short(url)
    mirror = root / "repo.git"
    if not mirror.exists():
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".clone."))
        try:
            _git("clone", "--quiet", "--bare", url, str(tmp / "repo.git"))
            os.replace(tmp / "repo.git", mirror)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        _git("--git-dir", str(mirror), "fetch", "--quiet", "--prune", "--force", "origin",
             "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")  # fmt: skip
    rev = loc.rev
    if rev is None or rev == "defaultBranch":
        ref = "HEAD"
    elif rev.branch is not None:
        ref = f"refs/heads/{rev.branch}"
    elif rev.tag is not None:
        ref = f"refs/tags/{rev.tag}"
    else:
        ref = rev.rev
    try:
        commit = _git("--git-dir", str(mirror), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SourceError:
        field = "rev" if rev is None or rev == "defaultBranch" or rev.rev is not None else (
            "branch" if rev.branch is not None else "tag"
        )
        raise SourceError(
            f"git source {loc.git}: no such branch, tag or revision `{ref.rsplit('/', 1)[-1]}`",
            key=field,
            help=f"`git ls-remote {url}` lists the branches and tags there",
        ) from None
    tree = root / commit
    if not tree.exists():
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{commit[:12]}."))
        try:
            _git("--git-dir", str(mirror), "--work-tree", str(tmp), "checkout", "--quiet", "--force", commit, "--", ".")
            os.replace(tmp, tree)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    directory = tree / loc.subdirectory if loc.subdirectory else tree
    if not directory.is_dir():
        raise SourceError(f"git source {loc.git}@{commit[:12]} has no subdirectory `{loc.subdirectory}`")
    sub = f"#{loc.subdirectory}" if loc.subdirectory else ""
    return Checkout(directory, mutable=False, identity=f"git:{url}@{commit}{sub}", root=tree)


# -- url ------------------------------------------------------------------------------------


def _download(url: str, dest: Path) -> None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=120) as response, open(dest, "wb") as fh:
            shutil.copyfileobj(response, fh)
    except (OSError, ValueError) as exc:
        raise SourceError(f"failed to download {url}: {exc}", key="url") from None


def _extract(archive: Path, dest: Path) -> None:
    name = archive.name
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(dest)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"cannot unpack {name}: {exc}") from None


def _read_stamp(stamp: Path) -> dict[str, str] | None:
    """The hashes of the archive a cached tree was unpacked from (older stamps: the sha256 alone)."""
    try:
        text = stamp.read_text().strip()
    except OSError:
        return None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None
    return {"sha256": text} if text else None


def _matches(loc: t.UrlLocation, hashes: dict[str, str]) -> bool:
    """Whether the archive with ``hashes`` is the one ``loc`` pins (an unrecorded md5 is unknown)."""
    if loc.sha256 and loc.sha256.lower() != hashes["sha256"]:
        return False
    return not (loc.md5 and loc.md5.lower() != hashes.get("md5"))


def fetch_url(loc: t.UrlLocation, sources_dir: Path) -> Checkout:
    """The unpacked archive at ``loc.url``, fetched again whenever the cached one is not the pinned one.

    The pin is part of the identity: a cached tree is reused only while the hashes of the
    archive it came from match what the manifest says now. A download that does not match
    raises :class:`ChecksumMismatch` and leaves the cached tree as it was.
    """
    root = sources_dir / "url" / _short(loc.url)
    tree = root / "src"
    stamp = root / "sha256"
    hashes = _read_stamp(stamp) if tree.exists() else None
    if hashes is None or not _matches(loc, hashes):
        hashes = _fetch_into(loc, root, tree, stamp)
    sha = hashes["sha256"]
    directory = tree / loc.subdirectory if loc.subdirectory else tree
    if not directory.is_dir():
        raise SourceError(f"archive {loc.url} has no subdirectory `{loc.subdirectory}`")
    sub = f"#{loc.subdirectory}" if loc.subdirectory else ""
    return Checkout(directory, mutable=False, identity=f"url:{loc.url}#sha256={sha}{sub}", root=tree)


def _fetch_into(loc: t.UrlLocation, root: Path, tree: Path, stamp: Path) -> dict[str, str]:
    """Download, verify and unpack the archive; replace ``tree`` only once all of it succeeded."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".fetch."))
    try:
        filename = Path(urllib.parse.urlparse(loc.url).path).name or "archive"
        archive = tmp / filename
        _download(loc.url, archive)
        data = archive.read_bytes()
        hashes = {"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()}
        if loc.sha256 and loc.sha256.lower() != hashes["sha256"]:
            raise ChecksumMismatch(loc.url, "sha256", loc.sha256.lower(), hashes["sha256"])
        if loc.md5 and loc.md5.lower() != hashes["md5"]:
            raise ChecksumMismatch(loc.url, "md5", loc.md5.lower(), hashes["md5"])
        unpacked = tmp / "src"
        _extract(archive, unpacked)
        entries = list(unpacked.iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else unpacked
        stamp.unlink(missing_ok=True)  # no stamp while the tree is being swapped: never a stale match
        shutil.rmtree(tree, ignore_errors=True)
        os.replace(top, tree)
        (tmp / "sha256").write_text(json.dumps(hashes))
        os.replace(tmp / "sha256", stamp)
        return hashes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
