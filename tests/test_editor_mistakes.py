"""The editor-mistake table: typical slips in a report, each with its exact message.

Each case changes lines of the minimal base report (tests/fixtures/base/) the
way an editor's mistake would, and `reportgen check --format concise` must
print exactly the expected lines: the line to change, in plain words, with a
hint where the likely intent is visible. One mistake, one diagnostic.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_reportgen

BASE = FIXTURES / "base"
TODAY = datetime.date.today().isoformat()

# name -> ({1-based line of the base report: replacement text, or None to delete}, expected)
MISTAKES: dict[str, tuple[dict[int, str | None], list[str]]] = {
    "dedent-claim": (
        {
            10: "      - A section claim cites two sources [@alpha; @beta].\n    - A dedented claim [@alpha]."
        },
        [
            "content/mini.yaml:11:5: error[yaml-syntax]: this '- ' is indented 4 spaces, but the list it continues (line 10) is indented 6 (indent it by 6 spaces, lined up with line 10)",
        ],
    ),
    "overindent-claim": (
        {
            10: "      - A section claim cites two sources [@alpha; @beta].\n        - An over-indented claim [@alpha]."
        },
        [
            "content/mini.yaml:11:9: error[yaml-syntax]: this '- ' is indented 8 spaces, but the list it belongs to (line 10) is indented 6, so YAML joins it to the text above instead of starting a new item (indent it by 6 spaces)",
        ],
    ),
    "one-space-more": (
        {
            10: "      - A section claim cites two sources [@alpha; @beta].\n       - One space too many [@alpha]."
        },
        [
            "content/mini.yaml:11:8: error[yaml-syntax]: this '- ' is indented 7 spaces, but the list it belongs to (line 10) is indented 6, so YAML joins it to the text above instead of starting a new item (indent it by 6 spaces)",
        ],
    ),
    "dedent-key": (
        {9: "   claims:"},
        [
            "content/mini.yaml:9:4: error[yaml-syntax]: 'claims' is indented 3 spaces, but 'title' on line 8, the field it belongs with, is indented 4 (indent 'claims' by 4 spaces, lined up with 'title')",
        ],
    ),
    "overindent-key": (
        {9: "     claims:"},
        [
            "content/mini.yaml:9:6: error[yaml-syntax]: 'claims' is indented 5 spaces, but 'title' on line 8, the field it belongs with, is indented 4 (indent 'claims' by 4 spaces, lined up with 'title')",
        ],
    ),
    "section-dedent": (
        {8: " - title: Only section"},
        [
            "content/mini.yaml:9:5: error[yaml-syntax]: 'claims' is indented 4 spaces, but 'title' on line 8, the field it belongs with, is indented 3 (indent 'claims' by 3 spaces, lined up with 'title')",
        ],
    ),
    "colon-in-claim": (
        {10: "      - Reporting found: many things [@alpha]."},
        [
            "content/mini.yaml:10:9: error[schema]: this claim contains ': ', so YAML reads 'Reporting found' as a field name (put the whole text in quotes: - 'Reporting found: many things [@alpha].')",
        ],
    ),
    "colon-in-title": (
        {2: "title: Budget: does it build?"},
        [
            "content/mini.yaml:2:14: error[yaml-syntax]: the text of 'title' contains ': ', which YAML reads as the start of another field (put the whole text in quotes: title: 'Budget: does it build?')",
        ],
    ),
    "colon-in-section-title": (
        {8: "  - title: Part one: the setup"},
        [
            "content/mini.yaml:8:20: error[yaml-syntax]: the text of 'title' contains ': ', which YAML reads as the start of another field (put the whole text in quotes: - title: 'Part one: the setup')",
        ],
    ),
    "unclosed-double-quote": (
        {2: 'title: "Does the minimal report build?'},
        [
            'content/mini.yaml:2:8: error[yaml-syntax]: the quote (") that opens this text is never closed (end the text with " on the same line)',
        ],
    ),
    "unclosed-single-quote": (
        {2: "title: 'Does the minimal report build?"},
        [
            "content/mini.yaml:2:8: error[yaml-syntax]: the quote (') that opens this text is never closed (end the text with ' on the same line)",
        ],
    ),
    "apostrophe-in-single-quotes": (
        {2: "title: 'Who's building it?'"},
        [
            "content/mini.yaml:2:12: error[yaml-syntax]: this apostrophe ends the text that ' opened (inside single quotes write an apostrophe twice: title: 'Who''s building it?')",
        ],
    ),
    "text-after-quote": (
        {10: '      - "Quoted" part and the rest [@alpha].'},
        [
            "content/mini.yaml:10:17: error[yaml-syntax]: the text goes on after its closing quote, which YAML does not allow (put the whole text in quotes: - '\"Quoted\" part and the rest [@alpha].')",
        ],
    ),
    "starts-with-bracket": (
        {10: "      - [@alpha] says the claim is true."},
        [
            "content/mini.yaml:10:9: error[yaml-syntax]: a text that starts with '[' is read by YAML as a list, not as text (put the whole text in quotes: - '[@alpha] says the claim is true.')",
        ],
    ),
    "starts-with-at": (
        {10: "      - @alpha says the claim is true."},
        [
            "content/mini.yaml:10:9: error[yaml-syntax]: a text that starts with '@' is read by YAML as reserved syntax, not as text (put the whole text in quotes: - '@alpha says the claim is true.')",
        ],
    ),
    "starts-with-star": (
        {10: "      - *Emphasis* is not allowed here [@alpha]."},
        [
            "content/mini.yaml:10:9: error[yaml-syntax]: a text that starts with '*' is read by YAML as an alias (a reference to another value), not as text (put the whole text in quotes: - '*Emphasis* is not allowed here [@alpha].')",
        ],
    ),
    "starts-with-hash": (
        {14: "  - #hashtag campaigns grew [@alpha]."},
        [
            "content/mini.yaml:14:4: error[schema]: bottom_line[1] is empty: YAML reads a text that starts with '#' as a comment (put the whole text in quotes: - '#hashtag campaigns grew [@alpha].')",
        ],
    ),
    "starts-with-backtick": (
        {10: "      - `code` starts this claim [@alpha]."},
        [
            "content/mini.yaml:10:9: error[yaml-syntax]: a text that starts with '`' is read by YAML as reserved syntax, not as text (put the whole text in quotes: - '`code` starts this claim [@alpha].')",
        ],
    ),
    "tab-indent": (
        {10: "\t- A claim indented with a tab [@alpha]."},
        [
            "content/mini.yaml:10:1: error[yaml-syntax]: this line is indented with a tab; YAML indents with spaces only (replace the tab with spaces, lined up with the lines above)",
        ],
    ),
    "missing-dash": (
        {10: "      A claim without its dash [@alpha].\n      Another claim [@beta]."},
        [
            "content/mini.yaml:10:7: error[schema]: sections[1].claims must be a list, not a string (start each item with '- ' on its own line)",
        ],
    ),
    "missing-space-after-colon": (
        {2: "title:Does the minimal report build?"},
        [
            "content/mini.yaml:2:6: error[yaml-syntax]: 'title:' needs a space after the colon (write 'title: Does the minimal report build?')",
        ],
    ),
    "yes-as-claim": (
        {14: "  - yes"},
        [
            "content/mini.yaml:14:5: error[schema]: bottom_line[1] must be text, but YAML reads 'yes' as a boolean (put the whole text in quotes: - 'yes')",
        ],
    ),
    "number-title": (
        {2: "title: 2026"},
        [
            "content/mini.yaml:2:8: error[schema]: title must be text, but YAML reads '2026' as an integer (put the whole text in quotes: title: '2026')",
        ],
    ),
    "empty-claims": (
        {10: None},
        [
            "content/mini.yaml:9:5: error[schema]: sections[1].claims must be a list, not an empty value (add at least one item below it, each on its own line starting with '- ')",
        ],
    ),
    "duplicate-key": (
        {3: "published: 2026-01-02\npublished: 2026-01-03"},
        [
            "content/mini.yaml:4:1: error[yaml-syntax]: 'published' appears twice here (first on line 3); YAML keeps only one, so remove or rename the other",
        ],
    ),
    "cite-as-string": (
        {10: "      - text: A mapping claim.\n        cite: alpha"},
        [
            "content/mini.yaml:11:15: error[schema]: sections[1].claims[1].cite must be a list, not a string (write cite: [alpha])",
        ],
    ),
    "no-at-citation": (
        {10: "      - A claim cites [alpha] without the at sign."},
        [
            "content/mini.yaml:10:9: error[uncited-claim]: claim 'A claim cites [alpha] without the at sign.' cites no source (did you mean '[@alpha]'? A citation starts with @)",
        ],
    ),
    "brief-style-number": (
        {10: "      - A claim cites the brief's way [1]."},
        [
            "content/mini.yaml:10:9: error[uncited-claim]: claim 'A claim cites the brief's way [1].' cites no source ('[1]' numbers a source the way a brief does; cite it by its key, [@key], and the site numbers it)",
        ],
    ),
    "unclosed-citation": (
        {10: "      - A claim with an unclosed group [@alpha."},
        [
            "content/mini.yaml:10:40: error[citation-syntax]: citation group '[@' is never closed with ']'",
        ],
    ),
    "trailing-semicolon": (
        {10: "      - A claim with a trailing semicolon [@alpha;]."},
        [
            "content/mini.yaml:10:51: error[citation-syntax]: empty entry in citation group '[@alpha;]'",
        ],
    ),
    "whitespace-claim": (
        {10: '      - "   "'},
        [
            "content/mini.yaml:10:9: error[schema]: sections[1].claims[1] must not be empty or only spaces",
        ],
    ),
    "citation-only-claim": (
        {10: '      - "[@alpha]"'},
        [
            "content/mini.yaml:10:9: error[empty-claim]: this claim is only a citation, with no text for it to support (write the statement the sources support before the citation)",
        ],
    ),
    "impossible-date": (
        {3: "published: 2026-02-30"},
        [
            "content/mini.yaml:3:12: error[schema]: published 2026-02-30 is not a day of the calendar (check the month and the day)",
        ],
    ),
    "unpadded-date": (
        {3: "published: 2026-2-3"},
        [
            "content/mini.yaml:3:12: error[schema]: published must be written YYYY-MM-DD, not '2026-2-3' (write 2026-02-03)",
        ],
    ),
    "us-date": (
        {3: "published: 02/03/2026"},
        [
            "content/mini.yaml:3:12: error[schema]: published must be written YYYY-MM-DD (year first), not '02/03/2026' (for example 2026-03-31)",
        ],
    ),
    "checked-before-published": (
        {4: "last_checked: 2025-12-01"},
        [
            "content/mini.yaml:4:15: error[date-order]: last_checked 2025-12-01 is before published 2026-01-02 (sources are checked when or after a report is published)",
        ],
    ),
    "checked-in-future": (
        {4: "last_checked: 2999-01-01"},
        [
            f"content/mini.yaml:4:15: error[date-order]: last_checked 2999-01-01 is in the future (today is {TODAY}) (use the date the work was done)",
        ],
    ),
    "misspelt-field": (
        {13: "bottom_lines:"},
        [
            "content/mini.yaml:13:1: error[schema]: unknown field 'bottom_lines' in report (did you mean 'bottom_line'?)",
        ],
    ),
}


def test_the_table_has_at_least_25_mistakes() -> None:
    assert len(MISTAKES) >= 25


def apply(changes: dict[int, str | None]) -> str:
    base = (BASE / "content" / "mini.yaml").read_text(encoding="utf-8").splitlines()
    out = []
    for number, line in enumerate(base, start=1):
        if number not in changes:
            out.append(line)
        elif changes[number] is not None:
            out.append(str(changes[number]))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", list(MISTAKES))
def test_mistake_gets_its_exact_message(name: str, tmp_path: Path) -> None:
    changes, expected = MISTAKES[name]
    project = tmp_path / "site"
    shutil.copytree(BASE, project)
    (project / "content" / "mini.yaml").write_text(apply(changes), encoding="utf-8")
    result = run_reportgen("check", "--format", "concise", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:-1] == expected
    assert "Traceback" not in result.stderr


def test_the_full_format_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    project = tmp_path / "site"
    shutil.copytree(BASE, project)
    changes, _ = MISTAKES["dedent-claim"]
    (project / "content" / "mini.yaml").write_text(apply(changes), encoding="utf-8")
    lines = run_reportgen("check", cwd=project).stdout.splitlines()
    assert lines[1:3] == [
        " 11 |     - A dedented claim [@alpha].",
        "    |     ^",
    ]
