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
from pathlib import Path
from typing import Any

from reportgen import __version__

PACKAGE = Path(__file__).resolve().parent


def digest(*parts: bytes) -> str:
    """One SHA-256 over several parts, each length-prefixed so no two splits collide."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


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
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"salt": salt, "data": data}, handle, separators=(",", ":"))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
