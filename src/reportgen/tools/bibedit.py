"""Editor tool: add fields to bib entries with the smallest possible edit.

A `references.bib` is often maintained by a reference manager and reviewed
line by line in pull requests. Rewriting it through a parser would reorder
fields, re-wrap values and change quoting in every entry; instead new field
lines are inserted into the entries' own text and every other byte stays as
it was: after the entry's `url` line when it ends with a comma, else right
after the `@type{key,` line, so no existing line changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FIELD_LINE = re.compile(r"^([ \t]*)([A-Za-z][\w:.+-]*)([ \t]*)=", re.MULTILINE)


class EditError(Exception):
    """The entry's text is not where the bibliography said, or not shaped as expected."""


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    offsets.extend(i + 1 for i, char in enumerate(text) if char == "\n")
    return offsets


def _entry_span(text: str, start: int) -> tuple[int, int]:
    """Offsets of the entry starting at `start` ('@'): through its closing delimiter."""
    opening = re.compile(r"@\s*[A-Za-z]+\s*([{(])").match(text, start)
    if opening is None:
        raise EditError("no entry starts here")
    closing = "}" if opening.group(1) == "{" else ")"
    depth = 0
    for index in range(opening.end(), len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and closing == "}":
                return start, index + 1
            depth -= 1
        elif char == ")" and depth == 0 and closing == ")":
            return start, index + 1
    raise EditError("the entry is not closed")


def _value_end(text: str, start: int) -> int:
    """Where a field value that starts at `start` ends (braces, quotes, macros and #)."""
    index = start
    while True:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        if index >= len(text):
            return index
        if text[index] == "{":
            depth = 0
            while index < len(text):
                depth += {"{": 1, "}": -1}.get(text[index], 0)
                index += 1
                if depth == 0:
                    break
        elif text[index] == '"':
            index += 1
            depth = 0
            while index < len(text) and not (text[index] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[index], 0)
                index += 1
            index += 1
        else:
            match = re.compile(r"[^\s,#}]+").match(text, index)
            index = match.end() if match else index
        rest = re.compile(r"[ \t\r\n]*#").match(text, index)
        if rest is None:
            return index
        index = rest.end()


def _insertion_point(entry: str) -> tuple[int, str, int]:
    """(offset in the entry to insert at, indentation, width of the name before `=`).

    Indentation and alignment copy the neighbouring field line, so an
    aligned entry stays aligned where the new names fit.
    """
    fields = list(_FIELD_LINE.finditer(entry))

    def layout(match: re.Match[str] | None) -> tuple[str, int]:
        if match is None:
            return "  ", 0
        return match.group(1), len(match.group(2)) + len(match.group(3)) - 1

    for match in fields:
        if match.group(2).lower() != "url":
            continue
        after = re.compile(r"[ \t]*,[ \t]*(\r?\n)").match(entry, _value_end(entry, match.end()))
        if after is not None:
            return (after.end(), *layout(match))
    header = re.compile(r"@[^{(]*[{(][^,\n]*,[ \t]*\r?\n").match(entry)
    if header is None:
        raise EditError("the entry's first line is not '@type{key,'")
    return (header.end(), *layout(fields[0] if fields else None))


def add_fields(text: str, line: int, fields: Sequence[tuple[str, str]]) -> str:
    """`text` with `fields` added to the entry whose '@' is on `line` (1-based)."""
    offsets = _line_offsets(text)
    if not 1 <= line <= len(offsets):
        raise EditError(f"line {line} is outside the file")
    at = text.find("@", offsets[line - 1])
    if at < 0:
        raise EditError(f"no entry on line {line}")
    start, end = _entry_span(text, at)
    entry = text[start:end]
    point, indent, width = _insertion_point(entry)
    newline = "\r\n" if "\r\n" in entry else "\n"
    lines = "".join(
        f"{indent}{name.ljust(width)} = {{{value}}},{newline}" for name, value in fields
    )
    return text[: start + point] + lines + text[start + point :]


def archive_field_names(text: str) -> tuple[str, str, str]:
    """The spelling this file already uses for the archive fields, else Wikipedia's."""
    if re.search(r"^\s*archiveurl\s*=", text, re.IGNORECASE | re.MULTILINE):
        return "archiveurl", "archivedate", "urlstatus"
    return "archive-url", "archive-date", "url-status"
