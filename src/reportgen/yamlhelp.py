"""YAML mistakes in an editor's words: which line to change, what to do.

The parser reports where it noticed a problem, in its own terms ("mapping
values are not allowed in this context", one line late). Editors of briefs
are reporters, not programmers; this module looks at the lines around the
parser's mark and says what they most likely meant: an indentation that does
not line up, a text with `: ` that needs quotes, a quote never closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*):(?: +|$)")
_ITEM_LINE = re.compile(r"^(?P<indent> *)- ")
_VALUE_START = re.compile(r"^ *(?:- +)?(?:[A-Za-z_][\w-]*: +)?")


@dataclass(frozen=True)
class Explanation:
    """A 1-based line and column, a message and a hint for the editor."""

    line: int
    column: int
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class _Slip:
    """What the parser reported, and the lines around it: each rule reads what it needs."""

    problem: str
    context: str
    error: yaml.MarkedYAMLError
    lines: list[str]
    line0: int
    col0: int
    current: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def quoted(value: str) -> str:
    """The value in single quotes, as YAML reads it literally ('' for an apostrophe)."""
    return "'" + value.replace("'", "''") + "'"


def quote_hint(line: str) -> str:
    """'put the text in quotes: title: "..."', built from the editor's own line."""
    prefix = _VALUE_START.match(line)
    start = prefix.end() if prefix else 0
    value = line[start:].rstrip()
    return f"put the whole text in quotes: {line[:start].strip()} {quoted(value)}".replace(
        ":  '", ": '"
    ).strip()


def explain(error: yaml.MarkedYAMLError, text: str) -> Explanation:
    """The most likely mistake behind a parser error, at the line to change."""
    lines = text.splitlines()
    problem = str(error.problem or error.context or "invalid YAML")
    context = str(error.context or "")
    mark = error.problem_mark or error.context_mark
    line0 = mark.line if mark is not None else 0
    col0 = mark.column if mark is not None else 0
    current = lines[line0] if line0 < len(lines) else ""
    slip = _Slip(problem, context, error, lines, line0, col0, current)
    for rule in _RULES:
        found = rule(slip)
        if found is not None:
            return found
    return Explanation(
        line0 + 1,
        col0 + 1,
        f"this line is not valid YAML ({problem})",
        "check its indentation against the lines above, and put texts with ': ' in quotes",
    )


def _tab(slip: _Slip) -> Explanation | None:
    for number, line in enumerate(slip.lines[: slip.line0 + 1]):
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in leading or (number == slip.line0 and "\t" in line[: slip.col0 + 1]):
            return Explanation(
                number + 1,
                line.index("\t") + 1,
                "this line is indented with a tab; YAML indents with spaces only",
                "replace the tab with spaces, lined up with the lines above",
            )
    return None


def _unclosed_quote(slip: _Slip) -> Explanation | None:
    if "quoted scalar" not in slip.context or slip.error.context_mark is None:
        return None
    start = slip.error.context_mark
    opening = (
        slip.lines[start.line][start.column : start.column + 1]
        if start.line < len(slip.lines)
        else '"'
    )
    if "escape" in slip.problem:
        return Explanation(
            slip.error.problem_mark.line + 1 if slip.error.problem_mark else start.line + 1,
            slip.error.problem_mark.column + 1 if slip.error.problem_mark else start.column + 1,
            "a backslash inside double quotes starts an escape sequence YAML does not know",
            "write the backslash twice (\\\\), or use single quotes around the text",
        )
    return Explanation(
        start.line + 1,
        start.column + 1,
        f"the quote ({opening}) that opens this text is never closed",
        f"end the text with {opening} on the same line",
    )


def _text_after_quote(slip: _Slip) -> Explanation | None:
    prefix = _VALUE_START.match(slip.current)
    start = prefix.end() if prefix else 0
    value = slip.current[start:]
    if value[:1] not in ("'", '"') or slip.col0 <= start:
        return None
    quote = value[0]
    close = value.find(quote, 1)
    while quote == "'" and close >= 0 and value[close + 1 : close + 2] == "'":
        close = value.find(quote, close + 2)
    if close < 0 or start + close + 1 >= len(slip.current.rstrip()):
        return None
    after = slip.current[start + close + 1 :]
    if quote == "'" and after[:1].isalpha():
        return Explanation(
            slip.line0 + 1,
            start + close + 1,
            "this apostrophe ends the text that ' opened",
            f"inside single quotes write an apostrophe twice: {_replace_value(slip.current)}",
        )
    return Explanation(
        slip.line0 + 1,
        start + close + 2,
        "the text goes on after its closing quote, which YAML does not allow",
        quote_hint(slip.current),
    )


def _replace_value(line: str) -> str:
    prefix = _VALUE_START.match(line)
    start = prefix.end() if prefix else 0
    inner = line[start:].rstrip()[1:-1]
    return f"{line[:start].strip()} {quoted(inner)}".strip()


def _special_start(slip: _Slip) -> Explanation | None:
    prefix = _VALUE_START.match(slip.current)
    start = prefix.end() if prefix else 0
    first = slip.current[start : start + 1]
    meaning = {
        "[": "a list",
        "{": "a mapping",
        "@": "reserved syntax",
        "`": "reserved syntax",
        "*": "an alias (a reference to another value)",
        "&": "an anchor",
        "!": "a tag",
        "%": "a directive",
        "|": "the start of a block of text",
        ">": "the start of a folded block of text",
    }.get(first)
    if meaning is None or slip.line0 >= len(slip.lines):
        return None
    return Explanation(
        slip.line0 + 1,
        start + 1,
        f"a text that starts with '{first}' is read by YAML as {meaning}, not as text",
        quote_hint(slip.current),
    )


def _colon_in_text(slip: _Slip) -> Explanation | None:
    if "mapping values are not allowed" not in slip.problem:
        return None
    key = _KEY_LINE.match(slip.current)
    if key is None or slip.col0 < key.end():
        return None
    return Explanation(
        slip.line0 + 1,
        slip.col0 if slip.current[slip.col0 - 1 : slip.col0] == ":" else slip.col0 + 1,
        f"the text of '{key['key']}' contains ': ', which YAML reads as the start of another field",
        quote_hint(slip.current),
    )


def _misaligned_key(slip: _Slip) -> Explanation | None:
    """A field indented differently from the fields it belongs with."""
    if not any(
        p in slip.problem
        for p in ("mapping values are not allowed", "expected '-' indicator", "expected key")
    ):
        return None
    here = _KEY_LINE.match(slip.current)
    if here is None or here["dash"]:
        return None
    column = _indent(slip.current)
    for number in range(slip.line0 - 1, -1, -1):
        above = _KEY_LINE.match(slip.lines[number])
        if above is None:
            if slip.lines[number].strip() and _indent(slip.lines[number]) < column:
                break
            continue
        field_column = len(above["indent"]) + len(above["dash"] or "")
        if field_column == column:
            return None
        if abs(field_column - column) <= 2 and field_column > 0:
            return Explanation(
                slip.line0 + 1,
                column + 1,
                f"'{here['key']}' is indented {column} spaces, but '{above['key']}' on line"
                f" {number + 1}, the field it belongs with, is indented {field_column}",
                f"indent '{here['key']}' by {field_column} spaces, lined up with '{above['key']}'",
            )
        if field_column < column:
            break
    return None


def _misaligned_item(slip: _Slip) -> Explanation | None:
    """A list item (`- `) indented less than the items it continues."""
    item = _ITEM_LINE.match(slip.current)
    if item is None:
        return None
    column = len(item["indent"])
    for number in range(slip.line0 - 1, -1, -1):
        above = _ITEM_LINE.match(slip.lines[number])
        if above is None:
            continue
        item_column = len(above["indent"])
        if item_column > column:
            return Explanation(
                slip.line0 + 1,
                column + 1,
                f"this '- ' is indented {column} spaces, but the list it continues (line"
                f" {number + 1}) is indented {item_column}",
                f"indent it by {item_column} spaces, lined up with line {number + 1}",
            )
        if item_column <= column:
            return None
    return None


def _missing_space(slip: _Slip) -> Explanation | None:
    if "could not find expected ':'" not in slip.problem or slip.error.context_mark is None:
        return None
    start = slip.error.context_mark.line
    line = slip.lines[start] if start < len(slip.lines) else ""
    glued = re.match(r"^ *(?:- +)?([A-Za-z_][\w-]*):(\S)", line)
    if glued is None:
        return Explanation(
            start + 1,
            slip.error.context_mark.column + 1,
            "this line has no ':' after its field name, or its text runs onto the next line",
            "write 'field: value' on one line, or put a long text in quotes",
        )
    return Explanation(
        start + 1,
        glued.end(1) + 1,
        f"'{glued[1]}:' needs a space after the colon",
        f"write '{glued[1]}: {line[glued.end(1) + 1 :].strip()}'",
    )


_RULES = (
    _tab,
    _unclosed_quote,
    _missing_space,
    _text_after_quote,
    _special_start,
    _colon_in_text,
    _misaligned_item,
    _misaligned_key,
)
