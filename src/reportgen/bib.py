r"""Stage 1b: the shared `references.bib` into typed `Source`s, LaTeX decoded to Unicode.

bibtexparser 2.x does the parsing; this module turns its failed blocks into
diagnostics with bib line numbers and decodes LaTeX with pylatexenc, so the
site shows `é`, not `{\'e}`.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bibtexparser import model as bibmodel
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import SeparateCoAuthors

from reportgen.diagnostics import error
from reportgen.model import Bibliography, Diagnostic, Position, Source
from reportgen.settings import Settings
from reportgen.textfile import read_text


@functools.cache
def _latex() -> Any:
    """Pylatexenc's converter, loaded on the first field that actually holds LaTeX."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


_SINGLE_QUOTES = re.compile(r"`([^`']*)'")


@contextmanager
def _quiet_parser() -> Iterator[None]:
    """Silence bibtexparser's log: it repeats each failure; ours carry file and line."""
    logger = logging.getLogger("bibtexparser")
    handler = logging.NullHandler()
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


_LATEX_SYNTAX = re.compile(r"[\\$~`^_%&#]|--|''")


def decode(value: str) -> str:
    """LaTeX to Unicode text; undecodable input is kept as written rather than lost."""
    if not _LATEX_SYNTAX.search(value):
        # Plain text with at most case-protecting braces: the common case, and the
        # LaTeX parser costs a millisecond per field.
        return " ".join(value.replace("{", "").replace("}", "").split())
    try:
        text = str(_latex().latex_to_text(value))
    except Exception:  # pylatexenc is tolerant, but a bad bib must never crash a build
        text = value
    text = _SINGLE_QUOTES.sub("\u2018\\1\u2019", text)
    return " ".join(text.split())


def display_name(name: str) -> str:
    """'Last, First' as 'First Last'; braced names are organizations and stay whole."""
    stripped = name.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return decode(stripped[1:-1])
    parts = [p.strip() for p in _split_top_level(stripped)]
    if len(parts) == 2:
        return decode(f"{parts[1]} {parts[0]}")
    if len(parts) == 3:  # von Last, Jr, First
        return decode(f"{parts[2]} {parts[0]}, {parts[1]}")
    return decode(stripped)


def _split_top_level(name: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in name:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def concatenate(value: str, strings: dict[str, str]) -> str | None:
    """Resolve BibTeX `#` concatenation (`org # " report"`), which bibtexparser leaves raw.

    Returns None when a part is neither quoted, braced, a number nor a known
    @string macro, so the caller can report it instead of printing it.
    """
    parts: list[str] = []
    depth, quoted, current = 0, False, ""
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        if char == "#" and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    out = []
    for part in parts:
        if len(part) >= 2 and part[0] + part[-1] in ('""', "{}"):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            return None
    return "".join(out)


def load_bibliography(path: Path, settings: Settings) -> tuple[Bibliography, list[Diagnostic]]:
    """Every well-formed entry, plus a diagnostic for each block that failed."""
    shown = settings.display(path)
    text, problem = read_text(path, shown, settings.max_bib_bytes, "bibliography")
    if problem is not None:
        if not path.exists():
            problem = error("bib-syntax", f"bibliography '{shown}' does not exist", Position(shown))
        return Bibliography(shown, {}, readable=False), [problem]
    assert text is not None
    with _quiet_parser():
        library = parse_string(text, append_middleware=[SeparateCoAuthors()])
    diagnostics: list[Diagnostic] = []
    strings = {key.lower(): str(block.value) for key, block in library.strings_dict.items()}
    sources: dict[str, Source] = {}
    folded: dict[str, Source] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            first = sources.get(block.key) or folded.get(block.key.casefold())
            where = f" (first defined at line {first.position.line})" if first else ""
            diagnostics.append(
                error(
                    "duplicate-source",
                    f"source '{block.key}' is defined twice{where}",
                    Position(shown, line),
                )
            )
        elif isinstance(block, bibmodel.DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(block.duplicate_keys))
            diagnostics.append(
                error(
                    "bib-syntax",
                    f"field {fields} appears twice in one entry",
                    Position(shown, line),
                )
            )
        elif isinstance(block, bibmodel.ParsingFailedBlock):
            diagnostics.append(error("bib-syntax", _failure_message(block), Position(shown, line)))
        elif isinstance(block, bibmodel.Entry):
            source = _source(block, shown, strings, diagnostics)
            twin = folded.get(block.key.casefold())
            if twin is not None:
                diagnostics.append(
                    error(
                        "duplicate-source",
                        f"source '{block.key}' differs from '{twin.key}'"
                        f" (line {twin.position.line}) only in letter case;"
                        " BibTeX treats them as the same key",
                        source.position,
                    )
                )
                continue
            sources[block.key] = source
            folded[block.key.casefold()] = source
    return Bibliography(shown, sources), diagnostics


def _failure_message(block: bibmodel.ParsingFailedBlock) -> str:
    first_line = (block.raw or "").strip().splitlines()[0] if (block.raw or "").strip() else ""
    reason = str(block.error).strip().splitlines()[0] if str(block.error).strip() else ""
    detail = f": {reason}" if reason else " (unbalanced braces or a missing comma?)"
    return f"cannot parse entry '{first_line[:60]}'{detail}"


def _source(
    entry: bibmodel.Entry, shown: str, strings: dict[str, str], diagnostics: list[Diagnostic]
) -> Source:
    fields: dict[str, str] = {}
    positions: dict[str, Position] = {}
    authors: tuple[str, ...] = ()
    organizations: set[str] = set()
    for item in entry.fields:
        name = item.key.lower()
        positions[name] = Position(shown, item.start_line + 1)
        if name in ("author", "editor") and isinstance(item.value, list):
            names = tuple(display_name(n) for n in item.value if n.strip())
            organizations.update(display_name(n) for n in item.value if n.strip().startswith("{"))
            if name == "author" or not authors:
                authors = names
            fields[name] = "; ".join(names)
        else:
            raw = item.value if isinstance(item.value, str) else " ".join(map(str, item.value))
            if getattr(item, "enclosing", None) == "no-enclosing":
                joined = concatenate(raw, strings)
                if joined is None:
                    diagnostics.append(
                        error(
                            "bib-syntax",
                            f"field '{name}' of '{entry.key}' uses an undefined @string macro"
                            f" or a malformed '#' concatenation: {raw[:60]}",
                            positions[name],
                        )
                    )
                    continue
                raw = joined
            fields[name] = raw.strip() if name in ("url", "doi") else decode(raw)
    return Source(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        authors=authors,
        position=Position(shown, (entry.start_line or 0) + 1),
        field_positions=positions,
        raw=(entry.raw or "").strip(),
        organizations=frozenset(organizations),
    )
