"""Where the content and bibliography live, and the limits a run enforces.

One small object shared by the CLI and the MkDocs plugin, so both read the
same files the same way whichever one the editor runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_CONTENT_BYTES = 1_000_000
DEFAULT_MAX_BIB_BYTES = 50_000_000


@dataclass(frozen=True)
class Settings:
    """Paths are resolved against `root`; diagnostics show them relative to it."""

    root: Path
    content_dir: str = "content"
    bibliography: str = "references.bib"
    max_content_bytes: int = DEFAULT_MAX_CONTENT_BYTES
    max_bib_bytes: int = DEFAULT_MAX_BIB_BYTES
    max_quote_words: int = 75
    """Longest supporting quote, in words: quoting, not copying (fair use)."""

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def bibliography_path(self) -> Path:
        return self.root / self.bibliography

    def display(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project, with forward slashes."""
        try:
            return Path(os.path.relpath(path, self.root)).as_posix()
        except ValueError:
            return path.as_posix()
