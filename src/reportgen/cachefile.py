"""Files reportgen keeps between runs (`--cache DIR`): JSON only, atomic, tied to the code.

A CI cache is restored from an earlier run, possibly of another reportgen:
each file carries a salt made from every file of the package that wrote it
(code, templates, theme), so a cache written by other code is ignored rather
than trusted. JSON, never pickle: a restored cache can hold data, not code.
Files are replaced atomically, so an interrupted run leaves the old file or
the new one, never half of one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from reportgen import __version__

PACKAGE = Path(__file__).resolve().parent
T = TypeVar("T")
DECODE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError)
"""What decoding cached JSON of an unexpected shape raises (see `modelcodec`)."""


def digest(*parts: bytes) -> str:
    """One SHA-256 over several parts, each length-prefixed so no two splits collide."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def text_digest(shown: str, text: str) -> str:
    """What a model loaded from a file is named by in caches: its path and exact text."""
    return digest(shown.encode(), text.encode("utf-8"))


@functools.cache
def code_digest() -> str:
    """Every file of the installed package: its code, templates and theme."""
    files = sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    return digest(
        __version__.encode(),
        *(p.relative_to(PACKAGE).as_posix().encode() + p.read_bytes() for p in files),
    )


def read(path: Path, salt: str) -> Any | None:
    """The data saved with this salt, or None (missing, foreign, corrupt or unreadable)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("salt") != salt:
        return None
    return saved.get("data")


def write(path: Path, data: Any, salt: str) -> None:
    """Replace the file atomically; OSError (disk full, read-only) is the caller's to report."""
    write_data(path, {"salt": salt, "data": data})


class Store:
    """Many entries, one small JSON file each, in a folder named after the salt.

    One file for a whole archive's parses or pages (tens of MB) would be read
    whole and rewritten whole for a one-line edit; here a run reads the entries
    it asks for and writes only the new ones. A folder made by other code
    (another salt) is never read, and is removed when this one is saved.
    """

    def __init__(self, folder: Path, name: str, salt: str) -> None:
        self.folder = folder
        self.name = name
        self.root = folder / f"{name}-{digest(salt.encode())[:16]}"
        self.used: set[str] = set()
        self.new: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        if key in self.new:
            return self.new[key]
        try:
            data = json.loads((self.root / f"{key}.json").read_bytes())
        except (OSError, ValueError):
            return None
        self.used.add(key)
        return data

    def load(self, key: str, decode: Callable[[Any], T]) -> T | None:
        """The entry decoded, or None if missing or in a shape this code does not read.

        An unreadable entry is forgotten, so the caller's fresh value replaces it.
        """
        data = self.get(key)
        if data is None:
            return None
        try:
            return decode(data)
        except DECODE_ERRORS:
            self.forget(key)
            return None

    def put(self, key: str, data: Any) -> None:
        self.new[key] = data
        self.used.add(key)

    def forget(self, key: str) -> None:
        """An entry that turned out unreadable: not kept, so the next run does not read it."""
        self.used.discard(key)
        self.new.pop(key, None)

    def save(self, *, prune: bool) -> None:
        """Write the new entries; with `prune`, drop those this run did not use.

        Prune only after a run that asked for every entry it could need (a
        build), never after one that looked at a few (a check's misses).
        OSError (read-only, disk full) is the caller's to report.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        for key, data in self.new.items():
            write_data(self.root / f"{key}.json", data)
        self.new.clear()
        if not prune:
            return
        for entry in os.scandir(self.root):
            if entry.name.endswith(".json") and entry.name[:-5] not in self.used:
                os.unlink(entry.path)
        for sibling in self.folder.glob(f"{self.name}-*"):
            if sibling != self.root and sibling.is_dir():
                shutil.rmtree(sibling, ignore_errors=True)


def write_data(path: Path, data: Any) -> None:
    """One JSON file, replaced atomically."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        # dumps, not dump: json.dump streams through the pure-Python encoder, 5x slower.
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
