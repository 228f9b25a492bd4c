"""The inline citation grammar: what is a group, what is an error, where offsets point."""

from __future__ import annotations

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
