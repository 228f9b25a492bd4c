"""MkDocs engine, incremental builds: redo only what an edit touched, never publish a stale page.

A cache folder kept between builds (as CI caches keep folders) holds the
generated Markdown of the last build (`docs/`), the site it built (`site/`)
and a manifest of what that build depended on. A new build starts from a copy
of that site and lets MkDocs' dirty mode rebuild only the pages whose
Markdown (or `<head>` data) changed: unchanged pages keep their file's time,
so MkDocs skips them.

The copies are hard links where the file system allows (copying 9,000 files
cost more than the rest of an incremental build). A linked file is shared
with the cache and with the site published last time, so nothing may write
into one in place: every file a build is about to write is first unlinked
(`detach`; the MkDocs adapter calls it before each page, template and asset
it lets MkDocs write), which gives the new file its own inode and leaves the
published site and the cache as they were until the build succeeds.

Whenever something every page shows may have changed (navigation,
mkdocs.yml, theme and template files, reportgen's, MkDocs' or Material's
version, the build date), the build is full. Pages that no longer
exist are removed from the copy. The manifest is written only after a build
succeeded, and removed before one starts, so a failed or interrupted build
can never become the base of the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from reportgen import cachefile
from reportgen.cachefile import code_digest, digest
from reportgen.modelcodec import decoder, encode
from reportgen.render import Output
from reportgen.urls import page_address

MANIFEST = "manifest.json"
FORMAT = 1


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def site_fingerprint(nav: Any, config_file: Path, epoch: int, extra: str = "") -> str:
    """Everything each page shows beyond its own Markdown."""
    versions = f"{_version('mkdocs')} {_version('mkdocs-material')} {FORMAT}"
    return digest(
        json.dumps(nav, sort_keys=True, default=str).encode(),
        config_file.read_bytes(),
        str(epoch).encode(),
        versions.encode(),
        code_digest().encode(),  # reportgen's code, templates and theme
        extra.encode(),
    )


@dataclass
class Manifest:
    """What the cached site was built from."""

    fingerprint: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    """Generated file path -> signature of its text and head data."""
    titles: dict[str, str] = field(default_factory=dict)
    """Page path -> the title MkDocs found in it (pages a dirty build skips need it for the nav)."""
    records: dict[str, str] = field(default_factory=dict)
    """Digest of each search record: all unchanged, the search index is kept; the
    unchanged ones are not written again for Pagefind (see `search.start_index`)."""
    directory_urls: bool = True

    @classmethod
    def read(cls, cache: Path) -> Manifest | None:
        data = cachefile.read(cache / MANIFEST, _salt())
        try:
            return cls(**data) if isinstance(data, dict) else None
        except TypeError:
            return None

    def write(self, cache: Path) -> None:
        cachefile.write(cache / MANIFEST, self.__dict__, _salt())


def signature(text: str, head: str = "") -> str:
    return digest(text.encode("utf-8"), head.encode("utf-8"))


def record_digests(records: dict[str, str]) -> dict[str, str]:
    return {name: digest(html.encode("utf-8")) for name, html in records.items()}


def output_paths(path: str, directory_urls: bool) -> list[str]:
    """The files under the site a generated file becomes."""
    if not path.endswith(".md"):
        return [path]
    address = page_address(path, directory_urls)
    return [address + "index.html" if directory_urls else address]


@dataclass
class Session:
    """One build with a cache: dirty or full, and what to record when it succeeds."""

    cache: Path
    dirty: bool
    manifest: Manifest
    previous: Manifest | None

    @property
    def docs(self) -> Path:
        return self.cache / "docs"

    @property
    def site(self) -> Path:
        return self.cache / "site"


def start(cache: Path, fingerprint: str, staging: Path, directory_urls: bool) -> Session:
    """Decide dirty or full; for dirty, fill `staging` with the last site."""
    cache.mkdir(parents=True, exist_ok=True)
    previous = Manifest.read(cache)
    (cache / MANIFEST).unlink(missing_ok=True)  # whatever happens next, never trust a half build
    dirty = (
        previous is not None
        and previous.fingerprint == fingerprint
        and previous.directory_urls == directory_urls
        and (cache / "site").is_dir()
        and (cache / "docs").is_dir()
    )
    if dirty:
        shutil.rmtree(staging)
        shutil.copytree(cache / "site", staging, copy_function=link_or_copy, symlinks=True)
    else:
        shutil.rmtree(cache / "docs", ignore_errors=True)
        shutil.rmtree(cache / "site", ignore_errors=True)
    manifest = Manifest(fingerprint=fingerprint, directory_urls=directory_urls)
    return Session(cache, dirty, manifest, previous if dirty else None)


def write_page(session: Session, path: str, text: str, head: str = "") -> bool:
    """Write a generated file into the cache's docs, touching it only when it changed.

    True when it was touched (MkDocs will build or copy it again).
    """
    sign = signature(text, head)
    session.manifest.pages[path] = sign
    target = session.docs / path
    before = session.previous.pages.get(path) if session.previous else None
    if before == sign and target.is_file():
        return False  # unchanged: keeps its old time, MkDocs' dirty build skips it
    if not write_if_changed(target, text):
        os.utime(target)  # same text, new head data: newer than its page, so rebuilt
    return True


def write_if_changed(target: Path, text: str) -> bool:
    """Write `text` unless the file already holds it (its time then stays, for dirty builds)."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True


def remove_gone(session: Session, staging: Path) -> None:
    """Generated files of the last build that this one no longer has, from docs and the site."""
    if session.previous is None:
        return
    for path in set(session.previous.pages) - set(session.manifest.pages):
        (session.docs / path).unlink(missing_ok=True)
        for output in output_paths(path, session.manifest.directory_urls):
            (staging / output).unlink(missing_ok=True)


def keep_site(session: Session, staging: Path, *, only: str = "", skip: str = "") -> None:
    """Make the cache's copy of the site equal the staging folder.

    What is new there is linked, what is gone is removed. `only` limits this to
    one top-level folder, `skip` leaves one out (the search index, which may
    still be building).
    """
    if only and (staging / only).is_dir():
        _sync(staging / only, session.site / only)
    elif only:
        shutil.rmtree(session.site / only, ignore_errors=True)
    else:
        _sync(staging, session.site, frozenset([skip]) if skip else frozenset())


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link of `source` at `target`; a copy where links cannot be made (another disk)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def detach(path: str | Path) -> None:
    """Unlink a file before it is rewritten, so a hard-linked twin keeps its old content."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _sync(source: Path, target: Path, skip: frozenset[str] = frozenset()) -> None:
    """Make `target` equal `source`, linking only files that are not the same file already.

    Walks both trees with `os.scandir`, whose entries carry each file's inode
    without a `stat` call: a site of 9,000 files is compared in a fraction of
    the time a copy would take. Where the two are on different devices (no
    links, so copies), size and time tell a copy apart instead.
    """
    target.mkdir(parents=True, exist_ok=True)
    linked = os.stat(source).st_dev == os.stat(target).st_dev
    theirs = {entry.name: entry for entry in os.scandir(target)}
    for entry in os.scandir(source):
        if entry.name in skip:
            theirs.pop(entry.name, None)
            continue
        there = theirs.pop(entry.name, None)
        copy = Path(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if there is not None and not there.is_dir(follow_symlinks=False):
                os.unlink(there.path)
            _sync(Path(entry.path), copy)
            continue
        if there is not None:
            if there.is_dir(follow_symlinks=False):
                shutil.rmtree(there.path)
            elif _same(entry, there, linked):
                continue
            else:
                os.unlink(there.path)
        link_or_copy(entry.path, copy)
    for gone in theirs.values():
        if gone.is_dir(follow_symlinks=False):
            shutil.rmtree(gone.path, ignore_errors=True)
        else:
            os.unlink(gone.path)


def _same(here: os.DirEntry[str], there: os.DirEntry[str], linked: bool) -> bool:
    if linked:
        return here.inode() == there.inode()  # one file, linked
    mine, theirs = here.stat(follow_symlinks=False), there.stat(follow_symlinks=False)
    return (mine.st_size, mine.st_mtime_ns) == (theirs.st_size, theirs.st_mtime_ns)  # a copy


def summary(session: Session) -> str:
    """What the user is told: how much an incremental build redid."""
    if session.previous is None:
        return "full build; the cache is ready for the next one"
    changed = sum(
        1
        for path, sign in session.manifest.pages.items()
        if session.previous.pages.get(path) != sign
    )
    gone = len(set(session.previous.pages) - set(session.manifest.pages))
    total = len(session.manifest.pages)
    return f"incremental: {changed} of {total} generated files changed, {gone} removed"


class StoredRenders(MutableMapping[str, tuple[str, Output]]):
    """Each report's rendered output from the last build, one cache entry per report.

    The renderer asks for each report by its path and reuses the output when
    the fingerprint of the report's inputs is the same; only reports rendered
    again are written back.
    """

    def __init__(self, cache: Path) -> None:
        self.store = cachefile.Store(cache, "rendered", _salt())

    @staticmethod
    def _key(path: str) -> str:
        return digest(path.encode())

    def __getitem__(self, path: str) -> tuple[str, Output]:
        value: tuple[str, Output] | None = self.store.load(self._key(path), _RENDERED)
        if value is None:
            raise KeyError(path)
        return value

    def __setitem__(self, path: str, value: tuple[str, Output]) -> None:
        self.store.put(self._key(path), encode(value))

    def __delitem__(self, path: str) -> None:
        self.store.forget(self._key(path))

    def __iter__(self) -> Iterator[str]:
        return iter(())  # entries are looked up by path, never listed

    def __len__(self) -> int:
        return len(self.store.used)

    def save(self) -> None:
        """Keep the outputs this build rendered or reused; others are gone from the site."""
        self.store.save(prune=True)


_RENDERED = decoder(tuple[str, Output])


def _salt() -> str:
    return f"{FORMAT}:{code_digest()}"
