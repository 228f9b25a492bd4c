"""Reading editors' files safely: size limits first, then strict UTF-8.

Shared by the content loader and the bibliography loader so both refuse the
same things with the same diagnostics.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reportgen.diagnostics import error
from reportgen.model import Diagnostic, Position


def read_text(
    path: Path, shown: str, limit: int, what: str
) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 file, refusing oversized ones before reading them.

    Only regular files are read, and never more than `limit` + 1 bytes: a
    symlink to /dev/zero or a FIFO named `references.bib` must not hang the
    build or exhaust memory.
    """

    def too_large(size: str) -> Diagnostic:
        return error(
            "file-too-large",
            f"{what} file is {size} bytes, over the limit of {limit:,} bytes",
            Position(shown),
            "split it, or raise the limit in mkdocs.yml",
        )

    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device or pipe?)"
            return None, error(
                "unreadable", f"cannot read {what} file: it is {kind}", Position(shown)
            )
        size = path.stat().st_size
        if size > limit:
            return None, too_large(f"{size:,}")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            return None, too_large(f"more than {limit:,}")
    except OSError as exc:
        return None, error("unreadable", f"cannot read file: {exc.strerror}", Position(shown))
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, error(
            "encoding",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            Position(shown, line, column),
        )
