"""The load stage's memo: each content file and the bib parsed once, until they change.

Parsing is most of `reportgen check` (YAML with positions, citation syntax,
LaTeX decoding of every bib field), yet a pull request changes a few files of
an archive. With `--cache DIR`, what loading made of each file is kept in
`DIR/load.json`, keyed by the file's shown path and exact text: any edit to a
file misses, and so does any other reportgen (see `cachefile`). Checks always
run on the whole project: only parsing is remembered, so a cached run
reports exactly what an uncached one does. Entries not used by a run are
dropped when it saves, so the file holds one archive's worth, not history.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from reportgen import cachefile
from reportgen.model import Bibliography, Diagnostic, Report
from reportgen.modelcodec import decoder, encode

T = TypeVar("T")
FILE = "load.json"
FORMAT = 1

REPORT = decoder(tuple[Report | None, tuple[Diagnostic, ...]])
BIBLIOGRAPHY = decoder(tuple[Bibliography, tuple[Diagnostic, ...]])


class LoadCache:
    """Remembered parses, read from the cache folder once and saved once."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self.salt = f"{FORMAT}:{cachefile.code_digest()}"
        saved = cachefile.read(self.path, self.salt)
        self.saved: dict[str, Any] = saved if isinstance(saved, dict) else {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def memo(
        self, kind: str, shown: str, text: str, parse: Callable[[], T], decode: Callable[[Any], T]
    ) -> T:
        """`parse()`'s result for this text, from the cache when the same text was parsed before."""
        key = cachefile.digest(kind.encode(), shown.encode(), text.encode("utf-8"))
        data = self.saved.get(key)
        if data is not None:
            try:
                value = decode(data)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError):
                pass  # written by a shape this code does not know: parse again
            else:
                self.used[key] = data
                self.hits += 1
                return value
        value = parse()
        self.used[key] = encode(value)
        self.misses += 1
        return value

    def save(self) -> None:
        """Keep what this run used; OSError (read-only, disk full) is the caller's to report."""
        if self.misses or len(self.used) != len(self.saved):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cachefile.write(self.path, self.used, self.salt)
