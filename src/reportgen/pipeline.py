"""load -> check, as one call shared by the CLI and the MkDocs plugin.

Both front ends must refuse exactly the same content, so neither composes the
stages itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportgen.check import check
from reportgen.diagnostics import finalize, warning
from reportgen.load import load_project
from reportgen.loadcache import LoadCache
from reportgen.model import Diagnostic, Position, Project
from reportgen.options import OPTIONS, settings_from_values
from reportgen.settings import Settings


@dataclass(frozen=True)
class Analysis:
    """A loaded project and every diagnostic about it, sorted."""

    project: Project
    diagnostics: list[Diagnostic]
    save_cache: Callable[[], None] = field(default=lambda: None, compare=False, repr=False)
    """Keeps what a cached analysis learnt for the next run; may raise OSError."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def analyse(
    settings: Settings,
    *,
    strict: bool = False,
    site: Sequence[Diagnostic] = (),
    cache: Path | None = None,
) -> Analysis:
    """Load and check; `site` adds what the caller found about the site's own settings.

    With a `cache` folder, parses are remembered there (`loadcache`) and so are
    each file's findings (`checkcache`): the diagnostics are the same.
    """
    if cache is None:
        loaded = load_project(settings)
        found = loaded.diagnostics + check(
            loaded.project, complete=loaded.skipped == 0, max_quote_words=settings.max_quote_words
        )
        found += list(site)
        return Analysis(loaded.project, finalize(with_excerpts(found, loaded.texts), strict=strict))
    from reportgen.checkcache import cached_check

    memo = LoadCache(cache)
    loaded = load_project(settings, memo)
    found, texts, save = cached_check(
        settings, cache, max_quote_words=settings.max_quote_words, parses=memo, loaded=loaded
    )
    found += list(site)

    def save_both() -> None:
        save()
        memo.save(complete=True)  # this run loaded every file: keep only those

    return Analysis(loaded.project, finalize(with_excerpts(found, texts), strict=strict), save_both)


def diagnose(
    settings: Settings, cache: Path, *, strict: bool = False, site: Sequence[Diagnostic] = ()
) -> tuple[list[Diagnostic], Callable[[], None]]:
    """What `analyse` would report, from a cache folder where files are unchanged.

    For `reportgen check --cache`: no project is returned, so unchanged files
    need neither parsing nor decoding (see `checkcache`). The second value
    saves the cache; it may raise OSError, which must not cost the result.
    """
    from reportgen.checkcache import cached_check

    found, texts, save = cached_check(settings, cache, max_quote_words=settings.max_quote_words)
    return finalize(with_excerpts([*found, *site], texts), strict=strict), save


def with_excerpts(diagnostics: list[Diagnostic], texts: dict[str, str]) -> list[Diagnostic]:
    """Each diagnostic with the line it points into, as the editor's file has it."""
    lines: dict[str, list[str]] = {}
    out = []
    for diagnostic in diagnostics:
        text = texts.get(diagnostic.position.file)
        if text is None or diagnostic.excerpt is not None:
            out.append(diagnostic)
            continue
        if diagnostic.position.file not in lines:
            lines[diagnostic.position.file] = text.splitlines()
        file_lines = lines[diagnostic.position.file]
        number = diagnostic.position.line
        excerpt = file_lines[number - 1] if 0 < number <= len(file_lines) else None
        out.append(replace(diagnostic, excerpt=excerpt) if excerpt is not None else diagnostic)
    return out


def settings_from_options(root: Path, values: dict[str, Any]) -> Settings:
    """Settings from already validated plugin options (MkDocs' or `siteconfig`'s)."""
    return settings_from_values(root, {**{o.name: o.default for o in OPTIONS}, **values})


def site_diagnostics(site_url: str | None, config_shown: str) -> list[Diagnostic]:
    """What the site's settings lack for readers beyond the page (feeds, cards, citations)."""
    if site_url:
        return []
    return [
        warning(
            "missing-site-url",
            f"{config_shown} has no site_url: feeds, sharing cards and citations cannot give"
            " the reports' full address",
            Position(config_shown),
            "add 'site_url: https://...' with the address the site is published at",
        )
    ]
