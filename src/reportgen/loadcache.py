"""The load stage's memo: each content file and the bib parsed once, until they change.

Parsing is most of `reportgen check` (YAML with positions, citation syntax,
LaTeX decoding of every bib field), yet a pull request changes a few files of
an archive. With `--cache DIR`, what loading made of each file is kept in
`DIR/load-*/`, one file per parse, keyed by the file's shown path and exact text: any edit to a
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
NAME = "load"
FORMAT = 2

REPORT = decoder(tuple[Report | None, tuple[Diagnostic, ...]])
BIBLIOGRAPHY = decoder(tuple[Bibliography, tuple[Diagnostic, ...]])


class LoadCache:
    """Remembered parses, one entry per file text, in the cache folder (`cachefile.Store`)."""

    def __init__(self, folder: Path) -> None:
        self.store = cachefile.Store(folder, NAME, f"{FORMAT}:{cachefile.code_digest()}")
        self.hits = 0
        self.misses = 0

    def memo(
        self, kind: str, shown: str, text: str, parse: Callable[[], T], decode: Callable[[Any], T]
    ) -> T:
        """`parse()`'s result for this text, from the cache when the same text was parsed before."""
        key = cachefile.digest(kind.encode(), shown.encode(), text.encode("utf-8"))
        value = self.store.load(key, decode)
        if value is not None:
            self.hits += 1
            return value
        value = parse()
        self.store.put(key, encode(value))
        self.misses += 1
        return value

    def save(self, *, complete: bool = True) -> None:
        """Keep the new parses (and, after a run that loaded every file, only those).

        OSError (read-only, disk full) is the caller's to report.
        """
        self.store.save(prune=complete)
