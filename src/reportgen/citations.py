"""Inline citation syntax: Pandoc-style `[@key]` and `[@a; @b]` groups inside claim text.

Kept apart from YAML loading because the importer and the tests need the same
grammar, and because its error reporting (where exactly a group went wrong) is
its own small problem.
"""

from __future__ import annotations

import difflib
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
    """A key and its character offset in the claim text, and its pinpoint locator."""

    key: str
    offset: int
    locator: str | None = None


LOCATOR_LABELS = {
    # CSL's locator terms, by the abbreviations Pandoc and Chicago use.
    "p.": "p.",
    "pp.": "pp.",
    "page": "p.",
    "pages": "pp.",
    "sec.": "sec.",
    "secs.": "secs.",
    "section": "sec.",
    "§": "§",
    "§§": "§§",
    "para.": "para.",
    "paras.": "paras.",
    "paragraph": "para.",
    "¶": "¶",
    "ch.": "ch.",
    "chap.": "ch.",
    "chapter": "ch.",
    "col.": "col.",
    "fig.": "fig.",
    "figure": "fig.",
    "l.": "l.",
    "ll.": "ll.",
    "line": "l.",
    "n.": "n.",
    "note": "n.",
    "pt.": "pt.",
    "part": "pt.",
    "vol.": "vol.",
    "volume": "vol.",
    "no.": "no.",
    "art.": "art.",
    "s.v.": "s.v.",
    "table": "table",
    "tbl.": "table",
    "app.": "app.",
    "appendix": "app.",
    "at": "at",
}
"""Written label -> the label readers see (as numbered styles print it: `[2, p. 33]`)."""
_LOCATOR = re.compile(r"^\s*,\s*(?P<label>[^\s\d]+)\s*(?P<value>\S.*?)\s*$")


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


def _key(found: re.Match[str], offset: int, locator: str | None = None) -> ParsedKey:
    """The key without Pandoc's braces, at the offset of its first character."""
    written = found.group(1)
    if written.startswith("{"):
        return ParsedKey(written[1:-1], offset + 1, locator)
    return ParsedKey(written, offset, locator)


def parse_locator(text: str) -> tuple[str | None, str | None]:
    """(`p. 33` as readers see it, None) or (None, why it is not a locator)."""
    found = _LOCATOR.match(text)
    if found is None:
        return None, "write the locator after a comma, as in '@key, p. 33'"
    label = found["label"]
    shown = LOCATOR_LABELS.get(label) or LOCATOR_LABELS.get(label.lower())
    if shown is None:
        close = difflib.get_close_matches(label.lower(), list(LOCATOR_LABELS), n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "use p., pp., sec., para., ch., ..."
        return None, f"'{label}' is not a locator label ({hint})"
    value = re.sub(r"(?<=\d)\s*-{1,2}\s*(?=\d)", "\u2013", found["value"])
    return f"{shown} {value}", None


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
        locator = None
        keyed = _ITEM.match(stripped)
        if keyed is not None and stripped[keyed.end() :].lstrip().startswith(","):
            locator, why = parse_locator(stripped[keyed.end() :])
            if locator is None:
                return None, SyntaxProblem(
                    f"'{stripped}' in citation group '{raw}': {why}", item_offset
                )
            stripped = stripped[: keyed.end()]
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
        keys.append(_key(match, item_offset + 1, locator))
    return ParsedGroup(tuple(keys), start, start + len(raw)), None
