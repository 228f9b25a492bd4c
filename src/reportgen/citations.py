"""Inline citation syntax: Pandoc-style `[@key]` and `[@a; @b]` groups inside claim text.

Kept apart from YAML loading because the importer and the tests need the same
grammar, and because its error reporting (where exactly a group went wrong) is
its own small problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEY_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*"
"""BibTeX keys as Pandoc accepts them; trailing punctuation is trimmed below."""

BRACED_KEY = r"\{[^{}\s]+\}"
"""Pandoc's `@{key}` for keys BibTeX allows but the plain form does not (`@{-draft}`)."""
_ANY_KEY = rf"(?:{BRACED_KEY}|{KEY_PATTERN})"
_GROUP = re.compile(r"\[\s*@[^\[\]]*\]|\[\s*@[^\[\]]*$|\[\s*@[^\[\]]*(?=\[)")
_ITEM = re.compile(rf"@({_ANY_KEY})")


@dataclass(frozen=True)
class ParsedKey:
    """A key and its character offset in the claim text."""

    key: str
    offset: int


@dataclass(frozen=True)
class ParsedGroup:
    """A well-formed group and where it starts in the claim text."""

    keys: tuple[ParsedKey, ...]
    offset: int
    end: int


@dataclass(frozen=True)
class SyntaxProblem:
    """A malformed citation and why; the loader turns it into a diagnostic."""

    message: str
    offset: int


Piece = str | ParsedGroup


def parse(text: str) -> tuple[list[Piece], list[SyntaxProblem]]:
    """Split claim text into prose and citation groups.

    Malformed groups stay in the prose (so nothing the editor wrote vanishes)
    and are reported, rather than guessed at.
    """
    pieces: list[Piece] = []
    problems: list[SyntaxProblem] = []
    cursor = 0
    for match in _GROUP.finditer(text):
        group, problem = _parse_group(match.group(0), match.start())
        if problem is not None:
            problems.append(problem)
            continue
        assert group is not None
        if match.start() > cursor:
            pieces.append(text[cursor : match.start()])
        pieces.append(group)
        cursor = match.end()
    if cursor < len(text):
        pieces.append(text[cursor:])
    return pieces, problems


_WELL_FORMED = re.compile(rf"\[@{_ANY_KEY}(?:; ?@{_ANY_KEY})*\]")


def _key(found: re.Match[str], offset: int) -> ParsedKey:
    """The key without Pandoc's braces, at the offset of its first character."""
    written = found.group(1)
    if written.startswith("{"):
        return ParsedKey(written[1:-1], offset + 1)
    return ParsedKey(written, offset)


def _parse_group(raw: str, start: int) -> tuple[ParsedGroup | None, SyntaxProblem | None]:
    if _WELL_FORMED.fullmatch(raw):  # the common case, without the item-by-item diagnosis
        found = tuple(_key(m, start + m.start() + 1) for m in _ITEM.finditer(raw))
        return ParsedGroup(found, start, start + len(raw)), None
    if not raw.endswith("]"):
        return None, SyntaxProblem("citation group '[@' is never closed with ']'", start)
    inner = raw[1:-1]
    keys: list[ParsedKey] = []
    position = 1
    for item in inner.split(";"):
        stripped = item.strip()
        item_offset = start + position + (len(item) - len(item.lstrip()))
        position += len(item) + 1
        match = _ITEM.fullmatch(stripped)
        if not stripped:
            return None, SyntaxProblem(f"empty entry in citation group '{raw}'", item_offset)
        if match is None and re.fullmatch(r"@[^\s{}@]+", stripped):
            return None, SyntaxProblem(
                f"'{stripped}' in citation group '{raw}' needs braces: write"
                f" '@{{{stripped[1:]}}}' (Pandoc's form for keys with unusual characters)",
                item_offset,
            )
        if match is None:
            return None, SyntaxProblem(
                f"'{stripped}' in citation group '{raw}' is not a citation key "
                "(write '@key'; separate keys with ';', keys have no spaces)",
                item_offset,
            )
        keys.append(_key(match, item_offset + 1))
    return ParsedGroup(tuple(keys), start, start + len(raw)), None
