"""Reading editors' files safely: size limits first, then strict UTF-8.

Shared by the content loader and the bibliography loader so both refuse the
same things with the same diagnostics.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.diagnostics import error
from reportgen.model import Diagnostic, Position


def read_text(
    path: Path, shown: str, limit: int, what: str
) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 file, refusing oversized ones before reading them."""
    try:
        size = path.stat().st_size
        if size > limit:
            return None, error(
                "file-too-large",
                f"{what} file is {size:,} bytes, over the limit of {limit:,} bytes",
                Position(shown),
            )
        raw = path.read_bytes()
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
