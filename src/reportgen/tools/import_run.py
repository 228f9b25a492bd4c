"""`reportgen import` end to end: sources, conflicts, the content file, the check that follows.

`importer` turns a brief's text into claims; this module decides which
bibliography those claims will really cite (the `--sources` file, or the
brief's own source list), refuses to guess when a key already means
something else in `references.bib`, writes the content file, and checks the
result against the bibliography the site will actually use, so "import
passed" means `reportgen check` will pass too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.bib import load_bibliography, parse_bibliography
from reportgen.check import check_bibliography
from reportgen.diagnostics import error
from reportgen.model import Bibliography, Diagnostic, Position, Source
from reportgen.settings import Settings
from reportgen.tools import briefsources
from reportgen.tools.importer import ImportResult, import_brief, split_parts, write_import
from reportgen.tools.init import schema_modeline

COMPARED_FIELDS = ("title", "url", "doi", "author", "year", "date", "number", "institution")
"""Fields whose difference means two entries with one key describe different sources."""


@dataclass
class Imported:
    """What an import did and found."""

    result: ImportResult
    target: Path
    diagnostics: list[Diagnostic]
    added: int = 0


def brief_bibliography(
    brief: str, shown: str
) -> tuple[Bibliography, dict[int, str], dict[str, str], list[Diagnostic]]:
    """The brief's own source list as entries, their numbers, their BibTeX, and problems."""
    shape, _ = split_parts(brief.splitlines(), shown)
    taken: set[str] = set()
    numbers: dict[int, str] = {}
    texts: dict[str, str] = {}
    lines: dict[str, briefsources.SourceLine] = {}
    for line in shape.sources:
        key, text = briefsources.entry(line, taken)
        numbers.setdefault(line.number, key)
        texts[key] = text
        lines[key] = line
    bibliography, problems = parse_bibliography("\n\n".join(texts.values()), shown)
    sources = {}
    for key, source in bibliography.sources.items():
        at = Position(shown, lines[key].line, lines[key].column)
        sources[key] = replace(
            source, position=at, field_positions=dict.fromkeys(source.field_positions, at)
        )
    return Bibliography(shown, sources), numbers, texts, problems


def run_import(
    brief_path: Path,
    settings: Settings,
    *,
    sources_path: Path | None,
    mapping: dict[int, str] | None,
    slug: str | None,
    date: str | None,
    out: Path | None,
    merge: bool,
    force: bool,
) -> Imported:
    """Import one brief into `settings`' site; raises FileExistsError if `out` exists."""
    brief = brief_path.read_text(encoding="utf-8-sig")
    shown = settings.display(brief_path.resolve())
    problems: list[Diagnostic] = []
    raw_texts: dict[str, str] = {}
    if sources_path is not None:
        given, problems = load_bibliography(sources_path, settings)
        if given.readable and not given.sources:
            problems.append(
                error(
                    "import-structure",
                    f"{settings.display(sources_path.resolve())} has no BibTeX entries",
                    Position(settings.display(sources_path.resolve())),
                    "pass a .bib file, or leave out --sources to use the brief's own list",
                )
            )
        numbers = {i: key for i, key in enumerate(given.sources, start=1)}
        raw_texts = {key: s.raw for key, s in given.sources.items() if s.raw}
    else:
        given, numbers, raw_texts, problems = brief_bibliography(brief, shown)
        if not given.sources:
            problems.append(
                error(
                    "import-structure",
                    "the brief lists no sources, and no --sources file was given",
                    Position(shown, 1),
                    "add a numbered source list ([1] Author, Title, URL) or pass --sources",
                )
            )
    result = import_brief(
        brief, shown, list(numbers.values()), mapping=mapping or numbers, slug=slug, date=date
    )
    target = out or settings.content_path / f"{result.slug}.yaml"
    modeline = schema_modeline(target, settings.root)
    if modeline:
        result.yaml_text = f"{modeline}\n{result.yaml_text}"
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    existing, _ = load_bibliography(settings.bibliography_path, settings)
    cited = _cited_keys(result, numbers, mapping)
    problems += _conflicts(given, existing, settings, cited)
    write_import(result, target)
    missing = [key for key in cited if key in given.sources and key not in existing.sources]
    added = 0
    if merge and missing:
        added = _append(
            settings.bibliography_path, [raw_texts[k] for k in missing if k in raw_texts]
        )
    elif missing:
        problems += [
            error(
                "unknown-source",
                f"source '{key}' is not in {existing.path or settings.bibliography}",
                given.sources[key].position,
                "rerun with --merge-sources to add it, or add it to the bibliography",
            )
            for key in missing
        ]
    used = Bibliography(given.path, {k: s for k, s in given.sources.items() if k in cited})
    problems += list(check_bibliography(used))
    return Imported(result, target, result.diagnostics + problems, added)


def _cited_keys(
    result: ImportResult, numbers: dict[int, str], mapping: dict[int, str] | None
) -> list[str]:
    keys = mapping or numbers
    return list(dict.fromkeys(k for k in keys.values() if f"@{k}" in result.yaml_text))


def _conflicts(
    given: Bibliography, existing: Bibliography, settings: Settings, cited: list[str]
) -> list[Diagnostic]:
    """A key the brief uses that references.bib already defines as a different source."""
    out = []
    for key in cited:
        theirs, ours = existing.sources.get(key), given.sources.get(key)
        if theirs is None or ours is None:
            continue
        differing = [name for name in COMPARED_FIELDS if _norm(theirs, name) != _norm(ours, name)]
        if not differing:
            continue
        name = differing[0]
        out.append(
            error(
                "import-conflict",
                f"source '{key}' differs from the entry with the same key at"
                f" {theirs.position.file}:{theirs.position.line} ({name}"
                f" {ours.get(name)!r} here, {theirs.get(name)!r} there); the report would"
                " cite that entry",
                ours.position,
                "give one of them another key, or make them the same source",
            )
        )
    return out


def _norm(source: Source, name: str) -> str:
    return " ".join((source.get(name) or "").casefold().split())


def _append(path: Path, entries: list[str]) -> int:
    """Add entries to the shared bibliography (creating it), each as written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for text in entries:
            handle.write("\n" + text + "\n")
    return len(entries)
