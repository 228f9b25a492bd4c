r"""Stage 1b: the shared `references.bib` into typed `Source`s, every word kept.

bibtexparser 2.x splits the file into blocks; everything after that is done
here, the way BibTeX and biber read a file: field names and entry types in
any letter case, `@string` macros (with the twelve month macros every BibTeX
has) and `#` concatenation, `crossref`/`xdata` inheritance as biblatex
defines it, `@preamble` command definitions, names in BibTeX's parts, and
LaTeX decoded by `latex.decode`, which keeps text LaTeX would lose and
reports what it does not understand.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bibtexparser import model as bibmodel
from bibtexparser.entrypoint import parse_string

from reportgen import latex
from reportgen.cachefile import text_digest
from reportgen.dates import MONTHS
from reportgen.diagnostics import error, warning
from reportgen.loadcache import BIBLIOGRAPHY, LoadCache
from reportgen.model import Bibliography, Diagnostic, Name, Position, Source
from reportgen.names import parse_names
from reportgen.settings import Settings
from reportgen.textfile import read_text

MONTH_MACROS = {name[:3].lower(): name for name in MONTHS}
"""The macros every BibTeX style defines: `month = jan` means January."""
NAME_FIELDS = (
    "author",
    "editor",
    "translator",
    "bookauthor",
    "editora",
    "editorb",
    "editorc",
    "holder",
    "commentator",
    "annotator",
    "introduction",
    "foreword",
    "afterword",
)
URL_FIELDS = ("url", "doi", "eprint", "file", "urlraw", "archiveurl", "archive-url", "archive_url")
"""Addresses and identifiers: LaTeX escapes undone, nothing else touched."""
LITERAL_FIELDS = (
    *("date", "urldate", "origdate", "eventdate", "isbn", "issn", "ids", "crossref"),
    *("archivedate", "archive-date", "archive_date"),
)
"""Data, not prose: `~` in an EDTF date means 'approximate', not a space."""
SKIPPED_FIELDS = ("abstract", "file", "annotation", "annote", "keywords", "groups", "mendeley-tags")
"""Never shown to readers; decoding them would only report noise from notes."""
NOT_INHERITED = {
    "ids",
    "crossref",
    "xref",
    "xdata",
    "entryset",
    "entrysubtype",
    "execute",
    "label",
    "options",
    "presort",
    "related",
    "relatedoptions",
    "relatedstring",
    "relatedtype",
    "shorthand",
    "shorthandintro",
    "sortkey",
}
_BOOK_PARTS = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
_MAIN_PARTS = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
_JOURNAL_PARTS = {"title": "journaltitle", "subtitle": "journalsubtitle"}
# biblatex's default data inheritance: (parent types, child types) -> field renames.
INHERITANCE: tuple[tuple[frozenset[str], frozenset[str], dict[str, str]], ...] = (
    (
        frozenset({"mvbook", "book"}),
        frozenset({"inbook", "bookinbook", "suppbook"}),
        {**_BOOK_PARTS, "author": "bookauthor"},
    ),
    (frozenset({"mvbook"}), frozenset({"book"}), _MAIN_PARTS),
    (
        frozenset({"mvcollection", "mvreference"}),
        frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
        _MAIN_PARTS,
    ),
    (
        frozenset({"collection", "reference"}),
        frozenset({"incollection", "inreference", "suppcollection"}),
        _BOOK_PARTS,
    ),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), _MAIN_PARTS),
    (frozenset({"proceedings"}), frozenset({"inproceedings"}), _BOOK_PARTS),
    (frozenset({"periodical"}), frozenset({"article", "suppperiodical"}), _JOURNAL_PARTS),
)


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


def decode(value: str) -> str:
    """LaTeX to Unicode text (for callers that need no report of unknown commands)."""
    return latex.decode(value).text


def evaluate(expression: str, strings: dict[str, str]) -> tuple[str | None, list[str]]:
    """A BibTeX value expression (`{..}`, `".."`, a number, a macro, joined by `#`).

    Returns the value and the macros it uses that are not defined. BibTeX
    warns about those and prints nothing; here the macro's name stands in,
    so no word disappears. The value is None when the expression is
    malformed (an empty part, an unbalanced quote).
    """
    parts: list[str] = []
    depth, quoted, current, previous = 0, False, "", ""
    for char in expression:
        if previous == "\\":
            pass  # an escaped brace or quote is text, as bibtexparser reads it
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        previous = "" if previous == "\\" else char
        if char == "#" and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    if quoted or depth != 0:
        return None, []
    out: list[str] = []
    undefined: list[str] = []
    for part in parts:
        if len(part) >= 2 and part[0] + part[-1] in ('""', "{}"):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        elif _MACRO_NAME.fullmatch(part):
            undefined.append(part)
            out.append(part)
        else:
            return None, []
    return "".join(out), undefined


_MACRO_NAME = re.compile(r"[^\s\d\"#%'(),={}][^\s\"#%'(),={}]*")
"""What BibTeX accepts as a macro name in a field value."""


@dataclass
class _Raw:
    """An entry as written: lowercased field names, expressions evaluated, LaTeX kept."""

    key: str
    entry_type: str
    fields: dict[str, str]
    positions: dict[str, Position]
    position: Position
    raw: str
    expanded: bool = False
    """True when a macro, `#` or inheritance changed a value: the raw text is not self-contained."""
    parents: list[str] = field(default_factory=list)


def load_bibliography(
    path: Path,
    settings: Settings,
    texts: dict[str, str] | None = None,
    memo: LoadCache | None = None,
) -> tuple[Bibliography, list[Diagnostic]]:
    """Every well-formed entry, plus a diagnostic for each block or field that failed."""
    shown = settings.display(path)
    text, problem = read_text(path, shown, settings.max_bib_bytes, "bibliography")
    if problem is not None:
        if not path.exists() and not path.is_symlink():
            problem = error("bib-syntax", f"bibliography '{shown}' does not exist", Position(shown))
        return Bibliography(shown, {}, readable=False), [problem]
    assert text is not None
    if texts is not None:
        texts[shown] = text
    if memo is None:
        return parse_bibliography(text, shown)
    found = memo.memo("bib", shown, text, lambda: parse_bibliography(text, shown), BIBLIOGRAPHY)
    return found[0], list(found[1])


def parse_bibliography(text: str, shown: str) -> tuple[Bibliography, list[Diagnostic]]:
    with _quiet_parser():
        library = parse_string(text, parse_stack=[])
    diagnostics: list[Diagnostic] = []
    strings = dict(MONTH_MACROS)
    preamble = ""
    entries: dict[str, _Raw] = {}
    folded: dict[str, _Raw] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bibmodel.String):
            value, undefined = evaluate(str(block.value), strings)
            if value is None:
                diagnostics.append(
                    error(
                        "bib-syntax",
                        f"@string '{block.key}' has a malformed value: {str(block.value)[:60]}",
                        Position(shown, line),
                    )
                )
                continue
            diagnostics.extend(
                _undefined_macro(name, f"@string '{block.key}'", Position(shown, line))
                for name in undefined
            )
            strings[block.key.lower()] = value
        elif isinstance(block, bibmodel.Preamble):
            preamble += (evaluate(str(block.value), strings)[0] or "") + "\n"
        elif isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            first = entries.get(block.key) or folded.get(block.key.casefold())
            where = f" (first defined at line {first.position.line})" if first else ""
            diagnostics.append(
                error(
                    "duplicate-source",
                    f"source '{block.key}' is defined twice{where}",
                    Position(shown, line),
                )
            )
        elif isinstance(block, bibmodel.ParsingFailedBlock) and not isinstance(
            block, bibmodel.DuplicateFieldKeyBlock
        ):
            diagnostics.append(error("bib-syntax", _failure_message(block), Position(shown, line)))
        elif isinstance(block, bibmodel.Entry | bibmodel.DuplicateFieldKeyBlock):
            entry = block if isinstance(block, bibmodel.Entry) else block.ignore_error_block
            assert isinstance(entry, bibmodel.Entry)
            raw = _raw_entry(entry, shown, strings, diagnostics)
            if raw is None:
                continue
            twin = folded.get(entry.key.casefold())
            if twin is not None:
                diagnostics.append(
                    error(
                        "duplicate-source",
                        f"source '{entry.key}' differs from '{twin.key}'"
                        f" (line {twin.position.line}) only in letter case;"
                        " BibTeX treats them as the same key",
                        raw.position,
                    )
                )
                continue
            entries[entry.key] = raw
            folded[entry.key.casefold()] = raw
    for raw in entries.values():
        _inherit(raw, folded, diagnostics, set())
    macros = latex.preamble_macros(preamble)
    sources = {
        key: _source(raw, macros, diagnostics)
        for key, raw in entries.items()
        if raw.entry_type != "xdata"
    }
    return Bibliography(shown, sources, source_digest=text_digest(shown, text)), diagnostics


def _failure_message(block: bibmodel.ParsingFailedBlock) -> str:
    first_line = (block.raw or "").strip().splitlines()[0] if (block.raw or "").strip() else ""
    reason = str(block.error).strip().splitlines()[0] if str(block.error).strip() else ""
    detail = f": {reason}" if reason else " (unbalanced braces or a missing comma?)"
    return f"cannot parse entry '{first_line[:60]}'{detail}"


def _raw_entry(
    entry: bibmodel.Entry, shown: str, strings: dict[str, str], diagnostics: list[Diagnostic]
) -> _Raw | None:
    fields: dict[str, str] = {}
    positions: dict[str, Position] = {}
    written: dict[str, str] = {}
    expanded = False
    for item in entry.fields:
        name = item.key.lower()
        position = Position(shown, item.start_line + 1)
        if name in written:
            diagnostics.append(
                warning(
                    "duplicate-field",
                    f"field '{name}' appears twice in '{entry.key}'; the first value is used,"
                    " as BibTeX does",
                    position,
                    "remove one of them",
                )
            )
            continue
        written[name] = item.key
        expression = str(item.value).strip()
        value, undefined = evaluate(expression, strings)
        if value is None:
            diagnostics.append(
                error(
                    "bib-syntax",
                    f"field '{name}' of '{entry.key}' has a malformed value: {expression[:60]}",
                    position,
                    "put the text in braces; join parts with ' # '",
                )
            )
            continue
        diagnostics.extend(
            _undefined_macro(macro, f"field '{name}' of '{entry.key}'", position)
            for macro in undefined
        )
        if not (len(expression) >= 2 and expression[0] + expression[-1] in ('""', "{}")):
            expanded = expanded or not expression.isdigit()
        fields[name] = value
        positions[name] = position
    return _Raw(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        positions=positions,
        position=Position(shown, (entry.start_line or 0) + 1),
        raw=(entry.raw or "").strip(),
        expanded=expanded,
    )


def _undefined_macro(name: str, where: str, position: Position) -> Diagnostic:
    return warning(
        "undefined-macro",
        f"{where} uses the @string macro '{name}', which is not defined; the name is shown"
        " as the text",
        position,
        "define it with @string, or put the text in braces",
    )


def _inherit(
    child: _Raw, entries: dict[str, _Raw], diagnostics: list[Diagnostic], seen: set[str]
) -> None:
    """Fill fields from `xdata` and `crossref` parents, as biber does (parents first)."""
    if child.key in seen:
        return
    seen.add(child.key)
    references: list[tuple[str, str]] = [
        ("xdata", key.strip()) for key in child.fields.get("xdata", "").split(",") if key.strip()
    ]
    if child.fields.get("crossref", "").strip():
        references.append(("crossref", child.fields["crossref"].strip()))
    for kind, key in references:
        parent = entries.get(key.casefold())
        if parent is None:
            diagnostics.append(
                warning(
                    "missing-parent",
                    f"{kind} of '{child.key}' names '{key}', which is not in the bibliography;"
                    " nothing is inherited",
                    child.positions.get(kind, child.position),
                    "add that entry, or remove the field",
                )
            )
            continue
        if parent.key in seen:
            diagnostics.append(
                error(
                    "bib-syntax",
                    f"{kind} of '{child.key}' makes a cycle through '{parent.key}'",
                    child.positions.get(kind, child.position),
                )
            )
            continue
        _inherit(parent, entries, diagnostics, seen)
        renames = {}
        if kind == "crossref":
            for parents, children, mapping in INHERITANCE:
                if parent.entry_type in parents and child.entry_type in children:
                    renames.update(mapping)
        for name, value in parent.fields.items():
            if name in NOT_INHERITED:
                continue
            if name not in renames and name not in child.fields:
                child.fields[name] = value
                child.positions[name] = parent.positions[name]
                child.expanded = True
        for source, target in renames.items():
            if source in parent.fields and target not in child.fields:
                child.fields[target] = parent.fields[source]
                child.positions[target] = parent.positions[source]
                child.expanded = True
            if source == "author" and "author" not in child.fields and "author" in parent.fields:
                child.fields["author"] = parent.fields["author"]
                child.positions["author"] = parent.positions["author"]
        child.parents.append(parent.key)


def _source(raw: _Raw, macros: tuple[latex.Macro, ...], diagnostics: list[Diagnostic]) -> Source:
    fields: dict[str, str] = {}
    names: tuple[Name, ...] = ()
    et_al = False
    creators: dict[str, tuple[tuple[Name, ...], bool]] = {}

    def prose(name: str, value: str) -> str:
        decoded = latex.decode(value, macros)
        for command in dict.fromkeys(decoded.unknown):
            diagnostics.append(
                warning(
                    "bib-latex",
                    f"field '{name}' of '{raw.key}' uses the LaTeX command \\{command},"
                    " which reportgen does not know; its text is kept, the command dropped",
                    raw.positions.get(name, raw.position),
                    "write the text without the command",
                )
            )
        return decoded.text

    for name, value in raw.fields.items():
        if name in SKIPPED_FIELDS:
            continue
        if name in NAME_FIELDS:
            creators[name] = parse_names(value, lambda part, n=name: prose(n, part))  # type: ignore[misc]
            fields[name] = "; ".join(n.display for n in creators[name][0])
        elif name in URL_FIELDS:
            fields[name] = latex.decode_url(value)
        elif name in LITERAL_FIELDS:
            fields[name] = latex.decode_literal(value)
        else:
            fields[name] = prose(name, value)
    for name in ("author", "editor", "bookauthor"):
        if creators.get(name, ((), False))[0]:
            names, et_al = creators[name]
            break
    if "doi" in fields:
        fields["doi"] = normalize_doi(fields["doi"])
    return Source(
        key=raw.key,
        entry_type=raw.entry_type,
        fields=fields,
        authors=tuple(n.display for n in names),
        position=raw.position,
        field_positions=raw.positions,
        raw=raw.raw if not raw.expanded else format_entry(raw.entry_type, raw.key, raw.fields),
        organizations=frozenset(n.display for n in names if n.literal),
        names=names,
        et_al=et_al,
        raw_fields=dict(raw.fields),
        parents=tuple(raw.parents),
    )


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """'http://dx.doi.org/10.1/x' and 'doi:10.1/x' are the DOI '10.1/x'."""
    return _DOI_PREFIX.sub("", value.strip())


def format_entry(entry_type: str, key: str, fields: dict[str, str]) -> str:
    """A self-contained entry (macros expanded, inherited fields included) for downloads."""
    width = max((len(name) for name in fields), default=0)
    lines = [f"  {name.ljust(width)} = {{{value}}}," for name, value in fields.items()]
    if lines:
        lines[-1] = lines[-1].rstrip(",")
    return "\n".join([f"@{entry_type}{{{key},", *lines, "}"])
