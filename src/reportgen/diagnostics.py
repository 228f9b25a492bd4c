"""Building and printing diagnostics: text for people, JSON for tools, GitHub annotations.

The formats are part of the product's interface (CI parses them), so they
live in one place and are covered by exact-output tests.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from reportgen.codes import CODES
from reportgen.model import Diagnostic, Position, Severity

FORMATS = ("text", "concise", "json", "github")
EXCERPT_WIDTH = 100
"""Long lines are shown as a window of this many characters around the column."""


def error(code: str, message: str, position: Position, hint: str | None = None) -> Diagnostic:
    if code not in CODES:
        raise KeyError(f"diagnostic code {code!r} is not registered in reportgen.codes")
    return Diagnostic(Severity.ERROR, code, message, position, hint)


def warning(code: str, message: str, position: Position, hint: str | None = None) -> Diagnostic:
    if code not in CODES:
        raise KeyError(f"diagnostic code {code!r} is not registered in reportgen.codes")
    return Diagnostic(Severity.WARNING, code, message, position, hint)


def finalize(diagnostics: Iterable[Diagnostic], *, strict: bool) -> list[Diagnostic]:
    """Sort like a compiler and, under --strict, promote warnings to errors."""
    out = sorted(set(diagnostics), key=Diagnostic.sort_key)
    if strict:
        out = [replace(d, severity=Severity.ERROR) for d in out]
    return out


def visible(text: str) -> str:
    r"""Text safe to print on a terminal or in a CI log, with nothing hidden.

    Content reaches messages (claim excerpts, keys, URLs). Control characters
    (an ESC could recolour or rewrite the terminal), direction overrides
    (U+202E) and zero-width characters are shown as `\u202e`-style escapes
    instead, so what an editor reads is what the file holds.
    """
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable() or (char == " ")
        else (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs")
        else char
        for char in text
    )


def message_with_hint(diagnostic: Diagnostic) -> str:
    if diagnostic.hint:
        return visible(f"{diagnostic.message} ({diagnostic.hint})")
    return visible(diagnostic.message)


def format_text(diagnostics: Sequence[Diagnostic], *, excerpts: bool = True) -> str:
    """Compiler style: `file:line:col: severity[code]: message (hint)`, the line, a caret."""
    lines = []
    for d in diagnostics:
        lines.append(
            f"{visible(str(d.position))}: {d.severity.value}[{d.code}]: {message_with_hint(d)}"
        )
        if excerpts and d.excerpt is not None:
            lines.extend(_excerpt_lines(d))
    lines.append(summary_line(diagnostics))
    return "\n".join(lines) + "\n"


def _excerpt_lines(diagnostic: Diagnostic) -> list[str]:
    """The offending line under a gutter with its number, and a caret under the column."""
    assert diagnostic.excerpt is not None
    text = diagnostic.excerpt.replace("\t", " ")
    column = max(diagnostic.position.column - 1, 0)
    start = max(0, column - EXCERPT_WIDTH // 2) if len(text) > EXCERPT_WIDTH else 0
    shown = text[start : start + EXCERPT_WIDTH]
    prefix = "\u2026" if start else ""
    suffix = "\u2026" if start + EXCERPT_WIDTH < len(text) else ""
    number = str(diagnostic.position.line)
    pad = " " * len(number)
    caret_at = len(visible(prefix + shown[: column - start]))
    return [
        f" {number} | {visible(prefix + shown + suffix)}",
        f" {pad} | {' ' * caret_at}^",
    ]


def summary_line(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "All checks passed."
    return f"Found {plural(errors, 'error')} and {plural(warnings, 'warning')}."


def plural(count: int, word: str) -> str:
    """'1 error', '2 errors'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    payload = {
        "diagnostics": [
            {
                "severity": d.severity.value,
                "code": d.code,
                "file": d.position.file,
                "line": d.position.line,
                "column": d.position.column,
                "message": d.message,
                "hint": d.hint,
            }
            for d in diagnostics
        ],
        "summary": {
            "errors": errors,
            "warnings": len(diagnostics) - errors,
            "files": len({d.position.file for d in diagnostics}),
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub workflow commands; the runner turns them into annotations on the changed lines."""
    lines = []
    for d in diagnostics:
        p = d.position
        props = ",".join(
            [
                f"file={_escape_property(visible(p.file))}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_property(d.code)}",
            ]
        )
        lines.append(f"::{d.severity.value} {props}::{_escape_data(message_with_hint(d))}")
    return "".join(line + "\n" for line in lines)


def render(diagnostics: Sequence[Diagnostic], output_format: str) -> str:
    if output_format == "concise":
        return format_text(diagnostics, excerpts=False)
    if output_format == "json":
        return format_json(diagnostics)
    if output_format == "github":
        return format_github(diagnostics)
    return format_text(diagnostics)


def suggest(key: str, keys: list[str]) -> str | None:
    """A did-you-mean hint; case-only differences first, since BibTeX users hit them most."""
    for candidate in keys:
        if candidate.casefold() == key.casefold():
            return f"keys are case-sensitive: did you mean '{candidate}'?"
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
