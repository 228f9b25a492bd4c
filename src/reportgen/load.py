"""Stage 1: read content files into typed `Report`s, keeping every source position.

Loading never raises on bad content: each problem becomes a `Diagnostic` and
the file is skipped, so one run shows the editor every problem at once.
Structural problems (YAML syntax, schema) are found here; semantic ones
(uncited claims, unknown keys) belong to `check`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from reportgen import citations, yamlhelp, yamltree
from reportgen.bib import load_bibliography
from reportgen.cachefile import text_digest
from reportgen.diagnostics import error
from reportgen.loadcache import REPORT, LoadCache
from reportgen.model import (
    Citation,
    CitationGroup,
    Claim,
    ClaimKind,
    Correction,
    Diagnostic,
    EditorNote,
    Passage,
    Position,
    Project,
    Report,
    Section,
    Segment,
)
from reportgen.schema import json_type, validate, yaml_word
from reportgen.settings import Settings
from reportgen.textfile import read_text

if TYPE_CHECKING:
    pass

CONTENT_SUFFIXES = (".yaml", ".yml")
_NEWLINE = re.compile("\n")
_TOKEN = re.compile(r"\S+")


@dataclass
class LoadResult:
    """What loading produced: the project (possibly partial) and every problem found."""

    project: Project
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: int = 0
    """Content files that could not be loaded; their citations are unknown."""
    texts: dict[str, str] = field(default_factory=dict)
    """Each file read, by its shown path, so diagnostics can quote their line."""


def load_project(settings: Settings, memo: LoadCache | None = None) -> LoadResult:
    """Load the bibliography and every content file; never raises on bad input.

    With `memo`, files whose text was parsed before are taken from it (see `loadcache`).
    """
    texts: dict[str, str] = {}
    bibliography, diagnostics = load_bibliography(settings.bibliography_path, settings, texts, memo)
    reports: list[Report] = []
    skipped = 0
    for path in content_files(settings.content_path):
        report, found = load_report(path, settings, texts, memo)
        diagnostics.extend(found)
        if report is None:
            skipped += 1
        else:
            reports.append(report)
    diagnostics.extend(missing_content(settings))
    return LoadResult(Project(tuple(reports), bibliography), diagnostics, skipped, texts)


def missing_content(settings: Settings) -> list[Diagnostic]:
    if settings.content_path.is_dir():
        return []
    shown = settings.display(settings.content_path)
    return [error("no-content", f"content directory '{shown}' does not exist", Position(shown))]


def content_files(directory: Path) -> list[Path]:
    """Content files in a stable order, so numbering and output never depend on the OS.

    `.yaml`/`.yml` in any letter case. Names starting with a dot (`.draft.yaml`,
    `.trash/`, editor backups) are never published, as git and MkDocs treat
    them. Anything else with a YAML suffix is returned even if it is not a
    regular file, so that reading it reports why (never silently skipped).
    """
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.rglob("*")
        if p.suffix.lower() in CONTENT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
        and not p.is_dir()
    )


def load_report(
    path: Path,
    settings: Settings,
    texts: dict[str, str] | None = None,
    memo: LoadCache | None = None,
) -> tuple[Report | None, list[Diagnostic]]:
    """Parse, validate and build one report; returns no report if its structure is wrong.

    The file's text is added to `texts` (by shown path), for quoting in diagnostics.
    """
    shown = settings.display(path)
    text, problem = read_text(path, shown, settings.max_content_bytes, "content")
    if problem is not None:
        return None, [problem]
    assert text is not None
    if texts is not None:
        texts[shown] = text
    if memo is None:
        return parse_report(text, shown)
    report, found = memo.memo("report", shown, text, lambda: parse_report(text, shown), REPORT)
    return report, list(found)


def parse_report(text: str, shown: str) -> tuple[Report | None, list[Diagnostic]]:
    """A report from its file's text (`shown` is the path diagnostics name)."""
    try:
        tree = yamltree.parse(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(exc, shown, text)]
    except yamltree.TreeError as exc:
        return None, [
            error("yaml-syntax", exc.message, Position(shown, exc.line + 1, exc.column + 1))
        ]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [error("yaml-syntax", f"not valid YAML: {exc}", Position(shown))]
    if not isinstance(tree.data, dict):
        kind = "empty" if tree.data is None else f"a {yaml_word(json_type(tree.data))}"
        return None, [
            error(
                "schema",
                f"a report must be a YAML mapping of fields, but this file is {kind}",
                Position(shown),
            ),
        ]
    schema_problems = validate(tree, shown, text)
    if schema_problems:
        return None, schema_problems
    builder = _ReportBuilder(shown, text, tree)
    report = replace(builder.build(tree.data), source_digest=text_digest(shown, text))
    return report, builder.diagnostics


def _yaml_error(exc: yaml.MarkedYAMLError, shown: str, text: str) -> Diagnostic:
    """The parser's complaint, re-told at the line to change (see `yamlhelp`)."""
    problem = str(exc.problem or exc.context or "")
    if "maximum nesting depth" in problem:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = f"structure nested deeper than the YAML parser allows ({problem})"
        return error("yaml-syntax", message, Position(shown, line, column))
    found = yamlhelp.explain(exc, text)
    return error(
        "yaml-syntax", found.message, Position(shown, found.line, found.column), found.hint
    )


_POSITIONED_FIELDS = ("title", "description", "open_questions_title", "published", "last_checked")


class _ReportBuilder:
    """Turns a schema-valid mapping into a Report, resolving positions against the raw text."""

    def __init__(self, shown: str, text: str, tree: yamltree.Tree) -> None:
        self.shown = shown
        self.text = text
        self.tree = tree
        self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self.diagnostics: list[Diagnostic] = []

    def position(self, path: yamltree.Path) -> Position:
        line0, col0 = self.tree.value_at(path)
        return Position(self.shown, line0 + 1, col0 + 1)

    def offset_position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(self.shown, line + 1, offset - self.line_starts[line] + 1)

    def build(self, data: dict[str, Any]) -> Report:
        sections = []
        for number, node in enumerate(data["sections"], start=1):
            path = ("sections", number - 1)
            sections.append(
                Section(
                    number=number,
                    title=str(node["title"]),
                    anchor=str(node.get("id") or f"section-{number}"),
                    claims=self.claims(node, (*path, "claims"), ClaimKind.SECTION, f"s{number}"),
                    position=self.position(path),
                )
            )
        open_position = None
        if ("open_questions",) in self.tree.keys:
            line0, col0 = self.tree.keys[("open_questions",)]
            open_position = Position(self.shown, line0 + 1, col0 + 1)
        return Report(
            path=self.shown,
            slug=str(data["slug"]),
            title=str(data["title"]),
            description=str(data["description"]) if "description" in data else None,
            authors=tuple(" ".join(str(a).split()) for a in data.get("authors") or ()),
            published=str(data["published"]),
            last_checked=str(data["last_checked"]),
            summary=self.claims(data, ("summary",), ClaimKind.SUMMARY, "summary"),
            sections=tuple(sections),
            open_questions_title=str(data.get("open_questions_title") or "Open questions"),
            open_questions=self.claims(data, ("open_questions",), ClaimKind.OPEN_QUESTION, "oq"),
            bottom_line=self.claims(data, ("bottom_line",), ClaimKind.BOTTOM_LINE, "bottom-line"),
            position=Position(self.shown),
            open_questions_position=open_position,
            corrections=self.corrections(data),
            field_positions=tuple(
                (name, self.position((name,)))
                for name in (
                    "title",
                    "description",
                    "open_questions_title",
                    "published",
                    "last_checked",
                )
                if name in data
            ),
        )

    def claims(
        self, parent: dict[str, Any], path: yamltree.Path, kind: ClaimKind, prefix: str
    ) -> tuple[Claim, ...]:
        items = parent.get(str(path[-1]))
        if not isinstance(items, list):
            return ()
        return tuple(
            self.claim(item, (*path, index), index, kind, prefix)
            for index, item in enumerate(items)
        )

    def claim(
        self, node: Any, path: yamltree.Path, index: int, kind: ClaimKind, prefix: str
    ) -> Claim:
        before = len(self.diagnostics)
        note: EditorNote | None = None
        quotes: tuple[Passage, ...] = ()
        if isinstance(node, dict):
            text = str(node["text"])
            explicit = node.get("id")
            segments = self.segments(text, self.tree.value_at((*path, "text")))
            cite = node.get("cite")
            if isinstance(cite, list) and cite:
                keys = tuple(self.cited(str(k), (*path, "cite", i)) for i, k in enumerate(cite))
                segments = (*segments, CitationGroup(keys, keys[0].position))
            given = node.get("quotes")
            if isinstance(given, dict):
                quotes = tuple(
                    self.passage(str(k), v, (*path, "quotes", k)) for k, v in given.items()
                )
            written = node.get("note")
            if isinstance(written, dict):
                note = EditorNote(
                    " ".join(str(written["text"]).split()),
                    str(written["date"]) if written.get("date") else None,
                    self.position((*path, "note")),
                )
        else:
            text = str(node)
            explicit = None
            segments = self.segments(text, self.tree.value_at(path))
        return Claim(
            id=str(explicit) if explicit else f"{prefix}-{index + 1}",
            kind=kind,
            segments=segments,
            position=self.position(path),
            explicit_id=bool(explicit),
            malformed=len(self.diagnostics) > before,
            note=note,
            quotes=quotes,
        )

    def passage(self, key: str, given: Any, path: yamltree.Path) -> Passage:
        """A quote: the passage alone, or `{text, before, after}` with its context."""

        def flat(value: Any) -> str | None:
            return " ".join(str(value).split()) if value is not None else None

        position = self.position(path)
        if isinstance(given, dict):
            text = flat(given["text"]) or ""
            return Passage(key, text, position, flat(given.get("before")), flat(given.get("after")))
        return Passage(key, flat(given) or "", position)

    def corrections(self, data: dict[str, Any]) -> tuple[Correction, ...]:
        """The report's corrections, newest first (ties keep the editor's order)."""
        found = []
        for index, node in enumerate(data.get("corrections") or ()):
            path: yamltree.Path = ("corrections", index)
            found.append(
                Correction(
                    date=str(node["date"]),
                    text=" ".join(str(node["text"]).split()),
                    claims=tuple(
                        (str(claim_id), self.position((*path, "claims", i)))
                        for i, claim_id in enumerate(node["claims"])
                    ),
                    position=self.position(path),
                )
            )
        return tuple(sorted(found, key=lambda c: c.date, reverse=True))

    def cited(self, written: str, path: yamltree.Path) -> Citation:
        """A `cite:` item: a key, or a key with a locator ('alpha, p. 3')."""
        key, _, rest = written.partition(",")
        position = self.position(path)
        if not rest:
            return Citation(key.strip(), position)
        locator, why = citations.parse_locator("," + rest)
        if locator is None:
            self.diagnostics.append(
                error("citation-syntax", f"cite item {written!r}: {why}", position)
            )
        return Citation(key.strip(), position, locator)

    def segments(self, text: str, start_at: tuple[int, int]) -> tuple[Segment, ...]:
        """Claim text split at citation groups, each key placed at its own column in the file."""
        pieces, problems = citations.parse(text)
        line0, col0 = start_at
        start = self.line_starts[line0] + col0 if line0 < len(self.line_starts) else 0
        for problem in problems:
            self.diagnostics.append(
                error(
                    "citation-syntax",
                    problem.message,
                    self.offset_position(self._find(text, problem.offset, start)),
                )
            )
        out: list[Segment] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            keys = tuple(
                Citation(k.key, self.offset_position(self._find(text, k.offset, start)), k.locator)
                for k in piece.keys
            )
            out.append(
                CitationGroup(keys, self.offset_position(self._find(text, piece.offset, start)))
            )
        return tuple(out)

    def _find(self, text: str, offset: int, start: int) -> int:
        """Map an offset in the parsed scalar to an offset in the raw file.

        A plain or simply quoted one-line scalar is the raw text itself (the
        common case). Folded and escaped scalars do not map one-to-one, so for
        them look for the same snippet in the raw text after the scalar's start.
        """
        for base in (start, start + 1):
            if self.text.startswith(text, base) and (base == start or self.text[start] in "'\""):
                return base + offset
        token = _TOKEN.match(text, offset)
        snippet = token.group(0) if token else ""
        nth = text[:offset].count(snippet) if snippet else 0
        cursor = start
        for _ in range(nth + 1):
            found = self.text.find(snippet, cursor) if snippet else -1
            if found < 0:
                return start
            cursor = found + 1
        return cursor - 1
