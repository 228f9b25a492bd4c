"""A brief's own numbered source list (`[1] Author, "Title", URL`) as BibTeX entries.

Briefs written outside a reference manager list their sources as lines of
text. Each line becomes one entry with what can be read from it (a URL, a
quoted or longest title, the author before it, a year), and the whole line is
kept in `note`, so nothing the brief said about a source is lost. What a line
lacks is then reported by the ordinary `incomplete-source` check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"'\]]+")
_QUOTED = re.compile(r"[\"\u201c\u201e]([^\"\u201c\u201d\u201e]{3,})[\"\u201d]|\*([^*]{3,})\*")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_DATE = re.compile(r"\b(19\d\d|20\d\d)-(\d\d)-(\d\d)\b")


@dataclass(frozen=True)
class SourceLine:
    """One line of the brief's source list: its number, 1-based line and column, text."""

    number: int
    line: int
    column: int
    text: str


def _bib_text(value: str) -> str:
    """Text safe inside BibTeX braces: LaTeX specials escaped, braces balanced away."""
    value = value.replace("\\", "/").replace("{", "(").replace("}", ")")
    return re.sub(r"([%&#$_])", r"\\\1", value)


def _key(words: str, year: str | None, taken: set[str]) -> str:
    stem = "-".join(re.findall(r"[a-z0-9]+", words.lower())[:4]) or "source"
    key = f"{stem}-{year}" if year else stem
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key}-{n}", n + 1
    taken.add(candidate)
    return candidate


def entry(source: SourceLine, taken: set[str]) -> tuple[str, str]:
    """(key, BibTeX entry) for one source line."""
    text = " ".join(source.text.split())
    url_match = _URL.search(text)
    url = url_match.group(0).rstrip(".,;)") if url_match else None
    rest = _URL.sub(" ", text)
    quoted = _QUOTED.search(rest)
    author = None
    if quoted:
        title = (quoted.group(1) or quoted.group(2)).strip().rstrip(".,")
        author = rest[: quoted.start()].strip(" .,:;") or None
    else:
        parts = [p.strip(" .,:;") for p in re.split(r"\.\s+|,\s+", rest) if p.strip(" .,:;")]
        title = max(parts, key=len) if parts else text
        before = parts[: parts.index(title)] if title in parts else []
        author = before[0] if before else None
    dated = _DATE.search(rest)
    year_match = _YEAR.search(rest)
    year = year_match.group(1) if year_match else None
    key = _key(title if not author else f"{author} {title}", year, taken)
    fields = [("title", _bib_text(title))]
    if author:
        fields.insert(0, ("author", "{" + _bib_text(author) + "}"))
    if url:
        fields.append(("url", url.replace("%", "\\%")))
    if dated:
        fields.append(("date", dated.group(0)))
    elif year:
        fields.append(("year", year))
    fields.append(("note", _bib_text(f"[{source.number}] {text}")))
    kind = "online" if url else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return key, f"@{kind}{{{key},\n{body}\n}}"
