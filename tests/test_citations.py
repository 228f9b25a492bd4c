"""The inline citation grammar: what is a group, what is an error, where offsets point."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import citations


def keys_of(text: str) -> list[list[str]]:
    pieces, problems = citations.parse(text)
    assert problems == []
    return [[k.key for k in p.keys] for p in pieces if isinstance(p, citations.ParsedGroup)]


def test_single_and_grouped_keys_keep_their_order() -> None:
    assert keys_of("A [@b] c [@z; @a] d.") == [["b"], ["z", "a"]]


def test_prose_between_groups_is_kept_verbatim() -> None:
    pieces, _ = citations.parse("tasks [@a; @b]; federal [@c].")
    assert [p for p in pieces if isinstance(p, str)] == ["tasks ", "; federal ", "."]


def test_key_offsets_point_at_the_at_sign_plus_one() -> None:
    text = "See [@alpha; @beta]."
    pieces, _ = citations.parse(text)
    group = next(p for p in pieces if isinstance(p, citations.ParsedGroup))
    assert [text[k.offset : k.offset + len(k.key)] for k in group.keys] == ["alpha", "beta"]


def test_brackets_without_at_are_prose() -> None:
    assert keys_of("An aside [see above] and an email a@b.org.") == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Unclosed [@alpha", "never closed"),
        ("Empty [@] group", "'@' in citation group"),
        ("Trailing [@a;] semicolon", "empty entry"),
        ("Spaced [@two words] key", "not a citation key"),
        ("Unclosed [@a; then [@b]", "never closed"),
    ],
)
def test_malformed_groups_are_reported_not_guessed(text: str, fragment: str) -> None:
    pieces, problems = citations.parse(text)
    assert len(problems) == 1
    assert fragment in problems[0].message
    assert "".join(p for p in pieces if isinstance(p, str)).startswith(text.split("[")[0])


def test_pinpoint_locators_show_in_markers_previews_and_claims_json(tmp_path: Path) -> None:
    """`[@key, p. 33]` reads `[1, p. 33]`, in the tooltip and accessible name too."""
    import json
    import shutil

    from bs4 import BeautifulSoup

    from conftest import FIXTURES
    from reportgen.pipeline import analyse
    from reportgen.render import render_site
    from reportgen.settings import Settings

    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "base", root)
    path = root / "content" / "mini.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("[@alpha].\nsections", "[@alpha, pp. 4-6].\nsections")
        .replace("[@alpha; @beta]", "[@alpha, sec. 2; @beta, para. 12]"),
        encoding="utf-8",
    )
    analysis = analyse(Settings(root=root))
    assert analysis.ok, analysis.diagnostics
    pages = render_site(analysis.project)
    soup = BeautifulSoup(pages["reports/mini.md"], "html.parser")
    markers = [a.get_text() for a in soup.select("a.citation")]
    assert markers[:3] == ["[1, pp. 4\u20136]", "[1, sec. 2]", "[2, para. 12]"]
    first = soup.select("a.citation")[0]
    assert first["aria-label"] == "Source 1: Alpha report, pp. 4\u20136"
    assert first["title"].endswith(", pp. 4\u20136")
    claims = json.loads(pages["reports/mini.json"])["claims"]
    assert claims[0]["citations"] == [{"key": "alpha", "number": 1, "locator": "pp. 4\u20136"}]
    assert claims[1]["citations"][1] == {"key": "beta", "number": 2, "locator": "para. 12"}
